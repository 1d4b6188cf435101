import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { memoryIO } from '../../lib/cli/io';
import { runCli } from '../../lib/cli/main';
import { startSandbox, Sandbox } from '../../lib/sandbox';

const REPO = path.resolve(__dirname, '..', '..');
const PKG = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8'));
const OPS_READ = 'glpat-sandbox-ops-readonly-00000000002';

describe('tokenscope init', () => {
  let tmp: string;
  beforeEach(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tokenscope-init-')); });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  const init = async (args: string[], env: Record<string, string> = {}) => {
    const io = memoryIO(env, tmp);
    const code = await runCli(['node', 'tokenscope', 'init', ...args], io);
    return { code, out: io.out(), err: io.err() };
  };
  const read = (rel: string) => fs.readFileSync(path.join(tmp, rel), 'utf8');

  it('scaffolds an ops repo with every version pinned to what tokenscope is tested with', async () => {
    const r = await init(['ops', '--gitlab-url', 'https://gitlab.example.com/']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('tokenscope init: wrote 10 files into ops (stack job-token-scopes):');
    const pkg = JSON.parse(read('ops/package.json'));
    expect(pkg.name).toBe('ops');
    expect(pkg.dependencies).toEqual({
      tokenscope: PKG.version,
      cdktf: PKG.devDependencies.cdktf,
      constructs: PKG.devDependencies.constructs,
      '@cdktf/provider-gitlab': PKG.devDependencies['@cdktf/provider-gitlab'],
    });
    for (const d of ['cdktf-cli', 'typescript', 'ts-node', 'jest', 'ts-jest', '@types/jest', '@types/node']) {
      expect(pkg.devDependencies[d]).toBe(PKG.devDependencies[d]);
    }
    expect(pkg.devDependencies.typescript).toMatch(/^5\.9\./);
    expect(JSON.parse(read('ops/cdktf.json')).app).toBe('npx ts-node main.ts');
    expect(read('ops/main.ts')).toContain("new TokenScopeStack(app, 'job-token-scopes', { baseUrl: 'https://gitlab.example.com', state });");
    expect(read('ops/main.ts')).toContain("const state = process.env.CI_PROJECT_ID ? ('gitlab' as const) : undefined;");
    expect(read('ops/.gitlab-ci.yml')).toContain('  - local: .gitlab/ci/tokenscope.gitlab-ci.yml');
    expect(read('ops/.gitlab/ci/tokenscope.gitlab-ci.yml')).toContain(fs.readFileSync(path.join(REPO, 'templates', 'tokenscope.gitlab-ci.yml'), 'utf8'));
    expect(read('ops/.gitignore')).toContain('cdktf.out/');
    // The comment naming the other inputs keeps up with the template's spec:inputs.
    const also = /# Also: ([^(]*)\(/.exec(read('ops/.gitlab-ci.yml'))![1].replace(/\s*#\s*/g, ' ').split(',').map((x) => x.trim()).filter(Boolean);
    const spec = (parseAllDocuments(read('ops/.gitlab/ci/tokenscope.gitlab-ci.yml'))[0].toJS() as { spec: { inputs: Record<string, unknown> } }).spec.inputs;
    expect(also.sort()).toEqual(Object.keys(spec).filter((k) => k !== 'drift_shards').sort());
  });

  it('refuses a directory that is not empty unless --force', async () => {
    fs.mkdirSync(path.join(tmp, 'busy'));
    fs.writeFileSync(path.join(tmp, 'busy', 'notes.txt'), 'x');
    const r = await init(['busy']);
    expect(r.code).toBe(1);
    expect(r.err).toBe('tokenscope init: ' + path.join(tmp, 'busy') + ' is not empty (notes.txt); run init in a new or empty directory, or pass --force to write into it (files of the same names are replaced)\n');
    expect(fs.readdirSync(path.join(tmp, 'busy'))).toEqual(['notes.txt']);
    expect((await init(['busy', '--force'])).code).toBe(0);
    expect(fs.existsSync(path.join(tmp, 'busy', 'main.ts'))).toBe(true);
  });

  it.each([
    [['x', '--gitlab-url', 'gitlab.example.com'], 'tokenscope init: --gitlab-url "gitlab.example.com" is not a URL; give it as https://gitlab.example.com\n'],
    [['x', '--gitlab-url', 'ftp://gitlab.example.com'], 'tokenscope init: --gitlab-url "ftp://gitlab.example.com" must use https (or http)\n'],
    [['x', '--gitlab-url', 'https://me:pw@gitlab.example.com'], 'tokenscope init: --gitlab-url must not carry credentials, a query or a fragment; the token comes from GITLAB_TOKEN at run time\n'],
    [['x', '--name', 'Not A Name'], 'tokenscope init: --name "Not A Name" is not a valid npm package name; pass --name, e.g. --name acme-job-token-scopes\n'],
    [['x', '--group', '42'], 'tokenscope init: --group "42" is a numeric id; give the full path\n'],
  ])('refuses %j with a clear message and writes nothing', async (args, message) => {
    const r = await init(args);
    expect(r.code).toBe(1);
    expect(r.err).toBe(message);
    expect(fs.existsSync(path.join(tmp, 'x'))).toBe(false);
  });

  it('--group without a token still writes the repo and says how to import later', async () => {
    const r = await init(['ops', '--group', 'acme']);
    expect(r.code).toBe(0);
    expect(r.err).toBe('tokenscope init: GITLAB_TOKEN is not set, so main.ts has an example instead of acme\'s scopes; later, with a token: npx tokenscope import --group acme --include-subgroups\n');
    expect(read('ops/main.ts')).toContain("new TokenScopeStack(app, 'acme', { state });");
  });

  describe('with a sandbox', () => {
    let sandbox: Sandbox;
    beforeAll(async () => { sandbox = await startSandbox({ port: 0 }); });
    afterAll(async () => { await sandbox.stop(); });

    it('--group fills main.ts through tokenscope import, read-only, and the token appears nowhere', async () => {
      const before = sandbox.stats();
      const r = await init(['ops', '--group', 'acme/web', '--gitlab-url', sandbox.url], { GITLAB_TOKEN: OPS_READ });
      expect(r.err).toBe('tokenscope import: 3 scopes imported\n');
      expect(r.code).toBe(0);
      expect(r.out).toContain('  scopes/acme-web.ts\n');
      const main = read('ops/main.ts');
      expect(main).toContain("import { acmeWebScopes } from './scopes/acme-web';");
      expect(main).toContain("new TokenScopeStack(app, 'acme-web', { baseUrl: '" + sandbox.url + "', state });");
      expect(main).toContain('  acmeWebScopes(stack);');
      const mod = read('ops/scopes/acme-web.ts');
      expect(mod).toContain("import { JobTokenScope } from 'tokenscope';");
      expect(mod).toContain("    project: 'acme/web/checkout',");
      expect(sandbox.stats().mutations).toBe(before.mutations);
      for (const f of fs.readdirSync(path.join(tmp, 'ops'), { recursive: true }) as string[]) {
        const full = path.join(tmp, 'ops', f);
        if (fs.statSync(full).isFile()) expect(fs.readFileSync(full, 'utf8')).not.toContain(OPS_READ.slice(6, 18));
      }
    });
  });
});
