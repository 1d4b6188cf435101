/**
 * `npx cdktf deploy` and `npx cdktf diff` (the repo's cdktf-cli) in a fresh
 * app directory, through the provider stand-in (TF_REATTACH_PROVIDERS) against
 * the sandbox, GitLab-managed state on the sandbox. Offline: no checkpoint
 * (CHECKPOINT_DISABLE), no provider download (reattached), no provider lock
 * (`--skip-provider-lock`: cdktf would otherwise run `terraform providers lock`,
 * which asks registry.terraform.io), npm offline; every proxied connection is
 * recorded and none may happen.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { emptyCliConfig, terraformEnv } from '../../lib/terraform/cli';
import { acmeSeed, API_TOKEN, expectNoSecret, liveScope, SECRETS } from './acme';
import { startTerraformRig, TerraformRig } from './harness';

jest.setTimeout(240_000);

const REPO = path.resolve(__dirname, '..', '..');

let rig: TerraformRig;
let app: string;
let proxy: net.Server;
const proxied: string[] = [];

beforeAll(async () => {
  rig = await startTerraformRig({ seed: acmeSeed(), token: API_TOKEN });
  app = fs.mkdtempSync(path.join(os.tmpdir(), 'cdktf-app-'));
  // A proxy that records and refuses: anything Terraform (or a proxy-aware client) sends off the machine shows up here.
  proxy = net.createServer((socket) => {
    socket.once('data', (d) => { proxied.push(d.toString('latin1').split('\r\n')[0]); socket.destroy(); });
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
});
afterAll(async () => {
  await rig?.stop();
  await new Promise((resolve) => proxy?.close(resolve));
  if (app) fs.rmSync(app, { recursive: true, force: true });
});

/** A cdktf app as an ops repo has it: cdktf.json, main.ts using tokenscope (here the repo's lib, by path), node_modules. */
function writeApp(): void {
  fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(app, 'node_modules'));
  fs.writeFileSync(path.join(app, 'cdktf.json'), JSON.stringify({
    language: 'typescript', app: `node ${path.join(REPO, 'bin', 'run-ts.js')} main.ts`, projectId: 'tokenscope-cdktf-cli-test',
    sendCrashReports: 'false', terraformProviders: [], terraformModules: [], context: {},
  }, null, 2));
  fs.writeFileSync(path.join(app, 'main.ts'), [
    "import { App } from 'cdktf';",
    `import { GitLabManagedState, JobTokenScope, TokenScopeStack } from ${JSON.stringify(path.join(REPO, 'lib'))};`,
    '',
    'const app = new App();',
    "const stack = new TokenScopeStack(app, 'acme-web', { baseUrl: process.env.GITLAB_BASE_URL, lockFile: false, state: GitLabManagedState.of({ project: '101' }) });",
    "new JobTokenScope(stack, 'checkout', { project: 'acme/web/checkout', allowProjects: ['acme/platform/deployer', 'acme/web/storefront'] });",
    'app.synth();',
    '',
  ].join('\n'));
}

function npx(args: string[]): Promise<{ code: number; output: string }> {
  const port = (proxy.address() as net.AddressInfo).port;
  const env = terraformEnv({
    base: { PATH: process.env.PATH, HOME: app, TMPDIR: os.tmpdir() },
    cliConfigFile: emptyCliConfig(app),
    reattach: rig.provider.reattach,
    extra: {
      GITLAB_BASE_URL: rig.sandbox.url, TF_HTTP_USERNAME: 'ops', TF_HTTP_PASSWORD: API_TOKEN,
      CI: '1', FORCE_COLOR: '0', npm_config_offline: 'true', npm_config_update_notifier: 'false',
      HTTP_PROXY: `http://127.0.0.1:${port}`, HTTPS_PROXY: `http://127.0.0.1:${port}`,
      http_proxy: `http://127.0.0.1:${port}`, https_proxy: `http://127.0.0.1:${port}`, NO_PROXY: '127.0.0.1,localhost', no_proxy: '127.0.0.1,localhost',
    },
  });
  return new Promise((resolve) => {
    const child = spawn('npx', args, { cwd: app, env });
    let output = '';
    child.stdout.on('data', (d: Buffer) => { output += d.toString('utf8'); });
    child.stderr.on('data', (d: Buffer) => { output += d.toString('utf8'); });
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

const flat = (s: string) => s.replace(/\s+/g, ' ');

describe('cdktf-cli against the sandbox through the provider stand-in', () => {
  it('npx cdktf deploy acme-web --auto-approve applies; npx cdktf diff acme-web then has nothing to do; nothing leaves the machine', async () => {
    writeApp();
    // The demo org: acme/web/checkout also allows acme/data/etl (302), autopopulated; the scope is authoritative.
    expect(liveScope(rig.sandbox, 202)).toEqual({ enabled: true, projects: [101, 201, 302], groups: [] });

    const deploy = await npx(['cdktf', 'deploy', 'acme-web', '--auto-approve', '--skip-provider-lock']);
    expect([deploy.code, deploy.output]).toEqual([0, expect.stringContaining('Apply complete! Resources: 1 added, 0 changed, 0 destroyed.')]);
    const text = flat(deploy.output);
    expect(text).toContain('# gitlab_project_job_token_scopes.scope_acme_web_checkout (checkout/scopes) will be created');
    expect(text).toContain('+ project = "202"');
    expect(text).toContain('Plan: 1 to add, 0 to change, 0 to destroy.');
    expect(liveScope(rig.sandbox, 202)).toEqual({ enabled: true, projects: [101, 201], groups: [] });
    const state = rig.sandbox.terraformStates.find(101, 'acme-web');
    expect(state?.lock).toBeNull();
    expect(JSON.parse(state!.data!).resources.map((r: { type: string; name: string }) => `${r.type}.${r.name}`))
      .toContain('gitlab_project_job_token_scopes.scope_acme_web_checkout');

    const diff = await npx(['cdktf', 'diff', 'acme-web', '--skip-provider-lock']);
    expect(diff.code).toBe(0);
    expect(flat(diff.output)).toContain('gitlab_project_job_token_scopes.scope_acme_web_checkout (checkout/scopes): Refreshing state... [id=202]');
    expect(flat(diff.output)).toContain('No changes. Your infrastructure matches the configuration.');

    expect(proxied).toEqual([]);
    const synthesized = fs.readFileSync(path.join(app, 'cdktf.out', 'stacks', 'acme-web', 'cdk.tf.json'), 'utf8');
    for (const secret of SECRETS) {
      for (const where of [deploy.output, diff.output, synthesized, state!.data!]) expect(where).not.toContain(secret);
      expectNoSecret('cdktf deploy, diff, synth and state', [deploy.output, diff.output, synthesized, state!.data!].join('\n'));
    }
  });
});
