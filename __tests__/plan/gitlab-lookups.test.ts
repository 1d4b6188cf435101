import { GitLabHttp, NO_RETRY } from '../../lib/gitlab/http';
import { AUTH_LOGS_PER_QUERY, fetchAuthLogs, resolveIdsFromGitLab } from '../../lib/plan/gitlab-lookups';
import { FakeGitLab, startFakeGitLab } from './fake-gitlab';

const TOKEN = 'glpat-lookupstesttoken000000000001';

describe('GitLab lookups', () => {
  let gl: FakeGitLab;
  const paths = Array.from({ length: 7 }, (_, i) => `acme/p${i}`);
  beforeAll(async () => {
    gl = await startFakeGitLab({
      token: TOKEN,
      projects: Object.fromEntries(Array.from({ length: 60 }, (_, i) => [i + 1, `acme/p${i + 1}`])),
      groups: { 5: 'acme' },
      authLogs: Object.fromEntries(paths.map((p, i) => [p, Array.from({ length: i }, (_, j) => ({ origin: `o/${j}`, lastAuthorizedAt: '2026-11-20T00:00:00Z' }))])),
    });
  });
  afterAll(async () => { await gl.stop(); });
  const http = () => new GitLabHttp({ baseUrl: gl.url, token: TOKEN, retry: NO_RETRY });

  it('resolves project ids in batches of at most 50, groups one by one; unknown ids stay unnamed', async () => {
    gl.requests.length = 0;
    const ids = Array.from({ length: 61 }, (_, i) => i + 1);
    const r = await resolveIdsFromGitLab(http(), { projects: ids, groups: [5, 6] });
    expect(r.value.projects.size).toBe(60);
    expect(r.value.projects.get(60)).toEqual({ path: 'acme/p60', source: 'gitlab' });
    expect(r.value.projects.has(61)).toBe(false);
    expect(r.value.groups.get(5)).toEqual({ path: 'acme', source: 'gitlab' });
    expect(r.warnings).toEqual(['GitLab did not name project 61, group 6 (deleted, or not visible to the token); shown as ids']);
    const batches = gl.requests.filter((q) => q.path === '/api/graphql').map((q) => (q.body as { variables: { ids: string[] } }).variables.ids.length);
    expect(batches).toEqual([50, 11]);
  });

  it('reads auth logs a few projects per query and follows pagination per project', async () => {
    gl.requests.length = 0;
    const r = await fetchAuthLogs(http(), paths);
    expect(r.warnings).toEqual([]);
    expect(paths.map((p) => r.value.get(p)?.length)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    const first = gl.requests.filter((q) => q.path === '/api/graphql').slice(0, 2)
      .map((q) => Object.keys((q.body as { variables: object }).variables).filter((k) => k.startsWith('p')).length);
    expect(first).toEqual([AUTH_LOGS_PER_QUERY, paths.length - AUTH_LOGS_PER_QUERY]);
  });

  it('a refused token becomes warnings, with the token masked', async () => {
    const bad = 'glpat-refusedlookuptoken0000000001';
    const r = await fetchAuthLogs(new GitLabHttp({ baseUrl: gl.url, token: bad, retry: NO_RETRY }), ['acme/p1']);
    expect(r.warnings).toEqual(['auth log of acme/p1 unreadable: HTTP 401 (Invalid token)']);
  });
});
