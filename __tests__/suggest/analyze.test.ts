import { suggestForProject, isUnder, parentOf, EMPTY_LOG_NOTE } from '../../lib/suggest/analyze';
import type { SuggestInput, SuggestOptions } from '../../lib/suggest/types';

const NOW = new Date('2026-11-23T12:00:00Z');
const OPTS: SuggestOptions = { now: NOW, unusedDays: 90, compactThreshold: 5 };
const RECENT = '2026-11-20T10:00:00Z';
const OLD = '2025-01-01T00:00:00Z';

const entry = (path: string, autopopulated = false) => ({ path, autopopulated });
const input = (over: Partial<SuggestInput>): SuggestInput => ({
  project: 'acme/web', projects: [], groups: [], authLog: [], ...over,
});

describe('suggestForProject', () => {
  it('an empty authentication log proposes no removal ("never used" is not known), and says so', () => {
    const s = suggestForProject(input({ projects: [entry('acme/a'), entry('acme/b', true)], groups: [entry('acme/g')], authLog: [] }), OPTS);
    expect(s.status).toBe('no_change');
    expect(s.remove).toEqual([]);
    expect(s.notes).toEqual([
      'the authentication log is empty: GitLab has recorded no job token from another project here (it records from 17.6 on, ' +
        'up to 5 minutes late), which does not show that the entries are unused; none is proposed for removal',
    ]);
    expect(s.notes).toEqual([EMPTY_LOG_NOTE]);
    // Nothing to say for an empty allowlist with an empty log.
    expect(suggestForProject(input({ authLog: [] }), OPTS).notes).toEqual([]);
  });

  it('proposes adding origins used recently that the allowlist does not allow', () => {
    const s = suggestForProject(input({
      projects: [entry('acme/api')],
      authLog: [{ origin: 'acme/api', lastAuthorizedAt: RECENT }, { origin: 'acme/tools/cli', lastAuthorizedAt: RECENT }],
    }), OPTS);
    expect(s.status).toBe('changes');
    expect(s.add).toEqual([{ kind: 'project', target: 'acme/tools/cli', reason: 'used_not_allowed', lastAuthorizedAt: RECENT }]);
    expect(s.remove).toEqual([]);
  });

  it('does not propose an origin used only before the window, nor one a group entry covers', () => {
    const s = suggestForProject(input({
      groups: [entry('acme/tools')],
      authLog: [{ origin: 'acme/old', lastAuthorizedAt: OLD }, { origin: 'acme/tools/deep/cli', lastAuthorizedAt: RECENT }],
    }), OPTS);
    expect(s.add).toEqual([]);
    expect(s.status).toBe('no_change');
  });

  it('proposes removing unused entries, autopopulated ones first, with their last use', () => {
    const s = suggestForProject(input({
      projects: [entry('acme/a'), entry('acme/b', true), entry('acme/used')],
      groups: [entry('acme/g'), entry('acme/h', true)],
      authLog: [{ origin: 'acme/used', lastAuthorizedAt: RECENT }, { origin: 'acme/a', lastAuthorizedAt: OLD }],
    }), OPTS);
    expect(s.remove).toEqual([
      { kind: 'group', target: 'acme/h', reason: 'unused', autopopulated: true, lastAuthorizedAt: null },
      { kind: 'project', target: 'acme/b', reason: 'unused', autopopulated: true, lastAuthorizedAt: null },
      { kind: 'group', target: 'acme/g', reason: 'unused', autopopulated: false, lastAuthorizedAt: null },
      { kind: 'project', target: 'acme/a', reason: 'unused', autopopulated: false, lastAuthorizedAt: OLD },
    ]);
  });

  it('counts a group entry as used when any origin under it (any depth) used it', () => {
    const s = suggestForProject(input({ groups: [entry('acme/platform')], authLog: [{ origin: 'acme/platform/tools/lint', lastAuthorizedAt: RECENT }] }), OPTS);
    expect(s.remove).toEqual([]);
  });

  it('--unused-days moves the window', () => {
    const s = suggestForProject(input({ projects: [entry('acme/a')], authLog: [{ origin: 'acme/a', lastAuthorizedAt: OLD }] }), { ...OPTS, unusedDays: 1000 });
    expect(s.status).toBe('no_change');
  });

  it('proposes the group instead of more than --compact-threshold origins from it, dropping its project entries', () => {
    const origins = ['acme/svc/a', 'acme/svc/b', 'acme/svc/c', 'acme/svc/d', 'acme/svc/e'];
    const s = suggestForProject(input({
      projects: [entry('acme/svc/f'), entry('acme/other')],
      authLog: [...origins, 'acme/svc/f', 'acme/other'].map((origin) => ({ origin, lastAuthorizedAt: RECENT })),
    }), OPTS);
    expect(s.add).toEqual([{ kind: 'group', target: 'acme/svc', reason: 'compact_group', lastAuthorizedAt: RECENT, origins: [...origins, 'acme/svc/f'] }]);
    expect(s.remove).toEqual([{ kind: 'project', target: 'acme/svc/f', reason: 'covered_by_group', autopopulated: false, lastAuthorizedAt: RECENT, group: 'acme/svc' }]);
  });

  it('keeps single projects at or under the threshold', () => {
    const origins = ['acme/svc/a', 'acme/svc/b', 'acme/svc/c', 'acme/svc/d', 'acme/svc/e'];
    const s = suggestForProject(input({ authLog: origins.map((origin) => ({ origin, lastAuthorizedAt: RECENT })) }), OPTS);
    expect(s.add.map((a) => a.target)).toEqual(origins);
    expect(s.add.every((a) => a.kind === 'project')).toBe(true);
  });

  it('stays within the 200 project entries: compacts the namespace with most entries', () => {
    const origins = Array.from({ length: 205 }, (_, i) => `acme/team${i % 50}/p${i}`);
    const s = suggestForProject(input({ authLog: origins.map((origin) => ({ origin, lastAuthorizedAt: RECENT })) }), { ...OPTS, compactThreshold: 200 });
    const projects = s.add.filter((a) => a.kind === 'project');
    const groups = s.add.filter((a) => a.kind === 'group');
    // 205 entries: one namespace of the five with most entries (5 each; the first by path) becomes a group, leaving exactly 200.
    const team0 = origins.filter((o) => o.startsWith('acme/team0/')).sort();
    expect(groups).toEqual([{ kind: 'group', target: 'acme/team0', reason: 'fit_limit', origins: team0 }]);
    expect(projects).toHaveLength(200);
    // Every origin is still allowed, one way or the other.
    for (const o of origins) expect(projects.some((p) => p.target === o) || groups.some((g) => isUnder(o, g.target))).toBe(true);
    expect(s.notes).toEqual([]);
  });

  it('says so when it cannot get under the limits', () => {
    const origins = Array.from({ length: 3 }, (_, i) => `solo${i}`);
    const s = suggestForProject(input({ authLog: origins.map((origin) => ({ origin, lastAuthorizedAt: RECENT })) }), { ...OPTS, maxProjectEntries: 2 });
    expect(s.notes).toEqual(["the proposed list has 3 project entries, over GitLab's limit of 2; allow groups instead of some of them"]);
    const g = suggestForProject(input({ groups: [entry('a'), entry('b'), entry('c')], authLog: ['a/x', 'b/x', 'c/x'].map((origin) => ({ origin, lastAuthorizedAt: RECENT })) }), { ...OPTS, maxGroupEntries: 2 });
    expect(g.notes).toEqual(["the proposed list has 3 group entries, over GitLab's limit of 2; allow parent groups instead of some of them"]);
  });

  it('never lists the project itself, and has no deleted origins to count (GitLab leaves them out of the log)', () => {
    const s = suggestForProject(input({
      projects: [entry('acme/web'), entry('acme/api')],
      authLog: [{ origin: 'acme/web', lastAuthorizedAt: RECENT }, { origin: 'acme/api', lastAuthorizedAt: RECENT }],
    }), OPTS);
    expect(s.add).toEqual([]);
    expect(s.remove).toEqual([]);
    expect(s.deletedOrigins).toBe(0);
    expect(s.notes).toEqual([]);
    expect(s.status).toBe('no_change');
  });

  it('leaves numeric ids without a path alone and says so', () => {
    const s = suggestForProject(input({ projects: [{ id: 42, autopopulated: false }] }), OPTS);
    expect(s.remove).toEqual([]);
    expect(s.notes).toEqual(['1 entry is a numeric id with no known path; left as it is']);
  });

  it('compares paths case-insensitively', () => {
    const s = suggestForProject(input({ projects: [entry('Acme/API')], authLog: [{ origin: 'acme/api', lastAuthorizedAt: RECENT }] }), OPTS);
    expect(s.status).toBe('no_change');
  });
});

describe('path helpers', () => {
  it('parentOf and isUnder', () => {
    expect(parentOf('acme/web/shop')).toBe('acme/web');
    expect(parentOf('solo')).toBeUndefined();
    expect(isUnder('acme/web/shop', 'acme')).toBe(true);
    expect(isUnder('acme-x/web', 'acme')).toBe(false);
  });
});

describe('a log too young to judge', () => {
  const used = [{ origin: 'acme/api', lastAuthorizedAt: RECENT }, { origin: 'acme/tools/cli', lastAuthorizedAt: RECENT }];
  const young = input({ projects: [entry('acme/api'), entry('acme/old')], groups: [entry('acme/g')], authLog: used, projectCreatedAt: '2026-10-24T08:00:00Z' });

  it('a project created within the window proposes no removal, still proposes additions, and says when it can be judged', () => {
    const s = suggestForProject(young, OPTS);
    expect(s.remove).toEqual([]);
    expect(s.add).toEqual([{ kind: 'project', target: 'acme/tools/cli', reason: 'used_not_allowed', lastAuthorizedAt: RECENT }]);
    expect(s.notes).toEqual([
      'the authentication log reaches back only 30 days (the project was created on 2026-10-24), less than the 90-day window: ' +
        'too young to judge which entries are unused; none is proposed for removal (run again from 2027-01-22 on, or lower --unused-days)',
    ]);
  });

  it('an older project is judged as before; a lower --unused-days judges the young one', () => {
    const old = suggestForProject({ ...young, projectCreatedAt: '2025-01-06T09:00:00Z' }, OPTS);
    expect(old.remove.map((r) => r.target)).toEqual(['acme/g', 'acme/old']);
    expect(old.notes).toEqual([]);
    const short = suggestForProject(young, { ...OPTS, unusedDays: 14 });
    expect(short.remove.map((r) => r.target)).toEqual(['acme/g', 'acme/old']);
  });

  it('--log-since later than the project decides, and is named', () => {
    const s = suggestForProject({ ...young, projectCreatedAt: '2025-01-06T09:00:00Z' }, { ...OPTS, logSince: new Date('2026-11-01T00:00:00Z') });
    expect(s.remove).toEqual([]);
    expect(s.notes).toEqual([
      'the authentication log reaches back only 22 days (--log-since 2026-11-01), less than the 90-day window: ' +
        'too young to judge which entries are unused; none is proposed for removal (run again from 2027-01-30 on, or lower --unused-days)',
    ]);
    // A --log-since before the window changes nothing.
    expect(suggestForProject({ ...young, projectCreatedAt: '2025-01-06T09:00:00Z' }, { ...OPTS, logSince: new Date('2025-06-01T00:00:00Z') }).remove).toHaveLength(2);
  });

  it('an empty log says only that it is empty; an empty allowlist needs no note', () => {
    expect(suggestForProject({ ...young, authLog: [] }, OPTS).notes).toEqual([EMPTY_LOG_NOTE]);
    expect(suggestForProject({ ...young, projects: [], groups: [] }, OPTS).notes).toEqual([]);
  });

  it('entries a group covers are still folded into the group (that rests on use, not on disuse)', () => {
    const log = ['a', 'b', 'c'].map((n) => ({ origin: `acme/tools/${n}`, lastAuthorizedAt: RECENT }));
    const s = suggestForProject({ ...young, projects: [entry('acme/tools/a')], groups: [], authLog: log }, { ...OPTS, compactThreshold: 2 });
    expect(s.add.map((a) => `${a.kind}:${a.target}:${a.reason}`)).toEqual(['group:acme/tools:compact_group']);
    expect(s.remove.map((r) => `${r.target}:${r.reason}`)).toEqual(['acme/tools/a:covered_by_group']);
  });
});
