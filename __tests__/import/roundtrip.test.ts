import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';
import { App } from 'cdktf';
import { Construct } from 'constructs';
import { TokenScopeStack } from '../../lib';
import { startSandbox, Sandbox } from '../../lib/sandbox';
import { memoryIO } from '../../lib/cli/io';
import { runCli } from '../../lib/cli/main';
import { importCommand } from '../../lib/cli/commands/import';

const REPO = path.resolve(__dirname, '..', '..');
const LIB = path.join(REPO, 'lib');
const OPS_READ = 'glpat-sandbox-ops-readonly-00000000002';
const DEV = 'glpat-sandbox-dev-personal-00000000003';
const NOW = new Date('2026-11-23T12:00:00Z');

/** Type-checks one file as the repo does (strict, noUnusedLocals) with the TypeScript compiler API. */
function typeErrors(file: string): string[] {
  const program = ts.createProgram([file], {
    strict: true, noUnusedLocals: true, noEmit: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10, esModuleInterop: true, skipLibCheck: true, experimentalDecorators: true, types: [],
  });
  return ts.getPreEmitDiagnostics(program)
    .filter((d) => d.file?.fileName === file || !d.file)
    .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

describe('tokenscope import against the sandbox', () => {
  let sandbox: Sandbox;
  let dir: string;
  const cli = async (args: string[], token = OPS_READ) => {
    const io = memoryIO({ GITLAB_URL: sandbox.url, GITLAB_TOKEN: token }, dir);
    const code = await runCli(['node', 'tokenscope', ...args], io);
    return { code, out: io.out(), err: io.err() };
  };

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, now: () => NOW });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tokenscope-import-'));
    // So that the generated module resolves 'constructs' like an ops repo would.
    fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  });
  afterAll(async () => {
    await sandbox.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('round trip: import, compile, synth, drift against the same sandbox -> exit 0, no findings, zero mutations', async () => {
    const before = sandbox.stats();
    const imp = await cli(['import', '--group', 'acme', '--include-subgroups', '--import-from', LIB, '--no-progress']);
    expect(imp.err).toBe('');
    expect(imp.out).toBe('tokenscope import: 11 scopes imported into scopes/acme.ts\n');
    expect(imp.code).toBe(0);
    const file = path.join(dir, 'scopes', 'acme.ts');
    const text = fs.readFileSync(file, 'utf8');
    expect(text).toContain(`  new JobTokenScope(scope, 'acme/web/checkout', {
    project: 'acme/web/checkout',
    allowProjects: [
      'acme/data/etl', // autopopulated: added by GitLab from the authentication log
      'acme/platform/deployer',
      'acme/web/storefront',
    ],
    importExisting: true,
  });`);
    expect(text).toContain("    project: 'acme/security/scanner',\n    limitAccess: false,\n");
    expect(text.match(/new JobTokenScope\(/g)).toHaveLength(11);
    expect(text.match(/importExisting: true,/g)).toHaveLength(11);

    expect(typeErrors(file)).toEqual([]);

    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(file) as { acmeScopes: (scope: Construct) => void };
    const outdir = path.join(dir, 'cdktf.out');
    const app = new App({ outdir });
    mod.acmeScopes(new TokenScopeStack(app, 'acme', { lockFile: false }));
    app.synth();

    // The module speaks paths; what it synthesizes is what GitLab's POST/DELETE URLs take: numeric ids.
    const tf = JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', 'acme', 'cdk.tf.json'), 'utf8')) as {
      resource: { gitlab_project_job_token_scopes: Record<string, { project: string; '//': { tokenscope: { project: string } } }> };
      import: Array<{ id: string; to: string }>;
    };
    const checkout = tf.resource.gitlab_project_job_token_scopes.scope_acme_web_checkout;
    expect(checkout.project).toBe('${data.gitlab_project.project_acme_web_checkout.id}');
    expect(checkout['//'].tokenscope.project).toBe('acme/web/checkout');
    expect(tf.import).toHaveLength(11);
    for (const i of tf.import) expect(i.id).toMatch(/^\$\{data\.gitlab_project\.project_[a-z0-9_-]+\.id\}$/);

    const drift = await cli(['drift', '--synth-dir', outdir, '--format', 'json', '--no-progress']);
    expect(drift.err).toBe('');
    const report = JSON.parse(drift.out);
    expect(report.summary).toMatchObject({ projects: 11, inSync: 11, drifted: 0, unreadable: 0 });
    expect(report.projects.flatMap((p: { findings: unknown[] }) => p.findings)).toEqual([]);
    expect(drift.code).toBe(0);
    expect(sandbox.stats().mutations).toBe(before.mutations);
  });

  it('lists projects the token cannot read on stderr and in the module, and exits 1', async () => {
    const r = await cli(['import', '--project', 'acme/web/checkout', 'acme/nope', '--out', 'partial.ts', '--import-from', LIB], DEV);
    expect(r.code).toBe(1);
    expect(r.err).toContain('tokenscope import: NOT IMPORTED acme/web/checkout: the token may not read the job-token settings of acme/web/checkout; it needs the Maintainer role on the project\n');
    expect(r.err).toContain('tokenscope import: NOT IMPORTED acme/nope: GitLab has no project acme/nope, or the token cannot see it\n');
    expect(r.out).toBe('tokenscope import: 0 scopes imported, 2 projects not readable (listed at the top of the module) into partial.ts\n');
    const text = fs.readFileSync(path.join(dir, 'partial.ts'), 'utf8');
    expect(text).toContain(' * NOT IMPORTED: the token could not read 2 projects; declare them by hand or import again with a token that can:\n');
    expect(text).toContain(' *   - acme/nope: GitLab has no project acme/nope, or the token cannot see it\n');
    expect(typeErrors(path.join(dir, 'partial.ts'))).toEqual([]);
  });

  it('--out - writes the module to stdout and the summary to stderr', async () => {
    const r = await cli(['import', '--project', 'acme/data/etl', '--out', '-']);
    expect(r.code).toBe(0);
    expect(r.out).toContain("import { JobTokenScope } from 'tokenscope';\n\nexport function importedScopes(scope: Construct): void {\n");
    expect(r.out).toContain("    allowProjects: ['acme/platform/deployer', 'acme/security/scanner'],\n");
    expect(r.err).toBe('tokenscope import: 1 scope imported\n');
  });

  it.each([
    [['import'], 'tokenscope import: pass --group PATH (with --include-subgroups for nested projects) or --project PATH ...\n'],
    [['import', '--group', 'acme', '--project', 'acme/web'], 'tokenscope import: pass --group PATH or --project PATH ..., not both\n'],
    [['import', '--project', 'acme/x', '--include-subgroups'], 'tokenscope import: --include-subgroups goes with --group\n'],
    [['import', '--project', '42'], 'tokenscope import: --project "42" is a numeric id; give the full path\n'],
    [['import', '--group', 'acme', '--function-name', 'no-dash'], 'tokenscope import: --function-name "no-dash" is not a valid TypeScript identifier\n'],
    [['import', '--group', 'nope'], 'tokenscope import: GitLab has no group nope, or the token cannot see it\n'],
  ])('refuses %j with a clear message', async (args, message) => {
    const r = await cli(args);
    expect(r.code).toBe(1);
    expect(r.err).toBe(message);
  });

  it('never overwrites an existing module without --force', async () => {
    fs.writeFileSync(path.join(dir, 'mine.ts'), '// hand edits\n');
    const r = await cli(['import', '--project', 'acme/data/etl', '--out', 'mine.ts']);
    expect(r.code).toBe(1);
    expect(r.err).toBe('tokenscope import: mine.ts exists; pass --force to overwrite it, or --out another file\n');
    expect(fs.readFileSync(path.join(dir, 'mine.ts'), 'utf8')).toBe('// hand edits\n');
    const forced = await cli(['import', '--project', 'acme/data/etl', '--out', 'mine.ts', '--force']);
    expect(forced.code).toBe(0);
    expect(fs.readFileSync(path.join(dir, 'mine.ts'), 'utf8')).toContain("project: 'acme/data/etl'");
  });

  it('a token GitLab refuses while listing the group gets the shared words, not a group error', async () => {
    // The preflight (REST) passes; GraphQL then answers 401, as for a token revoked mid-run.
    const fetchImpl: typeof fetch = async (input, init) => {
      const url = String(input instanceof Request ? input.url : input);
      if (url.endsWith('/api/graphql')) return new Response(JSON.stringify({ errors: [{ message: 'Invalid token' }] }), { status: 401 });
      return fetch(input, init);
    };
    const io = memoryIO({ GITLAB_URL: sandbox.url, GITLAB_TOKEN: OPS_READ }, dir);
    const code = await importCommand({ group: 'acme', out: '-', concurrency: '4', progress: false }, io, { fetchImpl });
    expect(code).toBe(1);
    expect(io.err()).toBe(
      'tokenscope import needs a personal, project or group access token with read_api (or api) and the Maintainer role on the projects; ' +
        'GitLab refuses GITLAB_TOKEN (glpat-****0002): it is revoked, expired or mistyped (GitLab does not say which); ' +
        'create a new token and store it in GITLAB_TOKEN, checking that the variable holds the whole token\n',
    );
    expect(io.out()).toBe('');
  });

  it('stops at once for a job token, never printing it', async () => {
    const r = await cli(['import', '--group', 'acme', '--out', '-'], 'glcbt-64_sandboxEtlRunningJob01');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^tokenscope import needs a personal, project or group access token with read_api/);
    expect(r.err).not.toContain('sandboxEtlRunningJob01');
  });

  // Last in the file: every run above (import with every flag, bad inputs, refused tokens) was read-only.
  it('sent no GraphQL mutation and no REST write in any run above', () => {
    expect(sandbox.stats().mutations).toBe(0);
  });
});
