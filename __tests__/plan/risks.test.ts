import { mergeNames } from '../../lib/plan/names';
import { relativeTime } from '../../lib/plan/relative-time';
import { allOriginsBlockedRisks, allowlistDisabledRisks, blockingRisks, needsAuthLog } from '../../lib/plan/risks';
import { analyzePlans, namesFromPlans } from '../../lib/plan/summary';
import { analyzeFixtures, fixtureLockNames, fixturePlans, NOW } from './helpers';

const TWO_DAYS_AGO = '2026-11-22T08:14:00Z';
const logs = (entries: Record<string, Array<[string, string]>>) =>
  new Map(Object.entries(entries).map(([p, list]) => [p, list.map(([origin, lastAuthorizedAt]) => ({ origin, lastAuthorizedAt }))]));

describe('allowlist turned off', () => {
  it('flags turning the allowlist off; nothing else (a destroy opens nothing)', () => {
    const risks = allowlistDisabledRisks(analyzeFixtures());
    expect(risks.map((r) => [r.project, r.reason])).toEqual([['acme/legacy', 'allowlist_turned_off']]);
    expect(risks[0].message).toBe('acme/legacy: turns the allowlist off: job tokens of any project can reach it (GitLab.com and instances that enforce the allowlist keep it on)');
  });

  it('a destroyed scope, and the old project of a moved one, shut every other project out (the provider leaves the allowlist on and empty)', () => {
    const risks = allOriginsBlockedRisks(analyzeFixtures());
    expect(risks.map((r) => [r.kind, r.project, r.reason, r.certainty])).toEqual([
      ['blocks_all_origins', 'acme/old-service', 'scope_destroyed', 'will'],
      ['blocks_all_origins', 'acme/tools-old', 'scope_destroyed', 'will'],
    ]);
    expect(risks[0].message).toBe(
      'acme/old-service: scope destroyed: every entry is removed and the allowlist stays on, so every other project\'s job token is blocked; only the project itself can reach it',
    );
    expect(risks[1].message).toBe(
      'acme/tools-old: scope destroyed (it moves to acme/tools): every entry is removed and the allowlist stays on, so every other project\'s job token is blocked; only the project itself can reach it',
    );
  });

  it('a replace of the same project: a window with the allowlist on and empty (delete first), or an empty list after apply (create first)', () => {
    const replace = (actions: string[]) => ({ stack: 's', file: 'p', plan: { format_version: '1.2', resource_changes: [{
      address: 'gitlab_project_job_token_scopes.x', type: 'gitlab_project_job_token_scopes', mode: 'managed',
      change: { actions, before: { project: 'acme/x', enabled: true, target_project_ids: [1], target_group_ids: [] },
        after: { project: 'acme/x', enabled: true, target_project_ids: [1], target_group_ids: [] } },
    }] } });
    const deleteFirst = [replace(['delete', 'create'])];
    const createFirst = [replace(['create', 'delete'])];
    expect(allOriginsBlockedRisks(analyzePlans(deleteFirst, namesFromPlans(deleteFirst))).map((r) => r.message)).toEqual([
      'acme/x: scope replaced (destroyed, then created): between the two steps the allowlist is on and empty, so every other project\'s job token is blocked; only the project itself can reach it',
    ]);
    expect(allOriginsBlockedRisks(analyzePlans(createFirst, namesFromPlans(createFirst))).map((r) => r.message)).toEqual([
      'acme/x: scope replaced (created, then the old one destroyed): the destroy empties what the create wrote; after apply the allowlist is on and empty, so every other project\'s job token is blocked; only the project itself can reach it',
    ]);
  });

  it('flags a scope created with the allowlist off', () => {
    const plans = [{ stack: 's', file: 'p', plan: { format_version: '1.2', resource_changes: [{
      address: 'gitlab_project_job_token_scopes.x', type: 'gitlab_project_job_token_scopes', mode: 'managed',
      change: { actions: ['create'], before: null, after: { project: 'acme/x', enabled: false, target_project_ids: [], target_group_ids: [] } },
    }] } }];
    const [r] = allowlistDisabledRisks(analyzePlans(plans, namesFromPlans(plans)));
    expect(r.reason).toBe('scope_created_off');
    expect(r.message).toBe('acme/x: scope created with the allowlist off: job tokens of any project can reach it (GitLab.com and instances that enforce the allowlist keep it on)');
  });
});

describe('blocking origins seen in the auth log', () => {
  // 999 named, so that every entry of release-cli has a path and the answer is certain.
  const named = () => {
    const plans = fixturePlans('acme.plan.json', 'stacks/platform/plan.json');
    const names = mergeNames(namesFromPlans(plans), fixtureLockNames(),
      { projects: new Map([[999, { path: 'acme/other', source: 'gitlab' as const }]]), groups: new Map() });
    return analyzePlans(plans, names);
  };

  it('an allowlist turned on blocks an origin not on the list', () => {
    const risks = blockingRisks(named(), logs({ 'acme/platform/deployer': [['acme/web/storefront', TWO_DAYS_AGO], ['acme/api', TWO_DAYS_AGO]] }), NOW);
    expect(risks).toEqual([{
      kind: 'blocks_recent_origin', reason: 'allowlist_turned_on', stack: 'acme', project: 'acme/platform/deployer',
      address: 'gitlab_project_job_token_scopes.scope_acme_platform_deployer', origin: 'acme/web/storefront',
      lastAuthorizedAt: TWO_DAYS_AGO, certainty: 'will',
      message: 'acme/platform/deployer: will block acme/web/storefront, last used 2 days ago (allowlist turned on)',
    }]);
  });

  it('removed project and group entries block the origins they covered; an origin still covered is fine', () => {
    const risks = blockingRisks(named(), logs({ 'acme/platform/tools/release-cli': [
      ['acme/ops/metrics', TWO_DAYS_AGO],
      ['acme/web/storefront', '2026-11-24T05:14:00Z'],
      ['acme/data/etl', TWO_DAYS_AGO],
      ['acme/api', TWO_DAYS_AGO],
    ] }), NOW);
    expect(risks.map((r) => r.message)).toEqual([
      'acme/platform/tools/release-cli: will block acme/ops/metrics, last used 2 days ago (project entry acme/ops/metrics removed)',
      'acme/platform/tools/release-cli: will block acme/web/storefront, last used 3 hours ago (group entry acme/web removed)',
    ]);
    expect(risks.every((r) => r.reason === 'entry_removed')).toBe(true);
  });

  it('with an unresolved id on the new list the block is only possible ("may")', () => {
    const risks = blockingRisks(analyzeFixtures(), logs({ 'acme/platform/tools/release-cli': [['acme/ops/metrics', TWO_DAYS_AGO]] }), NOW);
    expect(risks.map((r) => [r.certainty, r.message])).toEqual([
      ['may', 'acme/platform/tools/release-cli: may block acme/ops/metrics, last used 2 days ago (project entry acme/ops/metrics removed)'],
    ]);
  });

  it('a created scope blocks origins it does not list', () => {
    const risks = blockingRisks(named(), logs({ 'acme/web': [['beta/docs', TWO_DAYS_AGO], ['acme/docs', TWO_DAYS_AGO]] }), NOW);
    expect(risks.map((r) => r.message)).toEqual(['acme/web: will block beta/docs, last used 2 days ago (scope created without it)']);
  });

  it('a destroyed scope will block every origin of its auth log: the allowlist stays on and empty', () => {
    const risks = blockingRisks(named(), logs({ 'acme/old-service': [['acme/api', TWO_DAYS_AGO]] }), NOW);
    expect(risks.map((r) => r.message)).toEqual([
      'acme/old-service: will block acme/api, last used 2 days ago (scope destroyed)',
    ]);
  });

  it('turning the allowlist off, or a list known only after apply, flags no block', () => {
    expect(blockingRisks(named(), logs({ 'acme/legacy': [['acme/docs', TWO_DAYS_AGO]], 'acme/data/etl': [['acme/docs', TWO_DAYS_AGO]] }), NOW)).toEqual([]);
  });

  it('matches paths case-insensitively and never flags the project itself', () => {
    const risks = blockingRisks(named(), logs({ 'acme/platform/deployer': [['ACME/API', TWO_DAYS_AGO], ['acme/platform/deployer', TWO_DAYS_AGO]] }), NOW);
    expect(risks).toEqual([]);
  });

  it('asks for the auth log only of scopes that can block someone', () => {
    expect(named().filter(needsAuthLog).map((s) => s.project.label)).toEqual([
      'acme/web', 'acme/platform/deployer', 'acme/platform/tools/release-cli', 'acme/old-service', 'acme/tools',
      'acme/data/etl', 'acme/data/warehouse',
    ]);
  });
});

describe('relativeTime', () => {
  it.each([
    ['2026-11-24T08:13:30Z', 'just now'],
    ['2026-11-24T08:13:00Z', '1 minute ago'],
    ['2026-11-24T07:30:00Z', '44 minutes ago'],
    ['2026-11-24T07:14:00Z', '1 hour ago'],
    ['2026-11-23T08:14:01Z', '23 hours ago'],
    ['2026-11-23T08:14:00Z', '1 day ago'],
    ['2026-11-22T08:14:00Z', '2 days ago'],
    ['2026-12-01T00:00:00Z', 'just now'],
    ['yesterday', 'at yesterday'],
  ])('%s -> %s', (t, want) => {
    expect(relativeTime(t, NOW)).toBe(want);
  });
});
