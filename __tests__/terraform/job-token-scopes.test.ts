/**
 * Real Terraform 1.11 through the provider stand-in against the sandbox:
 * `gitlab_project_job_token_scopes` as gitlabhq/gitlab 18.6.1 applies it, with
 * the exact REST requests the provider's source makes.
 */
import type { Sandbox } from '../../lib/sandbox';
import { startSandbox } from '../../lib/sandbox';
import { startProviderStandIn } from '../../lib/sandbox/provider';
import { testSeed, TOK } from '../sandbox/helpers';
import { startTerraformRig, TerraformRig, TerraformWorkdir } from './harness';

let rig: TerraformRig;
const workdirs: TerraformWorkdir[] = [];

beforeAll(async () => {
  rig = await startTerraformRig({ seed: testSeed(), token: TOK.ops });
});
afterAll(async () => {
  await rig?.stop();
});

async function workdir(opts: Parameters<TerraformRig['workdir']>[0] = {}): Promise<TerraformWorkdir> {
  const w = await rig.workdir(opts);
  workdirs.push(w);
  return w;
}

/** The sandbox's own view of a project's scope (raw toggle, entry ids). */
function scopeOf(sb: Sandbox, id: number): { enabled: boolean; projects: number[]; groups: number[] } {
  const p = sb.state.projects.get(id)!;
  return { enabled: p.inboundEnabled, projects: [...p.projectLinks.keys()].sort((a, b) => a - b), groups: [...p.groupLinks.keys()].sort((a, b) => a - b) };
}

/** Requests to `/projects/<ref>/job_token_scope...` since the log was last cleared, as `METHOD path?query status`. */
function scopeCalls(sb: Sandbox, ref: string): string[] {
  const prefix = `/api/v4/projects/${ref}/job_token_scope`;
  return sb.requests().filter((r) => r.path.startsWith(prefix)).map((r) => `${r.method} ${r.path.slice(prefix.length) || '/'}${r.query ? `?${r.query}` : ''} ${r.status}`);
}

/** Terraform wraps long diagnostic lines: compare with whitespace collapsed. */
const flat = (text: string): string => text.replace(/\s+/g, ' ');

const scopes = (name: string, attrs: Record<string, unknown>) => ({ resource: { gitlab_project_job_token_scopes: { [name]: attrs } } });
const P1 = 'page=1&per_page=20';

describe('gitlab_project_job_token_scopes through real Terraform', () => {
  let tf: TerraformWorkdir;

  it('creates: plan 2, apply with the provider request sequence, then plan 0; the sandbox holds exactly the config', async () => {
    tf = await workdir();
    tf.writeConfig(scopes('web', { project: '12', enabled: true, target_project_ids: [13, 14], target_group_ids: [11, 10] }));
    await tf.init();
    expect((await tf.plan()).code).toBe(2);
    rig.sandbox.clearRequests();
    const applied = await tf.apply();
    expect(applied.output).toContain('Apply complete! Resources: 1 added, 0 changed, 0 destroyed.');
    // acme/web starts with acme/api (13) and acme/tools (11): only 14 and 10 are missing.
    expect(scopeCalls(rig.sandbox, '12')).toEqual([
      `GET /allowlist?${P1} 200`,
      'POST /allowlist 201',
      `GET /groups_allowlist?${P1} 200`,
      'POST /groups_allowlist 201',
      'PATCH / 204',
      'GET / 200',
      `GET /allowlist?${P1} 200`,
      `GET /groups_allowlist?${P1} 200`,
    ]);
    expect((await tf.plan()).code).toBe(0);
    expect(scopeOf(rig.sandbox, 12)).toEqual({ enabled: true, projects: [13, 14], groups: [10, 11] });
  });

  it('updates entries and the toggle: the real provider plans a replacement (project_id turns unknown), deletes everything, then sets the new lists', async () => {
    tf.writeConfig(scopes('web', { project: '12', enabled: false, target_project_ids: [14, 15], target_group_ids: [10] }));
    expect((await tf.plan({ out: 'update.tfplan' })).code).toBe(2);
    const plan = await tf.showJson('update.tfplan');
    const change = (plan.resource_changes as Array<{ address: string; change: { actions: string[]; after_unknown: Record<string, unknown> } }>)[0];
    expect(change.address).toBe('gitlab_project_job_token_scopes.web');
    expect(change.change.actions).toEqual(['delete', 'create']);
    expect(change.change.after_unknown).toMatchObject({ project_id: true });
    expect(plan.resource_changes).toHaveLength(1);
    rig.sandbox.clearRequests();
    expect((await tf.ok(['apply', '-input=false', 'update.tfplan'])).output).toContain('Resources: 1 added, 0 changed, 1 destroyed.');
    expect(scopeCalls(rig.sandbox, '12')).toEqual([
      // Delete: empty lists, enabled=true.
      `GET /allowlist?${P1} 200`, 'DELETE /allowlist/13 204', 'DELETE /allowlist/14 204',
      `GET /groups_allowlist?${P1} 200`, 'DELETE /groups_allowlist/11 204', 'DELETE /groups_allowlist/10 204',
      'PATCH / 204',
      // Create: POST what is missing, PATCH, read back.
      `GET /allowlist?${P1} 200`, 'POST /allowlist 201', 'POST /allowlist 201',
      `GET /groups_allowlist?${P1} 200`, 'POST /groups_allowlist 201',
      'PATCH / 204',
      'GET / 200', `GET /allowlist?${P1} 200`, `GET /groups_allowlist?${P1} 200`,
    ]);
    expect(scopeOf(rig.sandbox, 12)).toEqual({ enabled: false, projects: [14, 15], groups: [10] });
    expect((await tf.plan()).code).toBe(0);
  });

  it('destroy leaves the allowlist ON and EMPTY', async () => {
    rig.sandbox.clearRequests();
    expect((await tf.destroy()).output).toContain('Destroy complete! Resources: 1 destroyed.');
    expect(scopeCalls(rig.sandbox, '12')).toEqual([
      // Refresh, then Delete.
      'GET / 200', `GET /allowlist?${P1} 200`, `GET /groups_allowlist?${P1} 200`,
      `GET /allowlist?${P1} 200`, 'DELETE /allowlist/14 204', 'DELETE /allowlist/15 204',
      `GET /groups_allowlist?${P1} 200`, 'DELETE /groups_allowlist/10 204',
      'PATCH / 204',
    ]);
    expect(scopeOf(rig.sandbox, 12)).toEqual({ enabled: true, projects: [], groups: [] });
  });

  it('a path-valued project fails on apply with GitLab\'s "id is invalid", as a real GitLab refuses it', async () => {
    const w = await workdir();
    w.writeConfig(scopes('api', { project: 'acme/api', enabled: true, target_project_ids: [14], target_group_ids: [] }));
    await w.init();
    rig.sandbox.clearRequests();
    const r = await w.apply();
    expect(r.code).toBe(1);
    expect(flat(r.output)).toContain('GitLab API error occured when adding job scopes to project acme/api');
    expect(flat(r.output)).toContain(`POST ${rig.sandbox.url}/api/v4/projects/acme/api/job_token_scope/allowlist: 400 {error: id is invalid}`);
    expect(scopeCalls(rig.sandbox, 'acme%2Fapi')[1]).toBe('POST /allowlist 400');
    // Create still reads back into state; project_id stays unknown for a path, which Terraform reports too.
    expect(flat(r.output)).toContain('the provider still indicated an unknown value for gitlab_project_job_token_scopes.api.project_id');
  });

  it('a path in another case keeps the project in its own list: the provider DELETEs the project itself (refused as "id is invalid")', async () => {
    const w = await workdir();
    w.writeConfig(scopes('open', { project: 'ACME/Open', enabled: true, target_project_ids: [], target_group_ids: [] }));
    await w.init();
    rig.sandbox.clearRequests();
    const r = await w.apply();
    expect(r.code).toBe(1);
    expect(flat(r.output)).toContain('GitLab API error occured when removing job scopes from project ACME/Open');
    expect(flat(r.output)).toContain(`DELETE ${rig.sandbox.url}/api/v4/projects/ACME/Open/job_token_scope/allowlist/15: 400 {error: id is invalid}`);
    expect(scopeCalls(rig.sandbox, 'ACME%2FOpen')).toEqual([
      `GET /allowlist?${P1} 200`, 'DELETE /allowlist/15 400',
      'GET / 200', `GET /allowlist?${P1} 200`, `GET /groups_allowlist?${P1} 200`,
    ]);
  });

  it('an id the provider does not recognise as the project (015) reaches GitLab, which refuses to remove the source project', async () => {
    const w = await workdir();
    w.writeConfig(scopes('open', { project: '015', enabled: true, target_project_ids: [], target_group_ids: [] }));
    await w.init();
    const r = await w.apply();
    expect(r.code).toBe(1);
    expect(flat(r.output)).toContain(`DELETE ${rig.sandbox.url}/api/v4/projects/015/job_token_scope/allowlist/15: 400 {message: 400 Bad request - Source project cannot be removed from the job token scope}`);
  });

  it('imports with the numeric id, then plans no change', async () => {
    const w = await workdir();
    const before = scopeOf(rig.sandbox, 16);
    w.writeConfig(scopes('fine', { project: '16', enabled: before.enabled, target_project_ids: before.projects, target_group_ids: before.groups }));
    await w.init();
    const imp = await w.import('gitlab_project_job_token_scopes.fine', '16');
    expect(imp.output).toContain('Import successful!');
    expect((await w.plan()).code).toBe(0);
    const state = await w.showJson();
    const res = ((state.values as { root_module: { resources: Array<{ values: Record<string, unknown> }> } }).root_module.resources)[0].values;
    expect(res).toMatchObject({ id: '16', project: '16', project_id: 16, target_project_ids: [13] });
  });

  it('data sources resolve paths to ids', async () => {
    const w = await workdir();
    w.writeConfig({
      data: {
        gitlab_project: { cli: { path_with_namespace: 'acme/tools/cli' } },
        gitlab_group: { tools: { full_path: 'acme/tools' } },
      },
      ...scopes('cli', { project: '${data.gitlab_project.cli.id}', enabled: true, target_project_ids: [], target_group_ids: ['${data.gitlab_group.tools.group_id}'] }),
      output: { cli_id: { value: '${data.gitlab_project.cli.id}' }, tools_id: { value: '${data.gitlab_group.tools.group_id}' } },
    });
    await w.init();
    rig.sandbox.clearRequests();
    expect((await w.apply()).code).toBe(0);
    const out = await w.ok(['output', '-json']);
    expect(JSON.parse(out.stdout)).toMatchObject({ cli_id: { value: '14' }, tools_id: { value: 11 } });
    const reads = rig.sandbox.requests().map((r) => `${r.method} ${r.path} ${r.status}`);
    expect(reads).toEqual(expect.arrayContaining([
      'GET /api/v4/projects/acme%2Ftools%2Fcli 200', 'GET /api/v4/projects/14/push_rules 404', 'GET /api/v4/groups/acme%2Ftools 200',
    ]));
    expect(scopeOf(rig.sandbox, 14)).toEqual({ enabled: true, projects: [], groups: [11] });
  });

  it('refresh reads every page at per_page=20 (acme/big: 25 projects, 22 groups)', async () => {
    const w = await workdir();
    const big = scopeOf(rig.sandbox, 18);
    w.writeConfig(scopes('big', { project: '18', enabled: big.enabled, target_project_ids: big.projects, target_group_ids: big.groups }));
    await w.init();
    expect((await w.import('gitlab_project_job_token_scopes.big', '18')).code).toBe(0);
    rig.sandbox.clearRequests();
    expect((await w.plan()).code).toBe(0);
    expect(scopeCalls(rig.sandbox, '18')).toEqual([
      'GET / 200',
      `GET /allowlist?${P1} 200`, 'GET /allowlist?page=2&per_page=20 200',
      `GET /groups_allowlist?${P1} 200`, 'GET /groups_allowlist?page=2&per_page=20 200',
    ]);
  });
});

describe('an instance that enforces the allowlist', () => {
  let enforced: Sandbox;
  beforeAll(async () => {
    enforced = await startSandbox({ seed: testSeed({ instance: { version: '18.6.0', enforceAllowlist: true, now: '2026-11-23T12:00:00Z' } }), requestLog: true });
  });
  afterAll(async () => enforced?.stop());

  it('`enabled: false` never converges for a non-admin token: apply reports the inconsistency, every plan shows a change', async () => {
    const w = await workdir({ provider: { base_url: enforced.url } });
    w.writeConfig(scopes('web', { project: '12', enabled: false, target_project_ids: [13], target_group_ids: [11] }));
    await w.init();
    expect((await w.plan()).code).toBe(2);
    const r = await w.apply();
    expect(r.code).toBe(1);
    expect(r.output).toContain('Provider produced inconsistent result after apply');
    expect(r.output).toMatch(/\.enabled: was\s+cty\.False, but now cty\.True/);
    expect((await w.plan()).code).toBe(2);
    expect((await w.plan()).code).toBe(2);
    // The provider asked for the instance settings and, refused (403), carried on.
    expect(enforced.requests().some((q) => q.path === '/api/v4/application/settings' && q.status === 403)).toBe(true);
    expect(rig.logs.some((l) => l.includes('skipping `enforce_ci_inbound_job_token_scope_enabled` validation'))).toBe(true);
  });

  it('with an admin token the provider refuses `enabled: false` at plan time', async () => {
    const admin = await startProviderStandIn({ env: { GITLAB_TOKEN: TOK.root, GITLAB_BASE_URL: enforced.url } });
    try {
      const w = await TerraformWorkdir.create({ reattach: admin.reattach });
      workdirs.push(w);
      w.writeConfig(scopes('api', { project: '13', enabled: false, target_project_ids: [], target_group_ids: [] }));
      await w.init();
      const r = await w.plan();
      expect(r.code).toBe(1);
      expect(flat(r.output)).toContain('`enabled` may not be set to false when the setting for `enforce_ci_inbound_job_token_scope_enabled` is set to true.');
      expect(flat(r.output)).toContain('Job Token Scope enforcement must be enabled on this GitLab instance due to application settings.');
    } finally {
      await admin.stop();
    }
  });
});

describe('secrets', () => {
  it('no token appears in any Terraform output, plan, state or file Terraform wrote', async () => {
    expect(workdirs.length).toBeGreaterThan(5);
    for (const w of workdirs) {
      const all = w.everything();
      for (const t of [TOK.ops, TOK.root]) {
        expect(all).not.toContain(t);
        expect(all).not.toContain(t.slice(6, 20));
      }
    }
    const plans = await tfShowPlans();
    for (const p of plans) expect(p).not.toContain(TOK.ops);
    for (const l of rig.logs) expect(l).not.toContain(TOK.ops);
  });
});

/** Plan files are archives: read them back as JSON through terraform itself. */
async function tfShowPlans(): Promise<string[]> {
  const out: string[] = [];
  for (const w of workdirs) {
    for (const f of ['update.tfplan']) {
      try {
        w.readFile(f);
      } catch {
        continue;
      }
      out.push(JSON.stringify(await w.showJson(f)));
    }
  }
  return out;
}
