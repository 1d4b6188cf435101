import { parse } from 'graphql';
import { GitLabHttp } from '../../lib/gitlab/http';
import { runReach } from '../../lib/reach';
import { computeComplexity, sandboxSchema, startSandbox, Sandbox } from '../../lib/sandbox';
import { reachOrg, REACH_BENCH_TOKEN } from '../../bench/reach/org';

interface Sent { method: string; path: string; ops: Array<{ query: string; variables: Record<string, unknown> }> }

/** A GitLabHttp whose fetch records every request (and every GraphQL operation in it). */
function recording(url: string, token: string, sent: Sent[]): GitLabHttp {
  const fetchImpl: typeof fetch = async (input, init) => {
    const body = typeof init?.body === 'string' ? JSON.parse(init.body) : undefined;
    sent.push({ method: init?.method ?? 'GET', path: new URL(String(input)).pathname, ops: body ? (Array.isArray(body) ? body : [body]) : [] });
    return fetch(input, init);
  };
  return new GitLabHttp({ baseUrl: url, token, auth: 'private-token', fetchImpl });
}

/** Every request within GitLab's limits: 250 complexity and 10,000 characters for the whole multiplex, 50 paths a query, 100 a page. */
function expectWithinLimits(sent: Sent[]): void {
  const schema = sandboxSchema();
  for (const req of sent) {
    let total = 0;
    let chars = 0;
    for (const op of req.ops) {
      total += computeComplexity(schema, parse(op.query), op.variables);
      chars += op.query.length;
      const paths = op.variables.paths as unknown[] | undefined;
      if (paths) expect(paths.length).toBeLessThanOrEqual(50);
      for (const v of ['n', 'pf', 'gf']) if (typeof op.variables[v] === 'number') expect(op.variables[v]).toBeLessThanOrEqual(100);
    }
    expect(total).toBeLessThanOrEqual(250);
    expect(chars).toBeLessThanOrEqual(10_000);
  }
}

describe('reach reads GitLab in a few batched requests, and never writes', () => {
  it('the acme demo org: 4 requests (listing, scopes, permissions, one enforcement probe)', async () => {
    const sb = await startSandbox({ port: 0 });
    try {
      const sent: Sent[] = [];
      const http = recording(sb.url, 'glpat-sandbox-ops-readonly-00000000002', sent);
      const { report } = await runReach({ http, group: 'acme', includeSubgroups: true });
      expect(report.summary.projects).toBe(11);
      expect(sent.map((s) => `${s.method} ${s.path} ${s.ops.map((o) => /query (\w+)/.exec(o.query)?.[1]).join('+')}`)).toEqual([
        'POST /api/graphql TokenscopeGroupsProjects',
        'POST /api/graphql TokenscopeScopes',
        'POST /api/graphql TokenscopePolicies',
        'GET /api/v4/projects/401/job_token_scope ',
      ]);
      expect(report.summary.requests).toBe(4);
      expectWithinLimits(sent);
      expect(sb.stats().mutations).toBe(0);
    } finally {
      await sb.stop();
    }
  });

  describe('a generated org of 1,000 projects (5 project and 2 group entries each)', () => {
    let sb: Sandbox;
    const org = reachOrg(1000);
    beforeAll(async () => { sb = await startSandbox({ port: 0, seed: org.seed as never }); });
    afterAll(async () => { await sb.stop(); });

    it('--group: 19 requests (10 listing pages, 4 of scopes and 4 of permissions, 250 projects each, 1 probe)', async () => {
      const sent: Sent[] = [];
      const http = recording(sb.url, REACH_BENCH_TOKEN, sent);
      const { report } = await runReach({ http, group: 'org', includeSubgroups: true });
      expect(report.summary).toMatchObject({ projects: 1000, unreadable: 0, origins: 0 });
      const kinds = sent.map((s) => s.ops.map((o) => /query (\w+)/.exec(o.query)?.[1]).join('+') || `${s.method} rest`);
      expect(kinds.filter((k) => k.startsWith('TokenscopeGroup'))).toHaveLength(10);
      expect(kinds.filter((k) => k === Array(5).fill('TokenscopeScopes').join('+'))).toHaveLength(4);
      expect(kinds.filter((k) => k === Array(5).fill('TokenscopePolicies').join('+'))).toHaveLength(4);
      expect(kinds.filter((k) => k === 'GET rest')).toHaveLength(1);
      expect(sent).toHaveLength(19);
      expect(report.summary.requests).toBe(19);
      expectWithinLimits(sent);
      expect(report.findings.filter((f) => f.kind === 'open_project')).toHaveLength(org.open);
      expect(sb.stats().mutations).toBe(0);
    });

    it('--synth-dir style (a list of projects): group entries expanded through GitLab, as many groups a query as GitLab\'s complexity allows', async () => {
      const sent: Sent[] = [];
      const http = recording(sb.url, REACH_BENCH_TOKEN, sent);
      const paths = (org.seed.projects as Array<{ path: string }>).map((p) => p.path);
      const { readLiveReach } = await import('../../lib/reach');
      const input = await readLiveReach({ http, projects: paths });
      expect(input.groups.size).toBe(org.teams + 1);
      expect([...input.groups.values()].every((g) => g.source === 'gitlab' && !g.error)).toBe(true);
      expect(input.groups.get('org')?.projects).toHaveLength(1000);
      // 20 scope and 20 permission queries at 5 a request (8), the probe (1), the 41 groups about 5 a query
      // under GitLab's complexity rules (Group.projects costs 10 more: 9 queries in 8 requests), and 9 more
      // pages of org's 1,000 projects.
      const groupRequests = sent.filter((r) => r.ops.length > 0 && r.ops.every((o) => /query TokenscopeGroupsProjects/.test(o.query)));
      expect(groupRequests).toHaveLength(8);
      expect(sent).toHaveLength(26);
      expectWithinLimits(sent);
      expect(sb.stats().mutations).toBe(0);
    });
  });
});
