import { GitLabHttp } from '../../lib/gitlab/http';
import { readLiveScopes, ReadStats } from '../../lib/live/reader';
import { isLiveError, LiveScope } from '../../lib/live/types';
import { startSandbox, Sandbox, SeedFile } from '../../lib/sandbox';

const TOKEN = 'glpat-sandbox-ops-readonly-00000000002';
const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

/** GitLab's answer to one scopes query: every path found, allowlist on, one project entry. */
function scopesAnswer(paths: string[]) {
  return { data: { projects: { pageInfo: { hasNextPage: false, endCursor: null }, nodes: paths.map((p, i) => ({
    id: `gid://gitlab/Project/${i + 1}`, fullPath: p, ciCdSettings: { inboundJobTokenScopeEnabled: true },
    ciJobTokenScope: {
      inboundAllowlistCount: 2, groupsAllowlistCount: 0, inboundAllowlistAutopopulatedIds: [], groupAllowlistAutopopulatedIds: [],
      inboundAllowlist: { nodes: [{ id: `gid://gitlab/Project/${i + 1}`, fullPath: p }, { id: 'gid://gitlab/Project/9999', fullPath: 'x/shared' }],
        pageInfo: { hasNextPage: false, endCursor: null } },
      groupsAllowlist: { nodes: [], pageInfo: { hasNextPage: false, endCursor: null } },
    },
  })) } } };
}

type Op = { query: string; variables: { paths?: string[] } };
const opsOf = (init?: RequestInit): Op[] => { const b = JSON.parse(String(init?.body)); return Array.isArray(b) ? b : [b]; };
const answer = (init: RequestInit | undefined) => {
  const b = JSON.parse(String(init?.body));
  const results = opsOf(init).map((op) => scopesAnswer(op.variables.paths ?? []));
  return json(Array.isArray(b) ? results : results[0]);
};

describe('live reader under faults', () => {
  it('waits out 429 (Retry-After, then RateLimit-Reset), retries 502 and a reset connection, and reads the project', async () => {
    const waits: number[] = [];
    let calls = 0;
    const resetAt = Math.ceil(Date.now() / 1000) + 5;
    const fetchImpl: typeof fetch = async (_input, init) => {
      calls++;
      if (calls === 1) return json({ message: '429 Too Many Requests' }, 429, { 'retry-after': '7' });
      if (calls === 2) return json({ message: '429 Too Many Requests' }, 429, { 'ratelimit-reset': String(resetAt) });
      if (calls === 3) return new Response('<html>502 Bad Gateway</html>', { status: 502 });
      if (calls === 4) throw new TypeError('fetch failed', { cause: { code: 'ECONNRESET' } });
      return answer(init);
    };
    const http = new GitLabHttp({ baseUrl: 'http://gitlab.test', token: TOKEN, fetchImpl, sleep: async (ms) => { waits.push(ms); }, random: () => 0.5 });
    const stats: ReadStats = { httpRequests: 0, graphqlRequests: 0, restRequests: 0, queries: 0, splits: 0 };
    const live = await readLiveScopes(http, ['acme/web'], {}, stats);
    expect(live.get('acme/web')).toEqual({
      fullPath: 'acme/web', id: 1, inboundJobTokenScopeEnabled: true,
      projects: [{ fullPath: 'x/shared', id: 9999, autopopulated: false }], groups: [],
    });
    expect(calls).toBe(5);
    expect(stats).toMatchObject({ httpRequests: 5, graphqlRequests: 1 });
    expect(waits).toHaveLength(4);
    expect(waits[0]).toBe(7000);
    // RateLimit-Reset is an epoch second: the wait runs to it.
    expect(waits[1]).toBeGreaterThan(4000);
    expect(waits[1]).toBeLessThanOrEqual(6000);
    // Attempts 3 and 4: exponential backoff (200 ms doubling: 800, 1600) with jitter (random 0.5: 3/4 of the step).
    expect(waits.slice(2)).toEqual([600, 1200]);
  });

  it('after the last attempt the project is unreadable with what GitLab said, never in sync', async () => {
    let calls = 0;
    const fetchImpl: typeof fetch = async () => { calls++; return json({ message: '500 Internal Server Error' }, 500); };
    const http = new GitLabHttp({ baseUrl: 'http://gitlab.test', token: TOKEN, fetchImpl, sleep: async () => undefined });
    const live = await readLiveScopes(http, ['acme/web']);
    expect(calls).toBe(5);
    expect(live.get('acme/web')).toEqual({ error: 'error', message: 'GitLab answered HTTP 500: 500 Internal Server Error' });
  });

  it("splits a batch GitLab's 30 s timeout refused (HTTP 503 Request timed out) and goes on", async () => {
    const sizes: number[] = [];
    const read: number[] = [];
    const fetchImpl: typeof fetch = async (_input, init) => {
      const ops = opsOf(init);
      sizes.push(...ops.map((o) => o.variables.paths?.length ?? 0));
      if (ops.reduce((n, o) => n + (o.variables.paths?.length ?? 0), 0) > 10) {
        return json({ errors: [{ message: 'Request timed out. Please try a less complex query or a smaller set of records.' }] }, 503);
      }
      read.push(...ops.map((o) => o.variables.paths?.length ?? 0));
      return answer(init);
    };
    const http = new GitLabHttp({ baseUrl: 'http://gitlab.test', token: TOKEN, fetchImpl, sleep: async () => undefined });
    const paths = Array.from({ length: 40 }, (_, i) => `g/p${i}`);
    const live = await readLiveScopes(http, paths, { concurrency: 1 });
    expect([...live.values()].filter(isLiveError)).toEqual([]);
    expect((live.get('g/p39') as LiveScope).projects.map((p) => p.fullPath)).toEqual(['x/shared']);
    // A timeout is not retried as is (it would time out again): the batch of 40 is halved at once until GitLab answers.
    expect(sizes.filter((n) => n === 40)).toEqual([40]);
    expect(sizes.every((n) => n === 40 || n === 20 || n === 10)).toBe(true);
    expect(read).toEqual([10, 10, 10, 10]);
  });
});

describe('the effective toggle (REST inbound_enabled) of projects whose own toggle is off', () => {
  const offAnswer = (init?: RequestInit) => {
    const body = scopesAnswer(opsOf(init)[0].variables.paths ?? []);
    for (const n of body.data.projects.nodes) n.ciCdSettings.inboundJobTokenScopeEnabled = false;
    return json(body);
  };
  const reader = (rest: () => Response) => {
    const seen: string[] = [];
    const fetchImpl: typeof fetch = async (input, init) => {
      const url = new URL(String(input));
      seen.push(`${init?.method} ${url.pathname}`);
      return url.pathname === '/api/graphql' ? offAnswer(init) : rest();
    };
    return { seen, http: new GitLabHttp({ baseUrl: 'http://gitlab.test', token: TOKEN, fetchImpl, sleep: async () => undefined }) };
  };

  it('reads it for those projects only', async () => {
    const { seen, http } = reader(() => json({ inbound_enabled: true, outbound_enabled: false }));
    const live = await readLiveScopes(http, ['acme/web'], { effective: true });
    expect(live.get('acme/web')).toMatchObject({ inboundJobTokenScopeEnabled: false, effectiveInboundEnabled: true });
    expect(seen).toEqual(['POST /api/graphql', 'GET /api/v4/projects/1/job_token_scope']);
  });

  it('unanswered, the project is not read (never reported open, never in sync)', async () => {
    const { http } = reader(() => json({ message: '403 Forbidden' }, 403));
    const live = await readLiveScopes(http, ['acme/web'], { effective: true });
    expect(live.get('acme/web')).toEqual({
      error: 'error',
      message: 'could not read whether the instance enforces the allowlist of acme/web (GET /api/v4/projects/1/job_token_scope: HTTP 403: 403 Forbidden)',
    });
  });
});

describe('live reader request size', () => {
  it('keeps every multiplexed request under 10,000 characters of query text, even when complexity would allow more', async () => {
    const requests: Op[][] = [];
    const fetchImpl: typeof fetch = async (_input, init) => { requests.push(opsOf(init)); return answer(init); };
    const http = new GitLabHttp({ baseUrl: 'http://gitlab.test', token: TOKEN, fetchImpl });
    const paths = Array.from({ length: 1000 }, (_, i) => `g/p${i}`);
    const stats: ReadStats = { httpRequests: 0, graphqlRequests: 0, restRequests: 0, queries: 0, splits: 0 };
    const live = await readLiveScopes(http, paths, { limits: { maxComplexity: 1_000_000 } }, stats);
    expect([...live.values()].filter(isLiveError)).toEqual([]);
    // 20 queries of 50 paths: all 20 would fit one request by count and complexity, but not by size.
    expect(stats.queries).toBe(20);
    expect(stats.splits).toBe(0);
    expect(requests.length).toBeGreaterThan(1);
    for (const req of requests) {
      expect(req.reduce((n, op) => n + op.query.length, 0)).toBeLessThanOrEqual(10_000);
      for (const op of req) expect(op.variables.paths?.length).toBeLessThanOrEqual(50);
    }
  });
});

describe('auth-log rows whose origin project was deleted', () => {
  let sandbox: Sandbox;
  const origins = Array.from({ length: 30 }, (_, i) => `big/o${String(i).padStart(2, '0')}`);
  beforeAll(async () => {
    const seed = {
      users: [{ username: 'ops' }],
      groups: [{ path: 'big', members: { ops: 'maintainer' } }],
      projects: [
        // 30 live origins fill the first page (20): the deleted rows sort last, on the second.
        { path: 'big/target', authLog: [
          ...origins.map((origin) => ({ origin, lastAuthorizedAt: '2026-11-20T00:00:00Z' })),
          { origin: 'big/gone-1', deleted: true, lastAuthorizedAt: '2026-11-01T00:00:00Z' },
          { origin: 'big/gone-2', deleted: true, lastAuthorizedAt: '2026-11-02T00:00:00Z' },
        ] },
        { path: 'big/small', authLog: [{ origin: 'big/gone-3', deleted: true, lastAuthorizedAt: '2026-11-01T00:00:00Z' }] },
        { path: 'big/quiet' },
        ...origins.map((path) => ({ path })),
      ],
      tokens: [{ token: TOKEN, type: 'personal', user: 'ops', scopes: ['read_api'] }],
    } as SeedFile;
    sandbox = await startSandbox({ seed, port: 0 });
  });
  afterAll(async () => { await sandbox.stop(); });

  it('are not in GitLab\'s log (with_existing_origin_projects): the rest of the log is read on every page, nothing is counted', async () => {
    const http = new GitLabHttp({ baseUrl: sandbox.url, token: TOKEN });
    const live = await readLiveScopes(http, ['big/target', 'big/small', 'big/quiet'], { authLog: true });
    const [target, small, quiet] = ['big/target', 'big/small', 'big/quiet'].map((p) => live.get(p) as LiveScope);
    expect(target.authLog?.map((e) => e.fullPath)).toEqual(origins);
    expect(small.authLog).toEqual([]);
    expect(quiet.authLog).toEqual([]);
    expect(Object.keys(target)).not.toContain('authLogDeletedOrigins');
  });
});

describe('live reader: a null authentication log', () => {
  const withLog = (errors: unknown[]) => async (_input: unknown, init?: RequestInit) => {
    const b = JSON.parse(String(init?.body));
    const results = opsOf(init).map((op) => {
      const a = scopesAnswer(op.variables.paths ?? []);
      for (const n of a.data.projects.nodes as Array<Record<string, unknown>>) n.ciJobTokenAuthLogs = null;
      return { ...a, errors };
    });
    return json(Array.isArray(b) ? results : results[0]);
  };
  const read = async (errors: unknown[]) => {
    const http = new GitLabHttp({ baseUrl: 'http://gitlab.test', token: TOKEN, fetchImpl: withLog(errors) as typeof fetch });
    return (await readLiveScopes(http, ['acme/web'], { authLog: true })).get('acme/web');
  };

  it("is permission_denied when GitLab says so", async () => {
    const r = await read([{ message: "The resource that you are attempting to access does not exist or you don't have permission to perform this action",
      path: ['projects', 'nodes', 0, 'ciJobTokenAuthLogs'] }]);
    expect(r).toEqual({ error: 'permission_denied', message: 'the token may not read the job-token settings of acme/web; it needs the Maintainer role on the project' });
  });

  it("keeps GitLab's own words for any other failure", async () => {
    const r = await read([{ message: 'Cannot return null for non-nullable field CiJobTokenAuthLog.originProject.', path: ['projects', 'nodes', 0, 'ciJobTokenAuthLogs'] }]);
    expect(r).toEqual({ error: 'error', message: 'reading the authentication log of acme/web: Cannot return null for non-nullable field CiJobTokenAuthLog.originProject.' });
  });
});

describe('live reader on a GitLab whose schema lacks a field', () => {
  it('stops once with the version it needs, instead of reporting every project unreadable', async () => {
    let calls = 0;
    const fetchImpl = (async () => {
      calls++;
      return json({ errors: [{ message: "Field 'ciJobTokenAuthLogs' doesn't exist on type 'Project'", locations: [{ line: 3, column: 5 }] }] });
    }) as unknown as typeof fetch;
    const http = new GitLabHttp({ baseUrl: 'http://gitlab.test', token: TOKEN, fetchImpl });
    await expect(readLiveScopes(http, ['acme/web', 'acme/api'], { authLog: true, concurrency: 1 })).rejects.toThrow(
      "GitLab's GraphQL schema has no field tokenscope asked for (Field 'ciJobTokenAuthLogs' doesn't exist on type 'Project'); " +
        'the job-token authentication log (Project.ciJobTokenAuthLogs) needs GitLab 17.6 or later: run without --auth-log',
    );
    expect(calls).toBe(1);
  });
});
