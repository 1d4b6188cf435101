/**
 * The package as a user meets it: the packed tarball installed with npm into a
 * fresh ops repo made by `tokenscope init`, and into one written by hand the way
 * the cdktf TypeScript template writes it; then `npx cdktf synth`, the
 * consumer's own strict type check, its jest test, and `npx tokenscope drift`
 * against the sandbox. Nothing here imports tokenscope from source.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { startSandbox, Sandbox } from '../../lib/sandbox';
import { installedCopies, npmEnv, npmInstall, ok, packRepo, Packed, REPO, run } from './helpers';

const OPS_READ = 'glpat-sandbox-ops-readonly-00000000002';
const SLOW = 900_000;
const PKG = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8'));

let packed: Packed;
let sandbox: Sandbox;
let work: string;

beforeAll(async () => {
  packed = packRepo();
  sandbox = await startSandbox({ port: 0 });
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'tokenscope-consumer-'));
}, SLOW);
afterAll(async () => {
  await sandbox?.stop();
  for (const d of [work, packed?.dir]) if (d) fs.rmSync(d, { recursive: true, force: true });
});

describe('the tarball', () => {
  it('holds the compiled code, help, templates, the demo seed, README and LICENSE, and nothing else', async () => {
    const unexpected = packed.files.filter((f) => !(
      /^dist\/(bin|lib)\/.*\.(js|d\.ts)$/.test(f) || /^dist\/main\.(js|d\.ts)$/.test(f) || f === 'dist/lib/sandbox/demo-seed.json' ||
      /^dist\/lib\/sandbox\/provider\/proto\/([a-z0-9.]+\.proto|NOTICE\.md)$/.test(f) ||
      /^help\/[a-z-]+\.md$/.test(f) || /^templates\//.test(f) || ['README.md', 'LICENSE', 'package.json'].includes(f)
    ));
    expect(unexpected).toEqual([]);
    for (const f of ['dist/bin/tokenscope.js', 'dist/lib/index.js', 'dist/lib/sandbox/provider/proto/tfplugin6.8.proto', 'dist/lib/index.d.ts', 'dist/lib/sandbox/demo-seed.json', 'help/drift.md', 'templates/tokenscope.gitlab-ci.yml', 'LICENSE']) {
      expect(packed.files).toContain(f);
    }
    expect(packed.files.some((f) => /^(__tests__|bench|\.ci|bin)\//.test(f) || /^lib\//.test(f) || f.endsWith('.tsbuildinfo'))).toBe(false);
  });
});

describe('an ops repo made by tokenscope init, against the sandbox', () => {
  let repo: string;
  beforeAll(async () => {
    repo = path.join(work, 'ops-init');
    // The CLI that init runs is the one npm pack just built into dist/ (the tarball holds the same files).
    await ok('node', [path.join(REPO, 'dist', 'bin', 'tokenscope.js'), 'init', repo, '--group', 'acme', '--gitlab-url', sandbox.url, '--tokenscope', `file:${packed.tarball}`],
      work, npmEnv({ GITLAB_TOKEN: OPS_READ }));
    await npmInstall(repo);
  }, SLOW);

  it('installs one copy of cdktf and constructs, and tokenscope as compiled JavaScript only', async () => {
    expect(await installedCopies(repo, 'cdktf')).toHaveLength(1);
    expect(await installedCopies(repo, 'constructs')).toHaveLength(1);
    const installed = path.join(repo, 'node_modules', 'tokenscope');
    const sources = (fs.readdirSync(installed, { recursive: true }) as string[]).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'));
    expect(sources).toEqual([]);
    expect((await run('npx', ['--no-install', 'tokenscope', '--version'], repo)).out.trim()).toBe(PKG.version);
  });

  it('npx cdktf synth writes the imported scopes', async () => {
    await ok('npx', ['--no-install', 'cdktf', 'synth'], repo);
    const stack = JSON.parse(fs.readFileSync(path.join(repo, 'cdktf.out', 'stacks', 'acme', 'cdk.tf.json'), 'utf8'));
    expect(Object.keys(stack.resource.gitlab_project_job_token_scopes)).toHaveLength(11);
    expect(JSON.stringify(stack)).not.toContain(OPS_READ.slice(6, 18));
  }, SLOW);

  it('type-checks under the consumer\'s strict options plus exactOptionalPropertyTypes, library types included', async () => {
    fs.writeFileSync(path.join(repo, 'tsconfig.strict.json'), JSON.stringify({
      extends: './tsconfig.json',
      compilerOptions: { exactOptionalPropertyTypes: true, skipLibCheck: false, noEmit: true, incremental: false },
    }));
    const r = await run('npx', ['--no-install', 'tsc', '-p', 'tsconfig.strict.json'], repo);
    expect(r.out + r.err).toBe('');
    expect(r.code).toBe(0);
  }, SLOW);

  it('its own jest test passes', async () => {
    const r = await ok('npm', ['test', '--silent'], repo);
    expect(r.err).toMatch(/Tests:\s+1 passed, 1 total/);
  }, SLOW);

  it('npx tokenscope drift against the sandbox: in sync, exit 0, no mutation', async () => {
    const before = sandbox.stats().mutations;
    const r = await run('npx', ['--no-install', 'tokenscope', 'drift', '--url', sandbox.url, '--format', 'json', '--no-progress'], repo, npmEnv({ GITLAB_TOKEN: OPS_READ }));
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.out);
    expect(report.summary).toMatchObject({ projects: 11, inSync: 11, drifted: 0, unreadable: 0 });
    expect(sandbox.stats().mutations).toBe(before);
    expect(r.out).not.toContain(OPS_READ.slice(6, 18));
  }, SLOW);

  it('npx tokenscope reach writes a self-contained HTML report from the installed package (cytoscape and the page script inlined)', async () => {
    const r = await run('npx', ['--no-install', 'tokenscope', 'reach', '--group', 'acme', '--include-subgroups', '--url', sandbox.url, '--format', 'html', '--output', 'reach.html'], repo, npmEnv({ GITLAB_TOKEN: OPS_READ }));
    expect(r.code).toBe(0);
    const html = fs.readFileSync(path.join(repo, 'reach.html'), 'utf8');
    expect(html).toContain('acme/web/storefront');
    expect(html).toMatch(/cytoscape/i);
    expect(html).not.toMatch(/<script[^>]+src=/);
    expect(html).not.toContain(OPS_READ.slice(6, 18));
  }, SLOW);

  it('tokenscope sandbox names its seed as a file inside the installed package', async () => {
    const bin = path.join(repo, 'node_modules', 'tokenscope', 'dist', 'bin', 'tokenscope.js');
    const child = spawn(process.execPath, [bin, 'sandbox'], { cwd: repo, env: npmEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (c) => { out += c; if (out.includes('Stop with Ctrl-C.')) resolve(); });
      child.on('error', reject);
      child.on('close', () => resolve());
    });
    child.kill('SIGINT');
    const seed = /^seed: built-in demo org, (\S+): 3 users \(\+ 2 bot users of project and group access tokens\),/m.exec(out);
    expect(seed?.[1]).toBe(path.join('node_modules', 'tokenscope', 'dist', 'lib', 'sandbox', 'demo-seed.json'));
    expect(JSON.parse(fs.readFileSync(path.join(repo, seed![1]), 'utf8')).tokens.length).toBeGreaterThan(0);
  }, SLOW);

  it('tokenscope demo in the ops repo says it runs its own example, not the repo\'s main.ts', async () => {
    const r = await ok('npx', ['--no-install', 'tokenscope', 'demo', '--no-progress'], repo);
    expect(r.out.split('\n')[0]).toContain(
      "tokenscope's built-in acme example app (node_modules/tokenscope/dist/main.js) (not ./main.ts: the demo always checks this example",
    );
  }, SLOW);
});

describe('an ops repo written by hand, as the cdktf TypeScript template writes it', () => {
  let repo: string;
  beforeAll(async () => {
    repo = path.join(work, 'ops-template');
    fs.mkdirSync(repo);
    // The template's own tsconfig, from the cdktf-cli this repo tests with.
    fs.copyFileSync(path.join(REPO, 'node_modules', 'cdktf-cli', 'bundle', 'templates', 'typescript', 'tsconfig.json'), path.join(repo, 'tsconfig.json'));
    const dev = PKG.devDependencies as Record<string, string>;
    fs.writeFileSync(path.join(repo, 'package.json'), JSON.stringify({
      name: 'ops-template', version: '1.0.0', main: 'main.js', types: 'main.ts', private: true,
      scripts: { synth: 'cdktf synth', build: 'tsc' },
      dependencies: { tokenscope: `file:${packed.tarball}`, cdktf: dev.cdktf, constructs: dev.constructs, '@cdktf/provider-gitlab': dev['@cdktf/provider-gitlab'] },
      devDependencies: { 'cdktf-cli': dev['cdktf-cli'], typescript: dev.typescript, 'ts-node': dev['ts-node'], '@types/node': dev['@types/node'] },
    }, null, 2));
    fs.writeFileSync(path.join(repo, 'cdktf.json'), JSON.stringify({ language: 'typescript', app: 'npx ts-node main.ts', terraformProviders: [], terraformModules: [], context: {} }));
    fs.writeFileSync(path.join(repo, 'main.ts'), `import { Construct } from 'constructs';
import { App } from 'cdktf';
import { JobTokenScope, TokenScopeStack } from 'tokenscope';

class MyStack extends TokenScopeStack {
  constructor(scope: Construct, id: string) {
    super(scope, id, { baseUrl: 'https://gitlab.example.com' });
    new JobTokenScope(this, 'storefront', { project: 'acme/web/storefront', allowProjects: ['acme/web/design-system', '401'], allowGroups: ['acme/platform'] });
  }
}

const app = new App();
new MyStack(app, 'ops');
app.synth();
`);
    await npmInstall(repo);
  }, SLOW);

  it('npx cdktf synth (the app is `npx ts-node main.ts`)', async () => {
    await ok('npx', ['--no-install', 'cdktf', 'synth'], repo);
    const stack = JSON.parse(fs.readFileSync(path.join(repo, 'cdktf.out', 'stacks', 'ops', 'cdk.tf.json'), 'utf8'));
    expect(Object.keys(stack.resource.gitlab_project_job_token_scopes)).toEqual(['scope_acme_web_storefront']);
  }, SLOW);

  it('`tsc && node main.js` works too', async () => {
    await ok('npx', ['--no-install', 'tsc'], repo);
    await ok('node', ['main.js'], repo, npmEnv({ CDKTF_OUTDIR: path.join(repo, 'out-node') }));
    expect(fs.existsSync(path.join(repo, 'out-node', 'stacks', 'ops', 'cdk.tf.json'))).toBe(true);
  }, SLOW);
});

describe('an ops repo on the lowest peers tokenscope declares', () => {
  // The lowest of each peer range in package.json.
  const LOW = { cdktf: '0.20.0', constructs: '10.3.0', '@cdktf/provider-gitlab': '13.10.0' };
  let repo: string;
  beforeAll(async () => {
    expect(PKG.peerDependencies).toMatchObject({ cdktf: '>=0.20.0 <0.22.0', constructs: '^10.3.0', '@cdktf/provider-gitlab': '^13.10.0 || ^15.0.0' });
    repo = path.join(work, 'ops-low');
    fs.mkdirSync(repo);
    fs.copyFileSync(path.join(REPO, 'node_modules', 'cdktf-cli', 'bundle', 'templates', 'typescript', 'tsconfig.json'), path.join(repo, 'tsconfig.json'));
    const dev = PKG.devDependencies as Record<string, string>;
    fs.writeFileSync(path.join(repo, 'package.json'), JSON.stringify({
      name: 'ops-low', version: '1.0.0', private: true,
      dependencies: { tokenscope: `file:${packed.tarball}`, ...LOW },
      devDependencies: { typescript: dev.typescript, 'ts-node': dev['ts-node'], '@types/node': dev['@types/node'] },
    }, null, 2));
    fs.writeFileSync(path.join(repo, 'main.ts'), `import { App } from 'cdktf';
import { JobTokenScope, ScopeRule, TokenScopeStack } from 'tokenscope';

const app = new App();
const stack = new TokenScopeStack(app, 'low');
new JobTokenScope(stack, 'etl', { project: 'acme/data/etl', allowProjects: ['acme/platform/deployer'], allowGroups: ['acme/security'], importExisting: true });
ScopeRule.applyTo(stack, { name: 'deployer', allowProjects: ['acme/platform/tools/release-cli'] });
app.synth();
`);
    await npmInstall(repo);
  }, SLOW);

  it('installs one copy of each peer, at the lowest versions', async () => {
    for (const [name, version] of Object.entries(LOW)) {
      const copies = await installedCopies(repo, name);
      expect(copies).toHaveLength(1);
      expect(JSON.parse(fs.readFileSync(path.join(copies[0], 'package.json'), 'utf8')).version).toBe(version);
    }
  });

  it('synthesizes (the app cdktf synth runs) and type-checks', async () => {
    await ok('npx', ['--no-install', 'ts-node', 'main.ts'], repo, npmEnv({ CDKTF_OUTDIR: path.join(repo, 'cdktf.out') }));
    const stack = JSON.parse(fs.readFileSync(path.join(repo, 'cdktf.out', 'stacks', 'low', 'cdk.tf.json'), 'utf8'));
    const scope = stack.resource.gitlab_project_job_token_scopes.scope_acme_data_etl;
    expect(scope.target_project_ids).toHaveLength(2);
    expect(scope.target_group_ids).toHaveLength(1);
    await ok('npx', ['--no-install', 'tsc', '--noEmit'], repo);
  }, SLOW);
});
