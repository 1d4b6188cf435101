/**
 * The example ops app (main.ts, `buildAcme`) on the user's path: its four
 * stacks synthesized with GitLab-managed state on the sandbox, `terraform
 * init`, `plan -detailed-exitcode` (2), `apply`, `plan -detailed-exitcode` (0)
 * per stack through the provider stand-in; then the sandbox holds exactly what
 * main.ts declares and `tokenscope drift` finds nothing. And the same app with
 * the old path-valued `project` is refused by the sandbox as GitLab refuses it.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildAcme } from '../../main';
import { acmeSeed, API_TOKEN, cli, flat, liveScope, liveScopes, scopesOf, SECRETS, expectNoSecret, stackProps, stackWorkdir, synthApp } from './acme';
import { startTerraformRig, TerraformRig, TerraformWorkdir } from './harness';

jest.setTimeout(300_000);

const STATE_PROJECT = '101'; // acme/platform/deployer keeps the ops states (the demo org has no ops repo)
const LEGACY_STATE_PROJECT = '102';
const STACKS = ['acme-platform', 'acme-web', 'acme-data', 'acme-security'];

let rig: TerraformRig;
let tmp: string;
beforeAll(async () => {
  rig = await startTerraformRig({ seed: acmeSeed(), token: API_TOKEN });
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'example-app-'));
});
afterAll(async () => {
  await rig?.stop();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

describe('the example app (main.ts) through real Terraform', () => {
  it('with the old path-valued project, apply fails on the sandbox with "id is invalid" and no allowlist entry changes', async () => {
    const before = liveScopes(rig.sandbox);
    const texts = synthApp(path.join(tmp, 'legacy'), (app) => {
      const stacks = buildAcme(app, stackProps(rig.sandbox, LEGACY_STATE_PROJECT));
      // What tokenscope synthesized before numeric ids, through the construct's escape hatch.
      for (const s of scopesOf(stacks[1])) s.resource.project = s.project;
      return stacks;
    });
    const json = JSON.parse(texts['acme-web']);
    expect(json.resource.gitlab_project_job_token_scopes.scope_acme_web_checkout.project).toBe('acme/web/checkout');

    const w = await stackWorkdir(rig, texts['acme-web']);
    await w.init();
    rig.sandbox.clearRequests();
    const applied = await w.apply();
    expect(applied.code).toBe(1);
    // checkout holds an extra entry (acme/data/etl), design-system an extra group (acme/data): both DELETEs are refused.
    expect(flat(applied.output)).toContain(`DELETE ${rig.sandbox.url}/api/v4/projects/acme/web/checkout/job_token_scope/allowlist/302: 400 {error: id is invalid}`);
    expect(flat(applied.output)).toContain(`DELETE ${rig.sandbox.url}/api/v4/projects/acme/web/design-system/job_token_scope/groups_allowlist/14: 400 {error: id is invalid}`);
    const writes = rig.sandbox.requests().filter((r) => (r.method === 'POST' || r.method === 'DELETE') && r.path.includes('/job_token_scope/'));
    expect(writes.length).toBeGreaterThan(0);
    for (const r of writes) expect(r.status).toBe(400);
    expect(liveScopes(rig.sandbox)).toEqual(before);
  });

  it('four stacks: init, plan 2, apply, plan 0 each; the sandbox then holds exactly main.ts; drift exits 0 with no findings; the token is nowhere', async () => {
    const outdir = path.join(tmp, 'app');
    const texts = synthApp(outdir, (app) => buildAcme(app, stackProps(rig.sandbox, STATE_PROJECT)));
    expect(Object.keys(texts)).toEqual(STACKS);
    for (const stack of STACKS) {
      const json = JSON.parse(texts[stack]);
      expect(json.terraform.backend.http).toEqual({
        address: `${rig.sandbox.url}/api/v4/projects/101/terraform/state/${stack}`,
        lock_address: `${rig.sandbox.url}/api/v4/projects/101/terraform/state/${stack}/lock`,
        unlock_address: `${rig.sandbox.url}/api/v4/projects/101/terraform/state/${stack}/lock`,
        lock_method: 'POST',
        unlock_method: 'DELETE',
        retry_wait_min: 5,
      });
      for (const r of Object.values(json.resource.gitlab_project_job_token_scopes) as Array<{ project: string }>) {
        expect(r.project).toMatch(/^\$\{data\.gitlab_project\.[^.]+\.id\}$/);
      }
    }

    const dirs: Record<string, TerraformWorkdir> = {};
    const applied: Record<string, string> = {};
    await Promise.all(STACKS.map(async (stack) => {
      const w = await stackWorkdir(rig, texts[stack]);
      dirs[stack] = w;
      await w.init();
      const first = await w.plan();
      expect([stack, first.code]).toEqual([stack, 2]);
      const apply = await w.apply();
      expect([stack, apply.code]).toEqual([stack, 0]);
      applied[stack] = apply.stdout.split('\n').find((l) => l.startsWith('Apply complete!')) ?? apply.output;
      const again = await w.plan();
      expect([stack, again.code, again.stdout]).toEqual([stack, 0, expect.stringContaining('No changes.')]);
    }));
    expect(applied).toEqual({
      'acme-platform': 'Apply complete! Resources: 1 imported, 3 added, 0 changed, 0 destroyed.',
      'acme-web': 'Apply complete! Resources: 3 added, 0 changed, 0 destroyed.',
      'acme-data': 'Apply complete! Resources: 2 added, 0 changed, 0 destroyed.',
      'acme-security': 'Apply complete! Resources: 2 added, 0 changed, 0 destroyed.',
    });

    // main.ts, by id: 101 deployer, 103 release-cli, 201 storefront, 202 checkout, 203 design-system, 302 etl, 401 scanner;
    // groups 10 acme, 11 acme/platform, 13 acme/web, 14 acme/data. The deployer rule adds 101 outside acme-platform.
    const expected: Record<number, { enabled: boolean; projects: number[]; groups: number[] }> = {
      101: { enabled: true, projects: [103], groups: [13, 14] },
      102: { enabled: true, projects: [], groups: [10] },
      103: { enabled: true, projects: [101, 201, 202], groups: [] },
      104: { enabled: true, projects: [], groups: [11] },
      201: { enabled: true, projects: [101, 203], groups: [] },
      202: { enabled: true, projects: [101, 201], groups: [] },
      203: { enabled: true, projects: [101], groups: [13] },
      301: { enabled: true, projects: [101, 302], groups: [] },
      302: { enabled: true, projects: [101, 401], groups: [] },
      401: { enabled: true, projects: [101], groups: [10] },
      402: { enabled: true, projects: [101], groups: [] },
    };
    for (const [id, scope] of Object.entries(expected)) expect([id, liveScope(rig.sandbox, Number(id))]).toEqual([id, scope]);

    const drift = await cli(rig.sandbox, ['drift', '--synth-dir', outdir, '--format', 'json', '--no-progress'], tmp);
    expect(drift.err).toBe('');
    expect(drift.code).toBe(0);
    const report = JSON.parse(drift.out) as { summary: Record<string, number>; projects: Array<{ project: string; status: string; findings: unknown[] }> };
    expect(report.summary).toMatchObject({ projects: 11, inSync: 11, drifted: 0, unreadable: 0 });
    expect(report.projects.filter((p) => p.status !== 'in_sync' || p.findings.length > 0)).toEqual([]);

    // Each stack's state is in GitLab (the sandbox), none on disk; the token is in no synthesized file, state or output.
    for (const stack of STACKS) {
      const stored = rig.sandbox.terraformStates.find(101, stack);
      expect([stack, stored?.lock ?? null]).toEqual([stack, null]);
      const state = JSON.parse(stored!.data!) as { resources: Array<{ type: string }> };
      const declared = Object.keys(JSON.parse(texts[stack]).resource.gitlab_project_job_token_scopes);
      expect(state.resources.filter((r) => r.type === 'gitlab_project_job_token_scopes').length).toBe(declared.length);
      expect(fs.existsSync(path.join(dirs[stack].dir, 'terraform.tfstate'))).toBe(false);
      for (const secret of SECRETS) {
        expect(texts[stack]).not.toContain(secret);
        expect(stored!.data).not.toContain(secret);
        expect(dirs[stack].everything()).not.toContain(secret);
        expectNoSecret(stack, `${texts[stack]}\n${stored!.data}\n${dirs[stack].everything()}`);
      }
    }
  });
});
