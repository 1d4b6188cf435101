import { startSandbox } from '../../lib/sandbox';
import { RateLimiter, seededRandom, faultDecider } from '../../lib/sandbox/faults';
import { gql, rest, startTestSandbox, TEST_NOW, testSeed, TOK } from './helpers';

describe('stats', () => {
  it('counts HTTP requests, GraphQL queries, REST calls and mutations, served at /-/sandbox/stats without auth', async () => {
    const sb = await startTestSandbox();
    try {
      await gql(sb, '{ currentUser { username } }');
      await gql(sb, 'mutation { projectCiCdSettingsUpdate(input: { fullPath: "acme/web", inboundJobTokenScopeEnabled: true }) { errors } }');
      await rest(sb, 'GET', '/projects/12/job_token_scope');
      await rest(sb, 'PATCH', '/projects/12/job_token_scope', { body: { enabled: true } });
      await rest(sb, 'DELETE', '/projects/12/job_token_scope/allowlist/13');
      const expected = { httpRequests: 5, graphqlQueries: 1, restCalls: 3, mutations: 3, faults: 0, rateLimited: 0, stateCalls: 0 };
      expect(sb.stats()).toEqual(expected);
      const served = await fetch(`${sb.url}/-/sandbox/stats`);
      expect(served.status).toBe(200);
      expect(await served.json()).toEqual(expected);
      expect(sb.stats()).toEqual(expected);
    } finally {
      await sb.stop();
    }
  });
});

describe('rate limit', () => {
  it('answers 429 with Retry-After and RateLimit-* headers after N requests per minute', async () => {
    const sb = await startTestSandbox({ rateLimit: 3 });
    try {
      for (let i = 0; i < 3; i++) expect((await rest(sb, 'GET', '/version')).status).toBe(200);
      const limited = await rest(sb, 'GET', '/version');
      expect(limited.status).toBe(429);
      expect(limited.text).toBe('Retry later\n');
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(limited.headers.get('ratelimit-limit')).toBe('3');
      expect(limited.headers.get('ratelimit-remaining')).toBe('0');
      expect(limited.headers.get('ratelimit-observed')).toBe('4');
      expect(limited.headers.get('ratelimit-reset')).toMatch(/^\d+$/);
      // Another caller has its own budget; the sandbox endpoints are never limited.
      expect((await rest(sb, 'GET', '/version', { token: TOK.dev })).status).toBe(200);
      expect((await fetch(`${sb.url}/-/sandbox/stats`)).status).toBe(200);
      expect(sb.stats().rateLimited).toBe(1);
    } finally {
      await sb.stop();
    }
  });

  it('opens a new window after a minute', () => {
    let now = 0;
    const limiter = new RateLimiter(1, () => now);
    expect(limiter.check('a').allowed).toBe(true);
    expect(limiter.check('a')).toMatchObject({ allowed: false, headers: { 'Retry-After': '60' } });
    now = 59_000;
    expect(limiter.check('a').headers['Retry-After']).toBe('1');
    now = 60_000;
    expect(limiter.check('a').allowed).toBe(true);
  });
});

describe('faults', () => {
  it('are repeatable from a random seed and split between 500s and resets', () => {
    const seq = (seed: number) => { const d = faultDecider(0.3, seededRandom(seed)); return Array.from({ length: 200 }, d); };
    expect(seq(7)).toEqual(seq(7));
    expect(seq(7)).not.toEqual(seq(8));
    const s = seq(7);
    expect(s.filter((f) => f === 'error').length).toBeGreaterThan(10);
    expect(s.filter((f) => f === 'reset').length).toBeGreaterThan(10);
    expect(s.filter((f) => f === 'none').length).toBeGreaterThan(100);
    expect(Array.from({ length: 50 }, faultDecider(0, seededRandom(1)))).toEqual(Array(50).fill('none'));
  });

  it('serve 500s and connection resets, but never on /-/sandbox/ endpoints', async () => {
    const sb = await startSandbox({ seed: testSeed(), now: TEST_NOW, faultRate: 1, randomSeed: 42, latencyMs: 1 });
    try {
      const outcomes: string[] = [];
      for (let i = 0; i < 12; i++) {
        try {
          const r = await fetch(`${sb.url}/api/v4/version`, { headers: { 'PRIVATE-TOKEN': TOK.ops } });
          outcomes.push(String(r.status));
          if (r.status === 500) expect(await r.json()).toEqual({ message: '500 Internal Server Error' });
        } catch {
          outcomes.push('reset');
        }
      }
      expect(outcomes).toContain('500');
      expect(outcomes).toContain('reset');
      expect(outcomes).not.toContain('200');
      for (let i = 0; i < 5; i++) expect((await fetch(`${sb.url}/-/sandbox/stats`)).status).toBe(200);
      expect(sb.stats().faults).toBe(12);
    } finally {
      await sb.stop();
    }
  });
});

describe('scale', () => {
  it('serves 50-project GraphQL reads from a 10,000-project seed', async () => {
    const projects = Array.from({ length: 10_000 }, (_, i) => ({
      path: `bench/g${i % 100}/p${i}`,
      allowlist: { projects: [`bench/g${(i + 1) % 100}/p${(i + 1) % 10_000}`], groups: [`bench/g${(i + 7) % 100}`] },
    }));
    const sb = await startSandbox({ seed: { users: [{ username: 'ops' }], groups: [{ path: 'bench', members: { ops: 'maintainer' } }], projects,
      tokens: [{ token: TOK.ops, type: 'personal', user: 'ops' }] } });
    try {
      const q = `query($paths: [String!]) { projects(fullPaths: $paths, first: 50) { nodes { fullPath ciCdSettings { inboundJobTokenScopeEnabled }
        ciJobTokenScope { inboundAllowlist { nodes { fullPath } } groupsAllowlist { nodes { fullPath } } } } } queryComplexity { score } }`;
      for (let batch = 0; batch < 5; batch++) {
        const paths = Array.from({ length: 50 }, (_, i) => { const n = batch * 2000 + i * 13; return `bench/g${n % 100}/p${n}`; });
        const r = await gql(sb, q, { paths });
        expect(r.body.errors).toBeUndefined();
        expect(r.body.data.projects.nodes).toHaveLength(50);
        expect(r.body.data.projects.nodes[0].ciJobTokenScope.inboundAllowlist.nodes).toHaveLength(2);
      }
      expect(sb.stats().graphqlQueries).toBe(5);
    } finally {
      await sb.stop();
    }
  });
});
