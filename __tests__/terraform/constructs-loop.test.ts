/**
 * The user's path for what the constructs synthesize now: a TokenScopeStack
 * with GitLab-managed state, numeric project ids (data sources) and an
 * importExisting scope, planned and applied by real Terraform through the
 * provider stand-in, the real plan read by plan-summary, then drift clean. And
 * the upgrade from path-valued scopes, with the procedure the README gives.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdktf';
import { GitLabManagedState, JobTokenScope, TokenScopeStack } from '../../lib';
import { memoryIO } from '../../lib/cli/io';
import { runCli } from '../../lib/cli/main';
import { testSeed, TOK } from '../sandbox/helpers';
import { startTerraformRig, TerraformRig, TerraformWorkdir } from './harness';

jest.setTimeout(300_000);

const STATE_PROJECT = '13'; // acme/api keeps the ops state; ops is a Maintainer there through acme.

let rig: TerraformRig;
let tmp: string;
beforeAll(async () => {
  rig = await startTerraformRig({ seed: testSeed(), token: TOK.ops });
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'constructs-loop-'));
});
afterAll(async () => {
  await rig?.stop();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

/** `cdktf synth` of one stack into `outdir`; returns the stack's cdk.tf.json text. */
function synth(outdir: string, stateName: string, build: (s: TokenScopeStack) => void): string {
  const app = new App({ outdir });
  const stack = new TokenScopeStack(app, 'acme', {
    baseUrl: rig.sandbox.url, lockFile: false, state: GitLabManagedState.of({ project: STATE_PROJECT, name: stateName }),
  });
  build(stack);
  app.synth();
  return fs.readFileSync(path.join(outdir, 'stacks', 'acme', 'cdk.tf.json'), 'utf8');
}

async function workdirWith(configText: string): Promise<TerraformWorkdir> {
  const w = await rig.workdir({ env: { TF_HTTP_USERNAME: 'ops', TF_HTTP_PASSWORD: TOK.ops } });
  fs.writeFileSync(path.join(w.dir, 'cdk.tf.json'), configText);
  return w;
}

async function cli(args: string[], cwd: string, token = TOK.opsRead) {
  const io = memoryIO({ GITLAB_URL: rig.sandbox.url, GITLAB_TOKEN: token }, cwd);
  const code = await runCli(['node', 'tokenscope', ...args], io);
  return { code, out: io.out(), err: io.err() };
}

describe('TokenScopeStack through real Terraform', () => {
  it('synth, plan 2, plan-summary by path, apply (import by numeric id), plan 0, drift clean; the state lives in GitLab', async () => {
    const outdir = path.join(tmp, 'loop');
    const text = synth(outdir, 'acme', (s) => {
      // acme/web as it is in GitLab, adopted; acme/fine gets one more entry.
      new JobTokenScope(s, 'web', { project: 'acme/web', allowProjects: ['acme/api'], allowGroups: ['acme/tools'], importExisting: true });
      new JobTokenScope(s, 'fine', { project: 'acme/fine', allowProjects: ['acme/api', 'acme/tools/cli'] });
    });
    const json = JSON.parse(text);
    expect(json.resource.gitlab_project_job_token_scopes.scope_acme_web.project).toBe('${data.gitlab_project.project_acme_web.id}');
    expect(json.import).toEqual([{ id: '${data.gitlab_project.project_acme_web.id}', to: 'gitlab_project_job_token_scopes.scope_acme_web' }]);
    expect(json.terraform.backend.http.address).toBe(`${rig.sandbox.url}/api/v4/projects/13/terraform/state/acme`);

    const w = await workdirWith(text);
    await w.init();
    expect((await w.plan({ out: 'plan.tfplan' })).code).toBe(2);
    fs.writeFileSync(path.join(w.dir, 'acme.plan.json'), JSON.stringify(await w.showJson('plan.tfplan')));

    const summary = await cli(['plan-summary', 'acme.plan.json'], w.dir);
    expect(summary.code).toBe(0);
    expect(summary.out).toContain('| `acme/fine` | created | **on** | `acme/api`<br>`acme/tools/cli` | – |');
    expect(summary.out).not.toMatch(/#1[26]\b|id 1[26]\b/);
    expect(summary.out).toContain('1 scope unchanged.');

    rig.sandbox.clearRequests();
    const applied = await w.ok(['apply', '-input=false', 'plan.tfplan']);
    expect(applied.output).toContain('Apply complete! Resources: 1 imported, 1 added, 0 changed, 0 destroyed.');
    // Every allowlist write went to a numeric :id.
    const writes = rig.sandbox.requests().filter((r) => r.method !== 'GET' && r.path.includes('/job_token_scope'));
    expect(writes.length).toBeGreaterThan(0);
    for (const r of writes) expect(r.path).toMatch(/^\/api\/v4\/projects\/\d+\/job_token_scope/);
    expect(writes.every((r) => r.status < 300)).toBe(true);
    expect((await w.plan()).code).toBe(0);

    const drift = await cli(['drift', '--synth-dir', outdir, '--format', 'json', '--no-progress'], tmp);
    expect(drift.err).toBe('');
    expect(JSON.parse(drift.out).summary).toMatchObject({ projects: 2, inSync: 2, drifted: 0, unreadable: 0 });
    expect(drift.code).toBe(0);

    // A change: gitlabhq/gitlab plans any change to a scope as a replacement (its computed project_id turns unknown).
    fs.writeFileSync(path.join(w.dir, 'cdk.tf.json'), synth(outdir, 'acme', (s) => {
      new JobTokenScope(s, 'web', { project: 'acme/web', allowProjects: ['acme/api'], allowGroups: ['acme/tools'], importExisting: true });
      new JobTokenScope(s, 'fine', { project: 'acme/fine', allowProjects: ['acme/api'] });
    }));
    expect((await w.plan({ out: 'change.tfplan' })).code).toBe(2);
    fs.writeFileSync(path.join(w.dir, 'acme.plan.json'), JSON.stringify(await w.showJson('change.tfplan')));
    // The removed target's data source left the code with it, so the plan cannot name it; --resolve does.
    expect((await cli(['plan-summary', 'acme.plan.json'], w.dir)).out).toContain('| `acme/fine` | replaced | on | – | project id `14` |');
    const change = await cli(['plan-summary', 'acme.plan.json', '--resolve'], w.dir);
    expect(change.err).toBe('');
    expect(change.out).toContain('| `acme/fine` | replaced | on | – | `acme/tools/cli` |');
    expect(change.out).toContain('scope replaced (the provider cannot update it in place; gitlabhq/gitlab replaces a scope on any change)');
    expect(change.out).toContain('- acme/fine: scope replaced (destroyed, then created): between the two steps the allowlist is on and empty');
    expect((await w.ok(['apply', '-input=false', 'change.tfplan'])).output).toContain('1 added, 0 changed, 1 destroyed');
    expect((await w.plan()).code).toBe(0);

    const state = JSON.parse(rig.sandbox.terraformStates.find(13, 'acme')!.data!) as { resources: Array<{ type: string; name: string }> };
    expect(state.resources.filter((r) => r.type === 'gitlab_project_job_token_scopes').map((r) => r.name).sort()).toEqual(['scope_acme_fine', 'scope_acme_web']);
    expect(fs.existsSync(path.join(w.dir, 'terraform.tfstate'))).toBe(false);
    expect(w.everything()).not.toContain(TOK.ops);
  });

  it('upgrading from a path-valued scope: the first plan replaces it (plan-summary names the upgrade); state rm + import by id leave nothing to do', async () => {
    // What an earlier tokenscope synthesized: the path as `project`, adopted by an import with the path.
    const backend = GitLabManagedState.of({ project: STATE_PROJECT, name: 'legacy' }).resolve('acme', `${rig.sandbox.url}/api/v4`, {});
    if (!backend.ok) throw new Error(backend.problems.join('; '));
    const http = backend.config;
    const old = {
      terraform: {
        required_providers: { gitlab: { source: 'gitlabhq/gitlab', version: '18.6.1' } },
        backend: { http: { address: http.address, lock_address: http.lockAddress, unlock_address: http.unlockAddress, lock_method: 'POST', unlock_method: 'DELETE', retry_wait_min: 5 } },
      },
      provider: { gitlab: [{ base_url: `${rig.sandbox.url}/api/v4/` }] },
      resource: { gitlab_project_job_token_scopes: { scope_acme_open: { project: 'acme/open', enabled: false, target_project_ids: [], target_group_ids: [] } } },
      import: [{ id: 'acme/open', to: 'gitlab_project_job_token_scopes.scope_acme_open' }],
    };
    const w = await workdirWith(JSON.stringify(old));
    await w.init();
    expect((await w.ok(['apply', '-input=false', '-auto-approve'])).output).toContain('1 imported, 0 added, 0 changed, 0 destroyed');

    const outdir = path.join(tmp, 'upgrade');
    fs.writeFileSync(path.join(w.dir, 'cdk.tf.json'), synth(outdir, 'legacy', (s) => {
      new JobTokenScope(s, 'open', { project: 'acme/open', limitAccess: false });
    }));
    const first = await w.plan({ out: 'upgrade.tfplan' });
    expect(first.code).toBe(2);
    expect(first.output).toContain('must be replaced');
    fs.writeFileSync(path.join(w.dir, 'acme.plan.json'), JSON.stringify(await w.showJson('upgrade.tfplan')));
    const summary = await cli(['plan-summary', 'acme.plan.json'], w.dir);
    expect(summary.out).toContain('the project attribute changes from "acme/open" to "15", the same project (acme/open) now given by its numeric id');
    expect(summary.out).toContain('- acme/open: scope replaced (destroyed, then created): between the two steps the allowlist is on and empty');

    // The README's procedure: forget, re-adopt under the id, nothing to do.
    rig.sandbox.clearRequests();
    await w.ok(['state', 'rm', 'gitlab_project_job_token_scopes.scope_acme_open']);
    expect((await w.import('gitlab_project_job_token_scopes.scope_acme_open', '15')).output).toContain('Import successful!');
    expect(rig.sandbox.requests().filter((r) => r.method !== 'GET' && r.path.includes('/job_token_scope'))).toEqual([]);
    expect((await w.plan()).code).toBe(0);
    const shown = await w.showJson();
    const res = (shown.values as { root_module: { resources: Array<{ address: string; values: Record<string, unknown> }> } }).root_module.resources
      .find((r) => r.address === 'gitlab_project_job_token_scopes.scope_acme_open')!;
    expect(res.values).toMatchObject({ id: '15', project: '15', enabled: false });
  });
});
