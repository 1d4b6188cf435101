import { renderJson } from '../../lib/plan/render-json';
import { renderMarkdown, summaryLine } from '../../lib/plan/render-markdown';
import { analyzePlans, buildSummary } from '../../lib/plan/summary';
import { analyzeFixtures, fixturePlans, NOW } from './helpers';

const fullSummary = (authLogs?: Map<string, Array<{ origin: string; lastAuthorizedAt: string }>>) =>
  buildSummary({ plans: fixturePlans('acme.plan.json', 'stacks/platform/plan.json'), scopes: analyzeFixtures(), authLogs, now: NOW });

describe('Markdown for the merge request note', () => {
  const md = renderMarkdown(fullSummary(new Map([['acme/platform/deployer', [{ origin: 'acme/web/storefront', lastAuthorizedAt: '2026-11-22T08:14:00Z' }]]])),
    { footer: '<sub>Plan from pipeline #7.</sub>' });

  it('starts with one summary line', () => {
    expect(md.split('\n').slice(0, 3)).toEqual([
      '### tokenscope plan review',
      '',
      '**2 stacks: 9 job-token scopes change (2 created, 1 destroyed, 5 updated, 1 replaced); 10 entries added, 7 removed. 4 risks.**',
    ]);
    expect(md).toContain('<sub>Plan from pipeline #7.</sub>');
  });

  it('lists the risks, including the auth-log block with its age', () => {
    expect(md).toContain('#### :warning: Risks (4)');
    expect(md).toContain('- acme/platform/deployer: will block acme/web/storefront, last used 2 days ago (allowlist turned on)');
    expect(md).toContain('- acme/legacy: turns the allowlist off');
  });

  it('has a table per stack with a row per changed scope', () => {
    expect(md).toContain('#### Stack `acme`');
    expect(md).toContain('#### Stack `platform`');
    expect(md).toContain('| Project | Change | Allowlist | Added | Removed |');
    expect(md).toContain('| `acme/web` | created | **on** | `acme/api`<br>`acme/web/checkout`<br>group `acme` | – |');
    expect(md).toContain('| `acme/platform/deployer` | updated | off → **on** | – | – |');
    expect(md).toContain('| `acme/legacy` | updated | on → **off** | – | – |');
    expect(md).toContain('| `acme/platform/tools/release-cli` | updated | on | `acme/ops/alerts`<br>project id `999`<br>group `acme/data` | `acme/data/loader`<br>`acme/ops/metrics`<br>group `acme/web` |');
    expect(md).toContain('| `acme/old-service` | destroyed | on → **on, empty** | – | `acme/api`<br>`acme/data/loader`<br>group `acme` |');
    expect(md).toContain('| `acme/tools` (was `acme/tools-old`) | replaced | on | `acme/api` | – |');
    expect(md).toContain('| `acme/data/etl` | created | **on** | *(project known after apply)* | – |');
    expect(md).toContain('| `acme/data/warehouse` | updated | *(known after apply)* | *(project known after apply)* | `acme/ops/metrics` |');
    expect(md).toContain('1 scope unchanged.');
    expect(md).toContain('4 other resource changes (not job-token scopes; counted in the Terraform widget).');
  });

  it('folds the long detail into <details>, with where each name came from', () => {
    const details = md.slice(md.indexOf('<details>'));
    expect(details.startsWith('<details><summary>Details (9 scopes)</summary>')).toBe(true);
    expect(details.trimEnd().endsWith('</details>')).toBe(true);
    expect(details).toContain('- project entries added: `acme/ops/alerts` (id 303, from the lock file), `project id 999` (not resolved)');
    expect(details).toContain('- project entries added: `acme/api` (id 201, from the plan), `acme/web/checkout` (id 202, from the plan)');
    expect(details).toContain('leaves the allowlist on, so only the project itself can reach it: every other project\'s job token is blocked (nothing is opened)');
    expect(details).not.toContain('GitLab\'s default');
  });

  it('moves long entry lists out of the table cell', () => {
    const out = renderMarkdown(fullSummary(), { maxCellEntries: 2 });
    expect(out).toContain('| `acme/web` | created | **on** | `acme/api`<br>`acme/web/checkout`<br>and 1 more (see details) | – |');
  });

  it('says "no job-token scope changes" for plans without any', () => {
    const plans = fixturePlans('no-scopes.plan.json');
    const s = buildSummary({ plans, scopes: analyzePlans(plans, { projects: new Map(), groups: new Map() }), now: NOW });
    expect(summaryLine(s)).toBe('No job-token scope changes in 1 stack (0 scopes unchanged).');
    const out = renderMarkdown(s);
    expect(out).toContain('No job-token scope changes (0 unchanged).');
    expect(out).toContain('1 other resource change (not job-token scopes; counted in the Terraform widget).');
    expect(out).not.toContain('<details>');
  });

  it('escapes HTML in warnings', () => {
    const plans = fixturePlans('no-scopes.plan.json');
    const s = buildSummary({ plans, scopes: [], warnings: ['GitLab said <b>no</b> | twice'], now: NOW });
    expect(renderMarkdown(s)).toContain('- GitLab said \\<b\\>no\\</b\\> \\| twice');
  });
});

describe('JSON', () => {
  it('has the documented shape', () => {
    const json = JSON.parse(renderJson(fullSummary()));
    expect(Object.keys(json)).toEqual(['version', 'summary', 'widget', 'stacks', 'risks', 'warnings', 'notChecked']);
    expect(json.version).toBe(1);
    expect(json.widget).toEqual({ create: 5, update: 6, delete: 4 });
    expect(json.stacks.map((s: { stack: string }) => s.stack)).toEqual(['acme', 'platform']);
    const acme = json.stacks[0];
    expect(acme).toMatchObject({ stack: 'acme', terraformVersion: '1.11.4', unchanged: 1, otherChanges: 4 });
    const releaseCli = acme.scopes.find((s: { address: string }) => s.address.endsWith('release_cli'));
    expect(releaseCli).toEqual({
      address: 'gitlab_project_job_token_scopes.scope_acme_platform_tools_release_cli',
      project: { path: 'acme/platform/tools/release-cli', id: null, knownAfterApply: false },
      change: 'update',
      actions: ['update'],
      enabled: { before: true, after: true },
      toggle: null,
      projects: {
        added: [
          { id: 303, path: 'acme/ops/alerts', source: 'lock', knownAfterApply: false },
          { id: 999, path: null, source: null, knownAfterApply: false },
        ],
        removed: [
          { id: 301, path: 'acme/data/loader', source: 'lock', knownAfterApply: false },
          { id: 302, path: 'acme/ops/metrics', source: 'lock', knownAfterApply: false },
        ],
        knownAfterApply: false,
      },
      groups: {
        added: [{ id: 14, path: 'acme/data', source: 'lock', knownAfterApply: false }],
        removed: [{ id: 13, path: 'acme/web', source: 'lock', knownAfterApply: false }],
        knownAfterApply: false,
      },
      notes: [],
    });
    const warehouse = json.stacks[1].scopes.find((s: { address: string }) => s.address.endsWith('warehouse'));
    expect(warehouse.enabled).toEqual({ before: true, after: 'unknown' });
    expect(warehouse.projects.added).toEqual([{ id: null, path: null, source: null, knownAfterApply: true }]);
    expect(json.risks.map((r: { kind: string; reason: string }) => `${r.kind}/${r.reason}`)).toEqual([
      'allowlist_disabled/allowlist_turned_off', 'blocks_all_origins/scope_destroyed', 'blocks_all_origins/scope_destroyed',
    ]);
  });
});
