import { compareScope, ResolvedScope, statusOf } from '../../lib/drift/compare';
import { applyBaseline, baselineFrom, parseBaseline, summarize } from '../../lib/drift/baseline';
import { inShard, parseShard, shardFromEnv, shardOf } from '../../lib/drift/shard';
import { exitCodeFor, DriftReport } from '../../lib/drift/types';
import type { LiveScope } from '../../lib/live/types';

const decl = (over: Partial<ResolvedScope> = {}): ResolvedScope => ({
  stack: 'acme-web',
  project: 'acme/web/checkout',
  enabled: true,
  projects: [{ path: 'acme/web/storefront' }],
  groups: [{ path: 'acme/platform' }],
  ...over,
});

const live = (over: Partial<LiveScope> = {}): LiveScope => ({
  fullPath: 'acme/web/checkout',
  id: 202,
  inboundJobTokenScopeEnabled: true,
  projects: [{ fullPath: 'acme/web/storefront', id: 201, autopopulated: false }],
  groups: [{ fullPath: 'acme/platform', id: 11, autopopulated: false }],
  ...over,
});

describe('compareScope', () => {
  it('is in_sync with no findings when everything matches', () => {
    expect(compareScope(decl(), live())).toEqual({ project: 'acme/web/checkout', stack: 'acme-web', status: 'in_sync', findings: [] });
  });

  it('reports limit_access_mismatch with declared and live values, both ways', () => {
    expect(compareScope(decl(), live({ inboundJobTokenScopeEnabled: false })).findings).toEqual([
      { kind: 'limit_access_mismatch', declared: true, live: false },
    ]);
    const r = compareScope(decl({ enabled: false }), live());
    expect(r.status).toBe('drifted');
    expect(r.findings).toEqual([{ kind: 'limit_access_mismatch', declared: false, live: true }]);
  });

  it('reports missing and unexpected project and group entries with their targets', () => {
    const r = compareScope(
      decl({ projects: [{ path: 'acme/web/storefront' }, { path: 'acme/api' }], groups: [{ path: 'acme/data' }] }),
      live({
        projects: [
          { fullPath: 'acme/web/storefront', id: 201, autopopulated: false },
          { fullPath: 'acme/data/etl', id: 302, autopopulated: true },
          { fullPath: 'acme/other', id: 999, autopopulated: false },
        ],
        groups: [{ fullPath: 'acme/platform', id: 11, autopopulated: true }],
      }),
    );
    expect(r.status).toBe('drifted');
    expect(r.findings).toEqual([
      { kind: 'missing_project_entry', target: 'acme/api' },
      { kind: 'unexpected_project_entry', target: 'acme/data/etl', autopopulated: true },
      { kind: 'unexpected_project_entry', target: 'acme/other' },
      { kind: 'missing_group_entry', target: 'acme/data' },
      { kind: 'unexpected_group_entry', target: 'acme/platform', autopopulated: true },
    ]);
  });

  it('compares paths case-insensitively', () => {
    const r = compareScope(
      decl({ project: 'ACME/Web/Checkout', projects: [{ path: 'Acme/WEB/storefront' }], groups: [{ path: 'ACME/platform' }] }),
      live(),
    );
    expect(r.status).toBe('in_sync');
    expect(r.findings).toEqual([]);
  });

  it('matches a declared literal id against the live entry id', () => {
    expect(compareScope(decl({ projects: [{ id: 201 }] }), live()).findings).toEqual([]);
    expect(compareScope(decl({ projects: [{ id: 555 }] }), live()).findings).toEqual([
      { kind: 'missing_project_entry', target: '#555' },
      { kind: 'unexpected_project_entry', target: 'acme/web/storefront' },
    ]);
  });

  it("never reports the project's own entry, by path or by id, on either side", () => {
    const r = compareScope(
      decl({ projects: [{ path: 'acme/web/storefront' }, { path: 'ACME/web/checkout' }, { id: 202 }] }),
      live({ projects: [{ fullPath: 'acme/web/storefront', id: 201, autopopulated: false }, { fullPath: 'Acme/Web/Checkout', id: 202, autopopulated: false }] }),
    );
    expect(r.findings).toEqual([]);
    expect(r.status).toBe('in_sync');
  });

  it('says enforced_by_instance instead of calling the project open; information only when declared on', () => {
    const on = compareScope(decl(), live({ inboundJobTokenScopeEnabled: false, effectiveInboundEnabled: true }));
    expect(on.findings).toEqual([{ kind: 'enforced_by_instance', declared: true, live: false, effective: true }]);
    expect(on.status).toBe('in_sync');
    const off = compareScope(decl({ enabled: false }), live({ inboundJobTokenScopeEnabled: false, effectiveInboundEnabled: true }));
    expect(off.findings).toEqual([{ kind: 'enforced_by_instance', declared: false, live: false, effective: true }]);
    expect(off.status).toBe('drifted');
    // Effective value read and off: a plain mismatch.
    expect(compareScope(decl(), live({ inboundJobTokenScopeEnabled: false, effectiveInboundEnabled: false })).findings).toEqual([
      { kind: 'limit_access_mismatch', declared: true, live: false },
    ]);
  });

  it('reports unreadable projects, never in_sync', () => {
    expect(compareScope(decl(), { error: 'not_found', message: 'GitLab has no project acme/web/checkout' })).toEqual({
      project: 'acme/web/checkout', stack: 'acme-web', status: 'unreadable',
      findings: [{ kind: 'project_not_found', message: 'GitLab has no project acme/web/checkout' }],
    });
    expect(compareScope(decl(), { error: 'permission_denied', message: 'needs Maintainer' }).findings).toEqual([
      { kind: 'permission_denied', message: 'needs Maintainer' },
    ]);
    expect(compareScope(decl(), { error: 'error', message: 'HTTP 500' })).toEqual({
      project: 'acme/web/checkout', stack: 'acme-web', status: 'unreadable', findings: [], error: 'HTTP 500',
    });
    expect(compareScope(decl(), undefined)).toEqual({
      project: 'acme/web/checkout', stack: 'acme-web', status: 'unreadable', findings: [], error: 'acme/web/checkout was not read',
    });
    // Read, but without the toggle: not in_sync either.
    expect(compareScope(decl(), live({ inboundJobTokenScopeEnabled: null }))).toEqual({
      project: 'acme/web/checkout', stack: 'acme-web', status: 'unreadable', findings: [],
      error: 'GitLab did not return the allowlist toggle (ciCdSettings.inboundJobTokenScopeEnabled) of acme/web/checkout',
    });
  });

  describe('recently_used_but_not_allowed', () => {
    const since = new Date('2026-11-01T00:00:00Z');
    const withLog = live({
      authLog: [
        { fullPath: 'acme/data/etl', lastAuthorizedAt: '2026-11-21T17:40:00Z' },
        { fullPath: 'acme/web/storefront', lastAuthorizedAt: '2026-11-22T08:14:00Z' },
        { fullPath: 'acme/platform/tools/lint', lastAuthorizedAt: '2026-11-20T00:00:00Z' },
        { fullPath: 'acme/old', lastAuthorizedAt: '2025-03-02T09:00:00Z' },
      ],
    });
    it('reports recent origins the declaration does not allow (projects, groups at any depth), with lastAuthorizedAt', () => {
      expect(compareScope(decl(), withLog, { authLogSince: since }).findings).toEqual([
        { kind: 'recently_used_but_not_allowed', target: 'acme/data/etl', lastAuthorizedAt: '2026-11-21T17:40:00Z' },
      ]);
    });
    it('is off without --auth-log, and when the allowlist is declared off', () => {
      expect(compareScope(decl(), withLog).findings).toEqual([]);
      expect(compareScope(decl({ enabled: false }), { ...withLog, inboundJobTokenScopeEnabled: false }, { authLogSince: since }).findings).toEqual([]);
    });
  });
});

describe('baseline', () => {
  const report = (): DriftReport => {
    const projects = [
      compareScope(decl(), live({ groups: [] })),
      compareScope(decl({ project: 'acme/web/storefront', projects: [] }), live({ fullPath: 'acme/web/storefront', id: 201, projects: [] })),
    ];
    return { summary: summarize(projects, 3), projects };
  };

  it('accepts known findings so that the run passes, and keeps them marked', () => {
    const r = report();
    expect(exitCodeFor(r)).toBe(2);
    const b = baselineFrom(r);
    expect(b).toEqual({ version: 1, accepted: [{ project: 'acme/web/checkout', kind: 'missing_group_entry', target: 'acme/platform' }] });
    const applied = applyBaseline(r, b);
    expect(applied.summary).toEqual({ projects: 2, inSync: 2, drifted: 0, unreadable: 0, requests: 3 });
    expect(applied.projects[0].findings).toEqual([{ kind: 'missing_group_entry', target: 'acme/platform', accepted: true }]);
    expect(exitCodeFor(applied)).toBe(0);
  });

  it('still fails on new drift, matching case-insensitively', () => {
    const b = parseBaseline(JSON.stringify({ version: 1, accepted: [{ project: 'ACME/web/checkout', kind: 'missing_group_entry', target: 'other' }] }), 'b.json');
    expect(exitCodeFor(applyBaseline(report(), b))).toBe(2);
    const same = parseBaseline(JSON.stringify({ version: 1, accepted: [{ project: 'ACME/web/checkout', kind: 'missing_group_entry', target: 'ACME/Platform' }] }), 'b.json');
    expect(exitCodeFor(applyBaseline(report(), same))).toBe(0);
  });

  it('a toggle finding is accepted in the recorded direction only; entries without "declared" accept either', () => {
    const mismatch = (declared: boolean): DriftReport => {
      const projects = [{ project: 'acme/x', stack: 's', status: 'drifted' as const, findings: [{ kind: 'limit_access_mismatch' as const, declared, live: !declared }] }];
      return { summary: summarize(projects, 1), projects };
    };
    const b = baselineFrom(mismatch(true));
    expect(b.accepted).toEqual([{ project: 'acme/x', kind: 'limit_access_mismatch', declared: true }]);
    expect(exitCodeFor(applyBaseline(mismatch(true), b))).toBe(0);
    expect(exitCodeFor(applyBaseline(mismatch(false), b))).toBe(2);
    const legacy = parseBaseline(JSON.stringify({ version: 1, accepted: [{ project: 'acme/x', kind: 'limit_access_mismatch' }] }), 'b.json');
    expect(exitCodeFor(applyBaseline(mismatch(false), legacy))).toBe(0);
  });

  it('never accepts unreadable projects', () => {
    const projects = [compareScope(decl(), { error: 'permission_denied', message: 'x' })];
    const r: DriftReport = { summary: summarize(projects, 1), projects };
    expect(baselineFrom(r).accepted).toEqual([]);
    const b = parseBaseline(JSON.stringify({ version: 1, accepted: [{ project: 'acme/web/checkout', kind: 'permission_denied' }] }), 'b.json');
    expect(exitCodeFor(applyBaseline(r, b))).toBe(1);
  });

  it('rejects files that are not baselines, with the exact words', () => {
    expect(() => parseBaseline('{', 'b.json')).toThrow(/^baseline b\.json is not valid JSON \(.*\); write it again with --write-baseline$/);
    expect(() => parseBaseline('{"version":2}', 'b.json')).toThrow(
      'baseline b.json is not a tokenscope baseline (expected {"version":1,"accepted":[...]}); write it again with --write-baseline',
    );
    expect(() => parseBaseline('{"version":1,"accepted":[{"project":"a","kind":"nope"}]}', 'b.json')).toThrow(
      /^baseline b\.json: accepted\[0\] needs a "project" and a "kind" \(one of limit_access_mismatch, /,
    );
  });

  it('refuses a declared that is not a boolean and a target that is not a path', () => {
    const one = (a: Record<string, unknown>) => JSON.stringify({ version: 1, accepted: [{ project: 'acme/x', kind: 'limit_access_mismatch' }, { project: 'acme/x', ...a }] });
    expect(() => parseBaseline(one({ kind: 'limit_access_mismatch', declared: 'true' }), 'b.json')).toThrow(
      'baseline b.json: accepted[1].declared is "true"; it must be true or false (not a string)',
    );
    expect(() => parseBaseline(one({ kind: 'missing_project_entry', target: 302 }), 'b.json')).toThrow(
      'baseline b.json: accepted[1].target is 302; it must be the target\'s full path, a string',
    );
  });
});

describe('exit codes', () => {
  it('0 in sync, 2 drift, 1 unreadable (errors win over drift)', () => {
    const s = (inSync: number, drifted: number, unreadable: number): DriftReport => ({
      summary: { projects: inSync + drifted + unreadable, inSync, drifted, unreadable, requests: 1 }, projects: [],
    });
    expect(exitCodeFor(s(3, 0, 0))).toBe(0);
    expect(exitCodeFor(s(1, 2, 0))).toBe(2);
    expect(exitCodeFor(s(1, 2, 1))).toBe(1);
    expect(statusOf([])).toBe('in_sync');
  });
});

describe('shards', () => {
  it('parses I/N (1-based) and refuses anything else with the exact words', () => {
    expect(parseShard('2/4')).toEqual({ index: 2, total: 4 });
    expect(() => parseShard('0/4')).toThrow('--shard "0/4": I must be between 1 and N, and N at least 1');
    expect(() => parseShard('5/4')).toThrow('--shard "5/4": I must be between 1 and N, and N at least 1');
    expect(() => parseShard('x')).toThrow('--shard "x" must be I/N, e.g. 2/4 (I from 1 to N, like CI_NODE_INDEX/CI_NODE_TOTAL)');
    expect(shardFromEnv({ CI_NODE_INDEX: '3', CI_NODE_TOTAL: '5' })).toEqual({ index: 3, total: 5 });
    expect(shardFromEnv({})).toBeUndefined();
  });

  it('partitions paths stably and case-insensitively', () => {
    const paths = Array.from({ length: 500 }, (_, i) => `org/team-${i % 7}/project-${i}`);
    const counts = [0, 0, 0, 0];
    for (const p of paths) {
      const owners = [1, 2, 3, 4].filter((i) => inShard(p, { index: i, total: 4 }));
      expect(owners).toHaveLength(1);
      counts[owners[0] - 1]++;
      expect(shardOf(p.toUpperCase(), 4)).toBe(shardOf(p, 4));
    }
    for (const c of counts) expect(c).toBeGreaterThan(80);
    // Stable across runs, machines and versions: FNV-1a of the lower-cased path, pinned here.
    expect(['acme/web/checkout', 'acme/data/etl', 'ACME/Security/Scanner'].map((p) => [shardOf(p, 3), shardOf(p, 4), shardOf(p, 10)]))
      .toEqual([[1, 4, 10], [3, 1, 7], [2, 4, 2]]);
  });
});
