import { parse } from 'graphql';
import { GitLabHttp } from '../../lib/gitlab/http';
import { estimateComplexity } from '../../lib/live/complexity';
import { QueryUnit, runUnits } from '../../lib/live/engine';
import { GITLAB_LIMITS } from '../../lib/live/types';
import { readLiveScopes, ReadStats } from '../../lib/live/reader';
import { groupIdsQuery, groupPathsQuery, pageQuery, projectIdsQuery, projectPathsQuery, scopesQuery } from '../../lib/live/scope-query';
import { isLiveError } from '../../lib/live/types';
import { POLICIES_QUERY, policiesPageQuery } from '../../lib/policies/live';
import { computeComplexity, sandboxSchema, startSandbox, Sandbox, SeedFile } from '../../lib/sandbox';

/** Every query tokenscope's readers send, with variables as they send them. */
const QUERIES: Array<[string, string, Record<string, unknown>]> = [
  ['scopes', scopesQuery(false), { paths: ['a/b'], n: 50, after: null, pf: 8, gf: 3 }],
  ['scopes + auth log', scopesQuery(true), { paths: ['a/b'], n: 17, after: null, pf: 100, gf: 100, af: 20 }],
  ['next page of inboundAllowlist', pageQuery('inboundAllowlist'), { path: 'a/b', n: 100, after: 'x' }],
  ['next page of groupsAllowlist', pageQuery('groupsAllowlist'), { path: 'a/b', n: 43, after: 'x' }],
  ['next page of the auth log', pageQuery('ciJobTokenAuthLogs'), { path: 'a/b', n: 100, after: 'x' }],
  ['project ids', projectIdsQuery(), { paths: ['a/b'], n: 50, after: null }],
  ['group ids', groupIdsQuery(12), Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`g${i}`, `g/${i}`]))],
  ['project paths', projectPathsQuery(), { ids: ['gid://gitlab/Project/1'], n: 50, after: null }],
  // GroupsResolver sorts by name by default: +1 the old estimate missed.
  ['group paths', groupPathsQuery(), { ids: ['gid://gitlab/Group/1'], n: 50, after: null }],
  ['policies', POLICIES_QUERY, { paths: ['a/b'], n: 50, after: null, pf: 12, gf: 4 }],
  ['policies page', policiesPageQuery('projectsAllowlist'), { path: 'a/b', n: 100, after: 'x' }],
];

describe('the readers\' complexity estimate follows GitLab\'s rule', () => {
  const schema = sandboxSchema();
  it.each(QUERIES)('%s: the estimate is the score GitLab computes', (_name, query, variables) => {
    expect(estimateComplexity(query, variables)).toBe(computeComplexity(schema, parse(query), variables));
  });

  it('prices groups(ids:) with the default sort and 1% per item', () => {
    // nodes { id fullPath } 3 + pageInfo 3 + resolver 1 + sort 1 = 8; 50 items: 8 + 4
    expect(estimateComplexity(groupPathsQuery(), { ids: [], n: 50, after: null })).toBe(12);
  });
});

describe('split and retry against a sandbox stricter than GitLab (--max-complexity)', () => {
  const TOKEN = 'glpat-strict-sandbox-reader-0001';
  const paths = Array.from({ length: 60 }, (_, i) => `org/p${String(i).padStart(2, '0')}`);
  const seed: SeedFile = {
    instance: { version: '18.6.0', now: '2026-11-23T12:00:00Z' },
    users: [{ username: 'ops' }],
    groups: [{ path: 'org', members: { ops: 'maintainer' } }],
    projects: paths.map((path) => ({ path, allowlist: { projects: [path === 'org/p00' ? 'org/p01' : 'org/p00'] } })),
    tokens: [{ token: TOKEN, type: 'personal', user: 'ops', scopes: ['read_api'] }],
  };
  let sandbox: Sandbox;
  beforeAll(async () => { sandbox = await startSandbox({ seed, maxComplexity: 40 }); });
  afterAll(async () => { await sandbox.stop(); });

  it('the sandbox refuses what GitLab would accept, with GitLab\'s words and its own limit', async () => {
    const res = await fetch(`${sandbox.url}/api/graphql`, {
      method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ query: scopesQuery(false), variables: { paths, n: 50, after: null, pf: 3, gf: 2 } }),
    });
    expect(await res.json()).toEqual({ errors: [{ message: 'Query has complexity of 45, which exceeds max complexity of 40' }] });
  });

  it('the reader splits the refused batches, learns the limit, and reads every project', async () => {
    const sent: number[][] = [];
    const schema = sandboxSchema();
    const fetchImpl: typeof fetch = async (input, init) => {
      const body = JSON.parse(String(init?.body));
      sent.push((Array.isArray(body) ? body : [body]).map((op: { query: string; variables: Record<string, unknown> }) => computeComplexity(schema, parse(op.query), op.variables)));
      return fetch(input, init);
    };
    const http = new GitLabHttp({ baseUrl: sandbox.url, token: TOKEN, fetchImpl });
    const stats: ReadStats = { httpRequests: 0, graphqlRequests: 0, restRequests: 0, queries: 0, splits: 0 };
    const live = await readLiveScopes(http, paths, { expectedEntries: () => ({ projects: 1, groups: 0 }) }, stats);
    expect([...live.values()].filter(isLiveError)).toEqual([]);
    expect(live.size).toBe(60);
    expect(stats.splits).toBeGreaterThan(0);
    // After the first refusal named the limit, no request went over it.
    const firstOk = sent.findIndex((req) => req.reduce((a, b) => a + b, 0) <= 40);
    for (const req of sent.slice(firstOk)) expect(req.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(40);
  });
});

describe('the engine believes GitLab\'s queryComplexity over its own estimate', () => {
  it('a higher score scales the estimates up and a lower limit becomes the budget, before anything is refused', async () => {
    const sizes: number[] = [];
    const fetchImpl: typeof fetch = async (_input, init) => {
      const body = JSON.parse(String(init?.body));
      const ops = Array.isArray(body) ? body : [body];
      sizes.push(ops.length);
      const results = ops.map(() => ({ data: { queryComplexity: { score: 30, limit: 50 } } }));
      return new Response(JSON.stringify(Array.isArray(body) ? results : results[0]), { status: 200, headers: { 'content-type': 'application/json' } });
    };
    const http = new GitLabHttp({ baseUrl: 'http://gitlab.test', token: 'glpat-x', fetchImpl });
    let handled = 0;
    const unit = (): QueryUnit => ({
      query: '{ queryComplexity { score limit } }', variables: {}, cost: 20,
      handle: () => { handled++; }, split: () => undefined, fail: () => { throw new Error('no failure expected'); },
    });
    const stats = await runUnits(http, Array.from({ length: 20 }, unit), { concurrency: 1, limits: GITLAB_LIMITS });
    expect(handled).toBe(20);
    expect(stats.splits).toBe(0);
    // First request: 12 units of 20 under 250. Then each unit counts 30 (GitLab's score) against GitLab's 50: one per request.
    expect(sizes[0]).toBe(12);
    expect(sizes.slice(1)).toEqual(Array(8).fill(1));
  });
});
