import { startSandbox, Sandbox, SeedFile, validateSeed } from '../../lib/sandbox';
import { GitLabHttp } from '../../lib/gitlab/http';
import { readLiveScopes } from '../../lib/live/reader';
import { isLiveError } from '../../lib/live/types';

const TOKEN = 'glpat-sandbox-ops-readonly-00000000002';

/** 30 origins reached big/target, and two projects that did were deleted since: their rows sort last, on the second page. */
function seed(): SeedFile {
  const origins = Array.from({ length: 30 }, (_, i) => `big/o${String(i).padStart(2, '0')}`);
  return {
    users: [{ username: 'ops' }],
    groups: [{ path: 'big', members: { ops: 'maintainer' } }],
    projects: [
      { path: 'big/target', authLog: [
        ...origins.map((origin) => ({ origin, lastAuthorizedAt: '2026-11-20T00:00:00Z' })),
        { origin: 'big/gone-1', deleted: true, lastAuthorizedAt: '2026-11-01T00:00:00Z' },
        { origin: 'big/gone-2', deleted: true, lastAuthorizedAt: '2026-11-02T00:00:00Z' },
      ] },
      { path: 'big/small', authLog: [{ origin: 'big/gone-3', deleted: true, lastAuthorizedAt: '2026-11-01T00:00:00Z' }] },
      ...origins.map((path) => ({ path })),
    ],
    tokens: [{ token: TOKEN, type: 'personal', user: 'ops', scopes: ['read_api'] }],
  } as SeedFile;
}

describe('auth-log rows whose origin project was deleted', () => {
  let sandbox: Sandbox;
  beforeAll(async () => { sandbox = await startSandbox({ seed: seed(), port: 0 }); });
  afterAll(async () => { await sandbox.stop(); });

  it('the sandbox answers like GitLab: rows of deleted origins are left out, count included, no null row, no error', async () => {
    const ask = async (path: string) => {
      const res = await fetch(`${sandbox.url}/api/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
        body: JSON.stringify({ query: `{ project(fullPath: "${path}") { ciJobTokenAuthLogs { count nodes { originProject { fullPath } lastAuthorizedAt } } } }` }),
      });
      expect(res.status).toBe(200);
      return res.json() as Promise<{ data: { project: { ciJobTokenAuthLogs: { count: number; nodes: unknown[] } } }; errors?: unknown[] }>;
    };
    expect(await ask('big/small')).toEqual({ data: { project: { ciJobTokenAuthLogs: { count: 0, nodes: [] } } } });
    const target = await ask('big/target');
    expect(target.errors).toBeUndefined();
    expect(target.data.project.ciJobTokenAuthLogs.count).toBe(30);
    expect(target.data.project.ciJobTokenAuthLogs.nodes).not.toContain(null);
  });

  it('the live reader lists every existing origin, on every page, and has nothing to count for the deleted ones', async () => {
    const http = new GitLabHttp({ baseUrl: sandbox.url, token: TOKEN });
    const live = await readLiveScopes(http, ['big/target', 'big/small'], { authLog: true });
    const target = live.get('big/target');
    const small = live.get('big/small');
    if (isLiveError(target) || isLiveError(small) || !target || !small) throw new Error('not read');
    expect(target.authLog).toHaveLength(30);
    expect(small.authLog).toEqual([]);
    expect('authLogDeletedOrigins' in target).toBe(false);
  });

  it('the seed says what is wrong with a deleted origin', () => {
    const bad = (entry: Record<string, unknown>) => {
      const s = seed() as unknown as { projects: Array<{ authLog?: unknown[] }> };
      s.projects[1].authLog = [{ lastAuthorizedAt: '2026-11-01T00:00:00Z', ...entry }];
      return () => validateSeed(s);
    };
    expect(bad({ origin: 'big/o01', deleted: true })).toThrow('authLog[0] origin "big/o01" is marked deleted but is a project in the seed');
    expect(bad({ origin: 'big/x', deleted: 'yes' })).toThrow('authLog[0] deleted must be true or false');
    expect(bad({ origin: 'big/x' })).toThrow('authLog[0] origin "big/x" is not a project in the seed');
  });
});
