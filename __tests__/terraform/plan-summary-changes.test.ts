/**
 * Changes to main.ts's acme-web stack on the user's path: cdktf synth, real
 * `terraform plan` and `terraform show -json` through the provider stand-in,
 * `tokenscope plan-summary` of that JSON (table and risk notes asserted
 * exactly), apply, then drift clean. One rig, one stack, one state, in order:
 * the stack as main.ts has it; an entry added, one removed and `limitAccess`
 * flipped; a scope dropped (its allowlist stays on and empty); a project
 * configured by hand adopted with `importExisting`, then changed.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { App } from 'cdktf';
import { JobTokenScope, ScopeRule, TokenScopeStack } from '../../lib';
import type { JobTokenScopeProps } from '../../lib';
import { acmeSeed, API_TOKEN, cli, liveScope, SECRETS, expectNoSecret, stackProps, stackWorkdir, synthApp } from './acme';
import { startTerraformRig, TerraformRig, TerraformWorkdir } from './harness';

jest.setTimeout(300_000);

type Decl = Omit<JobTokenScopeProps, 'project'>;
interface WebStack {
  readonly storefront?: Decl;
  readonly checkout?: Decl;
  readonly designSystem?: Decl;
}

/** main.ts's acme-web stack. */
const MAIN_TS: WebStack = {
  storefront: { allowProjects: ['acme/web/design-system'] },
  checkout: { allowProjects: ['acme/web/storefront'] },
  designSystem: { allowGroups: ['acme/web'] },
};

let rig: TerraformRig;
let tmp: string;
let w: TerraformWorkdir;
let outdir: string;

beforeAll(async () => {
  rig = await startTerraformRig({ seed: acmeSeed(), token: API_TOKEN });
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'plan-summary-changes-'));
  outdir = path.join(tmp, 'cdktf.out');
});
afterAll(async () => {
  await rig?.stop();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

/** Synthesizes the acme-web stack as `web` declares it (plus main.ts's deployer rule) and puts it in the work dir. */
function synthWeb(web: WebStack): string {
  const texts = synthApp(outdir, (app: App) => {
    const stack = new TokenScopeStack(app, 'acme-web', stackProps(rig.sandbox, '101'));
    if (web.storefront) new JobTokenScope(stack, 'storefront', { project: 'acme/web/storefront', ...web.storefront });
    if (web.checkout) new JobTokenScope(stack, 'checkout', { project: 'acme/web/checkout', ...web.checkout });
    if (web.designSystem) new JobTokenScope(stack, 'design-system', { project: 'acme/web/design-system', ...web.designSystem });
    ScopeRule.applyTo(stack, { name: 'deployer-everywhere', allowProjects: ['acme/platform/deployer'] });
    return [stack];
  });
  fs.writeFileSync(path.join(w.dir, 'cdk.tf.json'), texts['acme-web']);
  return texts['acme-web'];
}

/** plan -out, show -json into acme-web.plan.json, plan-summary --resolve of it (markdown). */
async function planAndSummarize(): Promise<{ summary: string; plan: Record<string, unknown> }> {
  const planned = await w.plan({ out: 'change.tfplan' });
  expect(planned.code).toBe(2);
  const plan = await w.showJson('change.tfplan');
  fs.writeFileSync(path.join(w.dir, 'acme-web.plan.json'), JSON.stringify(plan));
  const r = await cli(rig.sandbox, ['plan-summary', 'acme-web.plan.json', '--resolve'], w.dir);
  expect(r.err).toBe('');
  expect(r.code).toBe(0);
  return { summary: r.out, plan };
}

/** The summary from its first line to the end of the stack's table. */
function head(summary: string): string {
  return summary.slice(0, summary.indexOf('\n\n', summary.indexOf('| Project |')) + 1);
}

/** Applies the saved plan; returns Terraform's last line. */
async function applySaved(): Promise<string> {
  const r = await w.ok(['apply', '-input=false', 'change.tfplan']);
  expect((await w.plan()).code).toBe(0);
  return r.stdout.split('\n').find((l) => l.startsWith('Apply complete!')) ?? r.output;
}

async function driftClean(projects: number): Promise<void> {
  const r = await cli(rig.sandbox, ['drift', '--synth-dir', outdir, '--format', 'json', '--no-progress'], tmp);
  expect(r.err).toBe('');
  expect(JSON.parse(r.out).summary).toMatchObject({ projects, inSync: projects, drifted: 0, unreadable: 0 });
  expect(r.code).toBe(0);
}

const REPLACED = (project: string) => `- ${project}: scope replaced (destroyed, then created): between the two steps the allowlist is on and empty, ` +
  'so every other project\'s job token is blocked; only the project itself can reach it';

describe('changes to a stack, reviewed by plan-summary from real Terraform plans', () => {
  it('the stack as main.ts has it: three scopes created', async () => {
    w = await stackWorkdir(rig, '{}');
    synthWeb(MAIN_TS);
    await w.init();
    const { summary } = await planAndSummarize();
    expect(head(summary)).toBe([
      '### tokenscope plan review',
      '',
      '**1 stack: 3 job-token scopes change (3 created); 6 entries added, 0 removed. No risks found.**',
      '',
      '#### Stack `acme-web`',
      '',
      '| Project | Change | Allowlist | Added | Removed |',
      '|---|---|---|---|---|',
      '| `acme/web/checkout` | created | **on** | `acme/platform/deployer`<br>`acme/web/storefront` | – |',
      '| `acme/web/design-system` | created | **on** | `acme/platform/deployer`<br>group `acme/web` | – |',
      '| `acme/web/storefront` | created | **on** | `acme/platform/deployer`<br>`acme/web/design-system` | – |',
      '',
    ].join('\n'));
    expect(await applySaved()).toBe('Apply complete! Resources: 3 added, 0 changed, 0 destroyed.');
    await driftClean(3);
  });

  it('an entry added, one removed, limitAccess flipped: each a replacement, with the words for it', async () => {
    synthWeb({
      storefront: { allowProjects: ['acme/web/design-system', 'acme/web/checkout'] },
      checkout: { allowProjects: [] },
      designSystem: { allowGroups: ['acme/web'], limitAccess: false },
    });
    const { summary, plan } = await planAndSummarize();
    // gitlabhq/gitlab 18.6.1 plans every change of a scope as delete-then-create.
    expect((plan.resource_changes as Array<{ type: string; change: { actions: string[] } }>)
      .filter((r) => r.type === 'gitlab_project_job_token_scopes').map((r) => r.change.actions)).toEqual([['delete', 'create'], ['delete', 'create'], ['delete', 'create']]);
    expect(head(summary)).toBe([
      '### tokenscope plan review',
      '',
      '**1 stack: 3 job-token scopes change (3 replaced); 1 entry added, 1 removed. 4 risks.**',
      '',
      '#### :warning: Risks (4)',
      '',
      '- acme/web/design-system: turns the allowlist off: job tokens of any project can reach it (GitLab.com and instances that enforce the allowlist keep it on)',
      REPLACED('acme/web/checkout'),
      REPLACED('acme/web/design-system'),
      REPLACED('acme/web/storefront'),
      '',
      '#### Stack `acme-web`',
      '',
      '| Project | Change | Allowlist | Added | Removed |',
      '|---|---|---|---|---|',
      '| `acme/web/checkout` | replaced | on | – | `acme/web/storefront` |',
      '| `acme/web/design-system` | replaced | on → **off** | – | – |',
      '| `acme/web/storefront` | replaced | on | `acme/web/checkout` | – |',
      '',
    ].join('\n'));
    expect(await applySaved()).toBe('Apply complete! Resources: 3 added, 0 changed, 3 destroyed.');
    expect(liveScope(rig.sandbox, 201)).toEqual({ enabled: true, projects: [101, 202, 203], groups: [] });
    expect(liveScope(rig.sandbox, 202)).toEqual({ enabled: true, projects: [101], groups: [] });
    expect(liveScope(rig.sandbox, 203)).toEqual({ enabled: false, projects: [101], groups: [13] });
    await driftClean(3);
  });

  it('a scope dropped: destroyed, its allowlist stays on and empty; plan-summary says so and never that it opens the project', async () => {
    synthWeb({
      storefront: { allowProjects: ['acme/web/design-system', 'acme/web/checkout'] },
      checkout: { allowProjects: [] },
    });
    const { summary } = await planAndSummarize();
    expect(head(summary)).toBe([
      '### tokenscope plan review',
      '',
      '**1 stack: 1 job-token scope changes (1 destroyed); 0 entries added, 2 removed. 1 risk.**',
      '',
      '#### :warning: Risks (1)',
      '',
      '- acme/web/design-system: scope destroyed: every entry is removed and the allowlist stays on, so every other project\'s job token is blocked; only the project itself can reach it',
      '',
      '#### Stack `acme-web`',
      '',
      '| Project | Change | Allowlist | Added | Removed |',
      '|---|---|---|---|---|',
      '| `acme/web/design-system` | destroyed | off → **on, empty** | – | `acme/platform/deployer`<br>group `acme/web` |',
      '',
    ].join('\n'));
    expect(summary).toContain('- scope destroyed: the provider removes every allowlist entry and leaves the allowlist on, so only the project itself can reach it: ' +
      'every other project\'s job token is blocked (nothing is opened)\n');
    expect(summary).not.toMatch(/opens|turns the allowlist off|job tokens of any project/);
    expect(await applySaved()).toBe('Apply complete! Resources: 0 added, 0 changed, 1 destroyed.');
    expect(liveScope(rig.sandbox, 203)).toEqual({ enabled: true, projects: [], groups: [] });
    await driftClean(2);
  });

  it('importExisting on a project configured by hand: the plan compares against GitLab; adopted unchanged, then changed', async () => {
    // By hand, in GitLab: acme/web/design-system allows acme/web/storefront and group acme/data, allowlist off.
    const rest = async (method: string, p: string, body: unknown) => {
      const r = await fetch(`${rig.sandbox.url}/api/v4/projects/203/job_token_scope${p}`, {
        method, headers: { authorization: `Bearer ${API_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(body),
      });
      expect([p, r.status]).toEqual([p, method === 'PATCH' ? 204 : 201]);
    };
    await rest('POST', '/allowlist', { target_project_id: 201 });
    await rest('POST', '/groups_allowlist', { target_group_id: 14 });
    await rest('PATCH', '', { enabled: false });
    const others: WebStack = { storefront: { allowProjects: ['acme/web/design-system', 'acme/web/checkout'] }, checkout: { allowProjects: [] } };
    const IMPORTED_CHANGE = [
      '| Project | Change | Allowlist | Added | Removed |',
      '|---|---|---|---|---|',
      '| `acme/web/design-system` | imported, replaced | off → **on** | `acme/platform/deployer`<br>group `acme/web` | `acme/web/storefront`<br>group `acme/data` |',
    ].join('\n');

    // Adopted and changed in one plan (not applied): "before" is what was set by hand.
    synthWeb({ ...others, designSystem: { allowGroups: ['acme/web'], importExisting: true } });
    const both = await planAndSummarize();
    expect(both.summary).toContain('**1 stack: 1 job-token scope changes (1 replaced); 2 entries added, 2 removed; 1 imported. 1 risk.**\n');
    expect(both.summary).toContain(`\n${IMPORTED_CHANGE}\n\n2 scopes unchanged.\n`);
    expect(both.summary).toContain('- imported first (importExisting): "before" is what GitLab holds now, set outside Terraform\n');

    // Adopted as it is: the declaration says what was set by hand (exempt from the stack's deployer rule to say it exactly).
    synthWeb({
      ...others,
      designSystem: { allowProjects: ['acme/web/storefront'], allowGroups: ['acme/data'], limitAccess: false, importExisting: true, exemptFromRules: ['deployer-everywhere'] },
    });
    const adopt = await planAndSummarize();
    expect(adopt.summary).toBe([
      '### tokenscope plan review',
      '',
      '**No job-token scope changes in 1 stack (3 scopes unchanged; 1 imported).**',
      '',
      '#### Stack `acme-web`',
      '',
      'No job-token scope changes (3 unchanged).',
      '',
      'Imported as GitLab holds it (no change; Terraform manages it from now on): `acme/web/design-system`.',
      '',
    ].join('\n'));
    expect(await applySaved()).toBe('Apply complete! Resources: 1 imported, 0 added, 0 changed, 0 destroyed.');
    expect(liveScope(rig.sandbox, 203)).toEqual({ enabled: false, projects: [201], groups: [14] });
    await driftClean(3);

    // Then changed, as any managed scope: a replacement.
    synthWeb({ ...others, designSystem: { allowGroups: ['acme/web'], importExisting: true } });
    const change = await planAndSummarize();
    expect(head(change.summary)).toBe([
      '### tokenscope plan review',
      '',
      '**1 stack: 1 job-token scope changes (1 replaced); 2 entries added, 2 removed. 1 risk.**',
      '',
      '#### :warning: Risks (1)',
      '',
      REPLACED('acme/web/design-system'),
      '',
      '#### Stack `acme-web`',
      '',
      IMPORTED_CHANGE.replace('imported, replaced', 'replaced'),
      '',
    ].join('\n'));
    expect(await applySaved()).toBe('Apply complete! Resources: 1 added, 0 changed, 1 destroyed.');
    expect(liveScope(rig.sandbox, 203)).toEqual({ enabled: true, projects: [101], groups: [13] });
    await driftClean(3);
    for (const secret of SECRETS) expect(w.everything()).not.toContain(secret);
    expectNoSecret('acme-web workdir', w.everything());
  });
});
