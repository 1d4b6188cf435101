import { parse } from 'graphql';
import { GitLabHttp } from '../../lib/gitlab/http';
import { readLiveScopes, ReadStats } from '../../lib/live/reader';
import { lookupIds } from '../../lib/live/lookup';
import { isLiveError, LiveScope } from '../../lib/live/types';
import { computeComplexity, sandboxSchema, startSandbox, Sandbox } from '../../lib/sandbox';
import { benchOrg, BENCH_TOKEN } from '../../bench/drift/org';

interface Sent { query: string; variables: Record<string, unknown> }

/** A GitLabHttp whose fetch records every GraphQL operation sent, per request. */
function recordingHttp(url: string, token: string, requests: Sent[][], base: typeof fetch = fetch): GitLabHttp {
  const fetchImpl: typeof fetch = async (input, init) => {
    if (String(input).endsWith('/api/graphql') && typeof init?.body === 'string') {
      const body = JSON.parse(init.body);
      requests.push(Array.isArray(body) ? body : [body]);
    }
    return base(input, init);
  };
  return new GitLabHttp({ baseUrl: url, token, fetchImpl, retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 } });
}

describe('batched reading against the sandbox', () => {
  let sandbox: Sandbox;
  const org = benchOrg(300);
  // One project with a long allowlist, to exercise pagination.
  const big = { path: 'org/team-0/svc-big', id: 99_999, visibility: 'private', limitAccess: true,
    allowlist: { projects: Array.from({ length: 150 }, (_, i) => `org/team-${Math.floor(i / 100)}/svc-${i}`), groups: ['org'] } };
  beforeAll(async () => {
    (org.seed.projects as unknown[]).push(big);
    sandbox = await startSandbox({ port: 0, seed: org.seed as never });
  });
  afterAll(async () => { await sandbox.stop(); });

  it('stays under 250 complexity and 10,000 characters per query and per request, 50 paths per query', async () => {
    const requests: Sent[][] = [];
    const http = recordingHttp(sandbox.url, BENCH_TOKEN, requests);
    const paths = (org.seed.projects as Array<{ path: string }>).map((p) => p.path);
    const stats: ReadStats = { httpRequests: 0, graphqlRequests: 0, restRequests: 0, queries: 0, splits: 0 };
    const live = await readLiveScopes(http, paths, { expectedEntries: () => ({ projects: 5, groups: 2 }) }, stats);
    expect(live.size).toBe(301);
    for (const r of live.values()) expect(isLiveError(r)).toBe(false);
    const schema = sandboxSchema();
    for (const req of requests) {
      let total = 0;
      for (const op of req) {
        expect(op.query.length).toBeLessThanOrEqual(10_000);
        const score = computeComplexity(schema, parse(op.query), op.variables);
        expect(score).toBeLessThanOrEqual(250);
        total += score;
        const paths = op.variables.paths as string[] | undefined;
        if (paths) expect(paths.length).toBeLessThanOrEqual(50);
        for (const v of ['n', 'pf', 'gf', 'af']) if (typeof op.variables[v] === 'number') expect(op.variables[v]).toBeLessThanOrEqual(100);
      }
      // GitLab checks a multiplex as a whole: the request stays under the limit too.
      expect(total).toBeLessThanOrEqual(250);
    }
    expect(stats.splits).toBe(0);
    // 301 projects: 7 queries of at most 50 paths, several per request, plus two more pages for the long list.
    expect(stats.queries).toBe(9);
    expect(stats.graphqlRequests).toBeLessThanOrEqual(4);
  });

  it('paginates only the list that needs it, sizing the next page from its count', async () => {
    const requests: Sent[][] = [];
    const http = recordingHttp(sandbox.url, BENCH_TOKEN, requests);
    const live = await readLiveScopes(http, ['org/team-0/svc-big', 'org/team-0/svc-1'], { expectedEntries: () => ({ projects: 5, groups: 1 }) });
    const bigScope = live.get('org/team-0/svc-big') as LiveScope;
    expect(bigScope.projects).toHaveLength(150);
    expect(bigScope.groups.map((g) => g.fullPath)).toEqual(['org']);
    expect((live.get('org/team-0/svc-1') as LiveScope).projects).toHaveLength(5);
    const pages = requests.flat().filter((op) => op.query.includes('TokenscopePage'));
    // First page: 8 entries (5 declared + self + slack). The count (151 with the project itself) sizes the next: 100, then 43.
    expect(pages.map((p) => [p.variables.path, p.variables.n])).toEqual([['org/team-0/svc-big', 100], ['org/team-0/svc-big', 43]]);
  });

  it('resolves paths to ids in batches; unknown paths stay absent', async () => {
    const requests: Sent[][] = [];
    const http = recordingHttp(sandbox.url, BENCH_TOKEN, requests);
    const found = await lookupIds(http, ['org/team-0/svc-1', 'ORG/team-0/svc-2', 'org/nope'], ['org', 'org/team-1', 'org/ghost']);
    expect(found.projects.get('org/team-0/svc-1')).toEqual({ id: 10_001, fullPath: 'org/team-0/svc-1' });
    expect(found.projects.get('org/team-0/svc-2')?.id).toBe(10_002);
    expect(found.projects.has('org/nope')).toBe(false);
    expect(found.groups.get('org/team-1')?.id).toBe(101);
    expect(found.groups.has('org/ghost')).toBe(false);
    expect(requests).toHaveLength(1);
  });
});

describe('splitting when GitLab refuses a batch', () => {
  /** A fake GitLab: refuses queries with more than 10 paths (complexity) and multiplexes of more than 2 (size). */
  function fakeGitLab(seen: Array<{ ops: number; paths: number[] }>): typeof fetch {
    return async (_input, init) => {
      const body = JSON.parse(String(init?.body));
      const ops: Array<{ variables: { paths?: string[] } }> = Array.isArray(body) ? body : [body];
      seen.push({ ops: ops.length, paths: ops.map((o) => o.variables.paths?.length ?? 0) });
      if (ops.length > 2) return new Response(JSON.stringify({ errors: [{ message: 'Query too large' }] }), { status: 422, headers: { 'content-type': 'application/json' } });
      const results = ops.map((op) => {
        const paths = op.variables.paths ?? [];
        if (paths.length > 10) return { errors: [{ message: `Query has complexity of ${paths.length * 30}, which exceeds max complexity of 250` }] };
        return { data: { projects: { pageInfo: { hasNextPage: false, endCursor: null }, nodes: paths.map((p, i) => ({
          id: `gid://gitlab/Project/${i + 1}`, fullPath: p, ciCdSettings: { inboundJobTokenScopeEnabled: true },
          ciJobTokenScope: {
            inboundAllowlistCount: 1, groupsAllowlistCount: 0, inboundAllowlistAutopopulatedIds: [], groupAllowlistAutopopulatedIds: [],
            inboundAllowlist: { nodes: [{ id: 'gid://gitlab/Project/9999', fullPath: 'x/shared' }], pageInfo: { hasNextPage: false, endCursor: null } },
            groupsAllowlist: { nodes: [], pageInfo: { hasNextPage: false, endCursor: null } },
          },
        })) } } };
      });
      return new Response(JSON.stringify(Array.isArray(body) ? results : results[0]), { status: 200, headers: { 'content-type': 'application/json' } });
    };
  }

  it('halves refused queries and shrinks refused requests until everything is read', async () => {
    const seen: Array<{ ops: number; paths: number[] }> = [];
    const http = new GitLabHttp({ baseUrl: 'http://gitlab.test', token: 'glpat-x', fetchImpl: fakeGitLab(seen) });
    const paths = Array.from({ length: 120 }, (_, i) => `g/p${i}`);
    const stats: ReadStats = { httpRequests: 0, graphqlRequests: 0, restRequests: 0, queries: 0, splits: 0 };
    const live = await readLiveScopes(http, paths, { limits: { maxComplexity: 100_000 } }, stats);
    expect([...live.values()].filter(isLiveError)).toEqual([]);
    expect((live.get('g/p77') as LiveScope).projects.map((p) => p.fullPath)).toEqual(['x/shared']);
    expect(stats.splits).toBeGreaterThan(0);
    // Once it learnt, requests hold at most 2 queries of at most 10 paths.
    const last = seen.slice(-3);
    for (const s of last) { expect(s.ops).toBeLessThanOrEqual(2); for (const n of s.paths) expect(n).toBeLessThanOrEqual(10); }
  });

  it('marks projects unreadable (never in sync) when a query cannot be split further', async () => {
    const fetchImpl: typeof fetch = async () => new Response(JSON.stringify({ errors: [{ message: 'Query has complexity of 900, which exceeds max complexity of 250' }] }), { status: 200, headers: { 'content-type': 'application/json' } });
    const http = new GitLabHttp({ baseUrl: 'http://gitlab.test', token: 'glpat-x', fetchImpl });
    const live = await readLiveScopes(http, ['a/b', 'a/c']);
    expect(live.get('a/b')).toEqual({ error: 'error', message: 'GitLab refused the query: Query has complexity of 900, which exceeds max complexity of 250' });
    expect(isLiveError(live.get('a/c'))).toBe(true);
  });

  it('stops everything when GitLab answers 401 Invalid token', async () => {
    const fetchImpl: typeof fetch = async () => new Response(JSON.stringify({ errors: [{ message: 'Invalid token' }] }), { status: 401, headers: { 'content-type': 'application/json' } });
    const http = new GitLabHttp({ baseUrl: 'http://gitlab.test', token: 'glpat-x', fetchImpl });
    await expect(readLiveScopes(http, ['a/b'])).rejects.toThrow(
      'GitLab refused the token (HTTP 401: Invalid token). tokenscope needs a personal, project or group access token with read_api and the Maintainer role on the projects; CI/CD job tokens are not accepted by GraphQL.',
    );
  });
});
