import { GitLabHttp } from '../../lib/gitlab/http';
import { readLivePolicies } from '../../lib/policies/live';
import { startSandbox } from '../../lib/sandbox';
import type { Sandbox, SeedFile } from '../../lib/sandbox';

const TOKEN = 'glpat-policies-live-read-0000001';

/** 60 projects with 2 entries each, one with 150 project entries (pagination), one the token cannot administer. */
function seed(): SeedFile {
  const many = Array.from({ length: 150 }, (_, i) => `acme/t/p${i}`);
  const projects: NonNullable<SeedFile['projects']> = [
    { path: 'acme/big', allowlist: { projects: many.map((p, i) => (i % 2 ? p : { path: p, defaultPermissions: false, jobTokenPolicies: ['READ_JOBS'] })) } },
    ...Array.from({ length: 60 }, (_, i) => ({
      path: `acme/s/p${i}`,
      allowlist: { projects: ['acme/t/p0'], groups: [{ path: 'acme/t', defaultPermissions: false, jobTokenPolicies: ['ADMIN_PACKAGES', 'READ_JOBS'] }] },
    })),
    ...many.map((path) => ({ path })),
    { path: 'other/secret', allowlist: { projects: ['acme/t/p1'] } },
  ];
  return {
    instance: { version: '18.6.0' },
    users: [{ username: 'ops' }, { username: 'boss' }],
    groups: [
      { path: 'acme', members: { ops: 'maintainer' } }, { path: 'acme/t' }, { path: 'acme/s' },
      { path: 'other', members: { ops: 'developer', boss: 'maintainer' } },
    ],
    projects,
    tokens: [{ token: TOKEN, type: 'personal', user: 'ops', scopes: ['read_api'] }],
  };
}

describe('readLivePolicies against the sandbox', () => {
  let sandbox: Sandbox;
  beforeAll(async () => { sandbox = await startSandbox({ seed: seed(), port: 0 }); });
  afterAll(async () => { await sandbox.stop(); });

  test('batches many projects, pages long lists, reports unreadable projects', async () => {
    const http = new GitLabHttp({ baseUrl: sandbox.url, token: TOKEN });
    const paths = ['acme/big', ...Array.from({ length: 60 }, (_, i) => `acme/s/p${i}`), 'other/secret', 'acme/nope'];
    const stats = { graphqlRequests: 0, queries: 0 };
    const live = await readLivePolicies(http, paths, {}, stats);

    const big = live.get('acme/big');
    expect(big && 'entries' in big ? big.entries.length : big).toBe(150);
    if (big && 'entries' in big) {
      expect(big.entries.find((e) => e.target === 'acme/t/p0')?.permissions).toEqual({ defaultPermissions: false, policies: ['READ_JOBS'] });
      expect(big.entries.find((e) => e.target === 'acme/t/p1')?.permissions).toEqual({ defaultPermissions: true, policies: [] });
    }
    expect(live.get('acme/s/p59')).toEqual({
      project: 'acme/s/p59',
      entries: [
        { kind: 'project', target: 'acme/t/p0', permissions: { defaultPermissions: true, policies: [] }, autopopulated: false },
        { kind: 'group', target: 'acme/t', permissions: { defaultPermissions: false, policies: ['ADMIN_PACKAGES', 'READ_JOBS'] }, autopopulated: false },
      ],
      policiesEnabled: true,
    });
    expect(live.get('other/secret')).toEqual({
      error: 'permission_denied',
      message: 'the token may not read the job-token settings of other/secret; it needs the Maintainer role on the project',
    });
    expect(live.get('acme/nope')).toEqual({ error: 'not_found', message: 'GitLab has no project acme/nope, or the token cannot see it' });
    // 63 projects in two projects(fullPaths:) batches plus pages of one long list, not one request per project.
    expect(stats.graphqlRequests).toBeLessThan(10);
  });
});
