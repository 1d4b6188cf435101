import { GitLabHttp, NO_RETRY } from '../../lib/gitlab/http';
import { fetchAuthLogs, resolveIdsFromGitLab } from '../../lib/plan/gitlab-lookups';
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

  it('resolves ids through the shared lookup, 50 per query; unknown ids stay unnamed', async () => {
    gl.requests.length = 0;
    const ids = Array.from({ length: 61 }, (_, i) => i + 1);
    const r = await resolveIdsFromGitLab(http(), { projects: ids, groups: [5, 6] });
    expect(r.value.projects.size).toBe(60);
    expect(r.value.projects.get(60)).toEqual({ path: 'acme/p60', source: 'gitlab' });
    expect(r.value.projects.has(61)).toBe(false);
    expect(r.value.groups.get(5)).toEqual({ path: 'acme', source: 'gitlab' });
    expect(r.warnings).toEqual(['GitLab did not name project 61, group 6 (deleted, or not visible to the token); shown as ids']);
    const ops = gl.requests.filter((q) => q.path === '/api/graphql').flatMap((q) => ([] as Array<{ variables: { ids: string[] } }>).concat(q.body as never));
    expect(ops.map((o) => o.variables.ids.length).sort((a, b) => b - a)).toEqual([50, 11, 2]);
  });

  it('reads every page of every auth log', async () => {
    const r = await fetchAuthLogs(http(), paths);
    expect(r.warnings).toEqual([]);
    expect(paths.map((p) => r.value.get(p)?.length)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(r.value.get('acme/p6')?.map((e) => e.origin)).toEqual(['o/0', 'o/1', 'o/2', 'o/3', 'o/4', 'o/5']);
  });

  it('a refused token becomes warnings, with the token masked', async () => {
    const bad = 'glpat-refusedlookuptoken0000000001';
    const r = await fetchAuthLogs(new GitLabHttp({ baseUrl: gl.url, token: bad, retry: NO_RETRY }), ['acme/p1']);
    expect(r.warnings).toEqual([
      'auth log of acme/p1 unreadable: GitLab refused the token (HTTP 401: Invalid token). tokenscope needs a personal, project or group access token ' +
        'with read_api and the Maintainer role on the projects; CI/CD job tokens are not accepted by GraphQL.',
    ]);
    expect(r.warnings.join('')).not.toContain(bad);
  });
});
