import { CREATE_NOTE, DESTROY_NOTE, FORGET_NOTE, UPGRADE_NOTE } from '../../lib/plan/analysis';
import { namesFromPlan } from '../../lib/plan/names';
import { parsePlanText } from '../../lib/plan/plan-file';
import { extractScopeChanges, plannedIds } from '../../lib/plan/scope-changes';
import { buildSummary, unresolvedIds, analyzePlans } from '../../lib/plan/summary';
import { analyzeFixtures, byProject, fixturePlans, labels, NOW } from './helpers';

describe('names from the plan itself', () => {
  it('takes gitlab_project / gitlab_group data sources from the prior state, planned values and read changes', () => {
    const [acme] = fixturePlans('acme.plan.json');
    const names = namesFromPlan(acme.plan);
    expect(names.projects.get(201)).toEqual({ path: 'acme/api', source: 'plan' });
    expect(names.projects.get(202)).toEqual({ path: 'acme/web/checkout', source: 'plan' });
    expect(names.groups.get(10)).toEqual({ path: 'acme', source: 'plan' });
  });

  it('ignores a data source whose id is known only after apply', () => {
    const [platform] = fixturePlans('stacks/platform/plan.json');
    expect([...namesFromPlan(platform.plan).projects.values()].map((n) => n.path)).not.toContain('acme/data/loader');
  });
});

describe('per-project changes', () => {
  const scopes = analyzeFixtures();

  it('create: every entry added, by path from the plan\'s data sources, with the authoritative note', () => {
    const s = byProject(scopes, 'acme/web');
    expect(s.kind).toBe('create');
    expect(s.toggle).toBe('on');
    expect(labels(s.projects.added)).toEqual(['acme/api', 'acme/web/checkout']);
    expect(labels(s.groups.added)).toEqual(['acme']);
    expect(s.projects.added.map((t) => t.source)).toEqual(['plan', 'plan']);
    expect(s.projects.removed).toEqual([]);
    expect(s.notes).toContain(CREATE_NOTE);
  });

  it('update turning the allowlist on', () => {
    const s = byProject(scopes, 'acme/platform/deployer');
    expect(s.kind).toBe('update');
    expect(s.enabled).toEqual({ before: false, after: true });
    expect(s.toggle).toBe('on');
    expect(s.projects.added).toEqual([]);
    expect(s.projects.removed).toEqual([]);
  });

  it('update turning the allowlist off', () => {
    const s = byProject(scopes, 'acme/legacy');
    expect(s.enabled).toEqual({ before: true, after: false });
    expect(s.toggle).toBe('off');
  });

  it('entries added and removed, named from the lock file; an id nobody names stays an id', () => {
    const s = byProject(scopes, 'acme/platform/tools/release-cli');
    expect(s.toggle).toBeNull();
    expect(labels(s.projects.added)).toEqual(['acme/ops/alerts', '#999']);
    expect(s.projects.added[1]).toEqual({ kind: 'project', id: 999, path: null, source: null, knownAfterApply: false });
    expect(labels(s.projects.removed)).toEqual(['acme/data/loader', 'acme/ops/metrics']);
    expect(s.projects.removed.map((t) => t.source)).toEqual(['lock', 'lock']);
    expect(labels(s.groups.added)).toEqual(['acme/data']);
    expect(labels(s.groups.removed)).toEqual(['acme/web']);
  });

  it('without the lock file the same ids are shown as ids, never dropped', () => {
    const s = byProject(analyzeFixtures({ lock: false }), 'acme/platform/tools/release-cli');
    expect(labels(s.projects.added)).toEqual(['#303', '#999']);
    expect(labels(s.projects.removed)).toEqual(['#301', '#302']);
    expect(labels(s.groups.removed)).toEqual(['#13']);
  });

  it('destroy: every entry removed, and the note says the allowlist stays on and empty (the provider\'s Delete), nothing opened', () => {
    const s = byProject(scopes, 'acme/old-service');
    expect(s.kind).toBe('destroy');
    expect(labels(s.projects.removed)).toEqual(['acme/api', 'acme/data/loader']);
    expect(labels(s.groups.removed)).toEqual(['acme']);
    expect(s.notes).toContain(DESTROY_NOTE);
    expect(DESTROY_NOTE).toBe(
      'scope destroyed: the provider removes every allowlist entry and leaves the allowlist on, so only the project itself ' +
        'can reach it: every other project\'s job token is blocked (nothing is opened)',
    );
    expect(s.after).toEqual({ enabled: true, projects: [], groups: [], listsKnownAfterApply: false });
  });

  it('replace moving the scope to another project: all entries added there, the old project noted as destroyed', () => {
    const s = byProject(scopes, 'acme/tools');
    expect(s.kind).toBe('replace');
    expect(s.actions).toEqual(['delete', 'create']);
    expect(s.previousProject?.label).toBe('acme/tools-old');
    expect(labels(s.projects.added)).toEqual(['acme/api']);
    expect(s.notes).toEqual(expect.arrayContaining([
      'scope replaced (the project changes from acme/tools-old to acme/tools)',
      `acme/tools-old: ${DESTROY_NOTE}`,
      'deleted before it is created again: between the two steps the allowlist is on and empty, so every other project\'s job token is blocked until the create finishes',
    ]));
  });

  it('no-op scopes are not listed but counted as unchanged', () => {
    expect(scopes.map((s) => s.project.label)).not.toContain('acme/platform/runner-images');
    const summary = buildSummary({ plans: fixturePlans('acme.plan.json'), scopes: analyzeFixtures({}, 'acme.plan.json'), now: NOW });
    expect(summary.stacks[0].unchanged).toBe(1);
  });

  it('other resource types are ignored in the review and counted as other changes (no-op and read excluded)', () => {
    const summary = buildSummary({ plans: fixturePlans('acme.plan.json'), scopes: analyzeFixtures({}, 'acme.plan.json'), now: NOW });
    expect(summary.stacks[0].scopes.every((s) => s.address.startsWith('gitlab_project_job_token_scopes.'))).toBe(true);
    expect(summary.stacks[0].otherChanges).toBe(4);
  });

  it('a project given by numeric id is named from the lock file', () => {
    const s = scopes.find((x) => x.address.endsWith('scope_id_104'))!;
    expect(s.project).toEqual({ path: 'acme/platform/tools/lint', id: 104, knownAfterApply: false, label: 'acme/platform/tools/lint' });
    expect(labels(s.projects.added)).toEqual(['acme/ops/metrics']);
  });

  it('a project id nobody names is shown as "id N"', () => {
    const s = analyzeFixtures({ lock: false }).find((x) => x.address.endsWith('scope_id_104'))!;
    expect(s.project.label).toBe('id 104');
  });

  it('a whole list known only after apply is shown as such, never as "no change"', () => {
    const s = byProject(scopes, 'acme/data/etl');
    expect(s.projects.knownAfterApply).toBe(true);
    expect(labels(s.projects.added)).toEqual(['(known after apply)']);
    expect(s.notes).toContain('the project entries are known after apply: the final list shows only after apply');
  });

  it('single elements and the toggle known only after apply', () => {
    const s = byProject(scopes, 'acme/data/warehouse');
    expect(s.enabled.after).toBe('unknown');
    expect(s.toggle).toBe('unknown');
    expect(labels(s.projects.added)).toEqual(['(known after apply)']);
    expect(labels(s.projects.removed)).toEqual(['acme/ops/metrics']);
    expect(s.notes).toEqual(expect.arrayContaining(['the allowlist toggle is known after apply', '1 project entry is known after apply']));
  });
});

describe('scope change edge cases', () => {
  const plan = (rc: unknown[]) => parsePlanText(JSON.stringify({ format_version: '1.2', resource_changes: rc }), 'p.json');
  const scope = (actions: string[], before: unknown, after: unknown, extra: object = {}) => ({
    address: 'gitlab_project_job_token_scopes.s', mode: 'managed', type: 'gitlab_project_job_token_scopes', name: 's',
    change: { actions, before, after, after_unknown: {} }, ...extra,
  });

  it('forget (removed block) leaves GitLab untouched', () => {
    const p = plan([scope(['forget'], { project: 'acme/x', enabled: true, target_project_ids: [1], target_group_ids: [] }, null)]);
    const [s] = analyzePlans([{ stack: 's', file: 'p.json', plan: p }], { projects: new Map(), groups: new Map() });
    expect(s.kind).toBe('forget');
    expect(s.projects.removed).toEqual([]);
    expect(s.notes).toEqual([FORGET_NOTE]);
  });

  it('a replace of the same project keeps the diff and the action reason', () => {
    const p = plan([scope(['create', 'delete'], { project: 'acme/x', enabled: true, target_project_ids: [1, 2], target_group_ids: [] },
      { project: 'acme/x', enabled: true, target_project_ids: [2, 3], target_group_ids: [] }, { action_reason: 'replace_by_request' })]);
    const [s] = analyzePlans([{ stack: 's', file: 'p.json', plan: p }], { projects: new Map(), groups: new Map() });
    expect(s.previousProject).toBeUndefined();
    expect(labels(s.projects.added)).toEqual(['#3']);
    expect(labels(s.projects.removed)).toEqual(['#1']);
    expect(s.notes).toEqual([
      'scope replaced (replace_by_request)',
      'created before the old resource is destroyed, on the same project: the provider\'s delete then empties the allowlist ' +
        'the create just wrote, so after apply it is on and empty',
    ]);
  });

  it('a path in state and the same project\'s numeric id in the plan is the upgrade to numeric ids, not a move', () => {
    const p = plan([scope(['delete', 'create'], { project: 'acme/web/storefront', enabled: true, target_project_ids: [1], target_group_ids: [] },
      { project: '201', enabled: true, target_project_ids: [1], target_group_ids: [] }, { action_reason: 'replace_because_cannot_update' })]);
    const names = { projects: new Map([[201, { path: 'acme/web/storefront', source: 'lock' as const }]]), groups: new Map() };
    const [s] = analyzePlans([{ stack: 's', file: 'p.json', plan: p }], names);
    expect(s.previousProject).toBeUndefined();
    expect(s.project).toEqual({ path: 'acme/web/storefront', id: 201, knownAfterApply: false, label: 'acme/web/storefront' });
    expect(labels(s.projects.added)).toEqual([]);
    expect(labels(s.projects.removed)).toEqual([]);
    expect(s.notes).toEqual([
      'scope replaced (the project attribute changes from "acme/web/storefront" to "201", the same project (acme/web/storefront) now given by its numeric id)',
      UPGRADE_NOTE,
      'deleted before it is created again: between the two steps the allowlist is on and empty, so every other project\'s job token is blocked until the create finishes',
    ]);
    // Without a name for 201 it reads as a move, and says what it may be.
    const [unnamed] = analyzePlans([{ stack: 's', file: 'p.json', plan: p }], { projects: new Map(), groups: new Map() });
    expect(unnamed.previousProject?.label).toBe('acme/web/storefront');
    expect(unnamed.notes).toContain(`if 201 is the id of acme/web/storefront, this replace is the upgrade to numeric ids: ${UPGRADE_NOTE}`);
  });

  it('reads the deprecated project_id attribute and numeric-string ids', () => {
    const p = plan([scope(['create'], null, { project_id: 42, enabled: true, target_project_ids: ['7'], target_group_ids: [] })]);
    const [c] = extractScopeChanges(p);
    expect(c.project.after).toBe('42');
    expect(c.projectIds.after?.ids).toEqual([7]);
  });

  it('ignores data-mode entries of the scopes type', () => {
    const p = plan([{ ...scope(['read'], null, {}), mode: 'data' }]);
    expect(extractScopeChanges(p)).toEqual([]);
  });

  it('plannedIds: whole set unknown, some elements unknown, none', () => {
    expect(plannedIds(null, true)).toEqual({ ids: [], unknown: 'all', unknownCount: 0 });
    expect(plannedIds([1, null, 3], [false, true, false])).toEqual({ ids: [1, 3], unknown: 'some', unknownCount: 1 });
    expect(plannedIds([1, 1, 2], undefined)).toEqual({ ids: [1, 2], unknown: 'none', unknownCount: 0 });
  });
});

describe('summary totals and unresolved ids', () => {
  it('counts every change kind across stacks', () => {
    const plans = fixturePlans('acme.plan.json', 'stacks/platform/plan.json');
    const summary = buildSummary({ plans, scopes: analyzeFixtures(), now: NOW });
    expect(summary.stacks.map((s) => s.stack)).toEqual(['acme', 'platform']);
    expect(summary.totals).toEqual({
      stacks: 2, scopesChanged: 9, created: 2, destroyed: 1, updated: 5, replaced: 1, forgotten: 0, unchanged: 1, imported: 0,
      entriesAdded: 10, entriesRemoved: 7, risks: 3,
    });
  });

  it('a plan with no job-token resources is a correct empty summary', () => {
    const plans = fixturePlans('no-scopes.plan.json', 'empty.plan.json');
    const summary = buildSummary({ plans, scopes: analyzePlans(plans, { projects: new Map(), groups: new Map() }), now: NOW });
    expect(summary.totals.scopesChanged).toBe(0);
    expect(summary.risks).toEqual([]);
    expect(summary.stacks.map((s) => [s.stack, s.scopes.length, s.unchanged, s.otherChanges])).toEqual([['no-scopes', 0, 0, 1], ['empty', 0, 0, 0]]);
  });

  it('lists the ids no source names, for --resolve', () => {
    expect(unresolvedIds(analyzeFixtures({ lock: false }))).toEqual({ projects: [104, 301, 302, 303, 999], groups: [13, 14] });
    expect(unresolvedIds(analyzeFixtures())).toEqual({ projects: [999], groups: [] });
  });
});
