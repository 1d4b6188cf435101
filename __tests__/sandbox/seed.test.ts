import * as fs from 'fs';
import * as path from 'path';
import { loadSeed, SeedError, validateSeed } from '../../lib/sandbox';
import { canAdminProject, canReadProject, projectAccessLevel } from '../../lib/sandbox/access';
import { testSeed } from './helpers';

const base = () => ({
  users: [{ username: 'ops' }, { username: 'dev' }],
  projects: [
    { path: 'acme/api' },
    { path: 'acme/tools/cli' },
    { path: 'acme/lib' },
    { path: 'acme/web', allowlist: { projects: ['acme/api'], groups: ['acme/tools'] } },
  ],
});

function refused(seed: unknown): string {
  try {
    loadSeed(seed);
  } catch (err) {
    expect(err).toBeInstanceOf(SeedError);
    return (err as Error).message;
  }
  throw new Error('seed was accepted');
}

describe('seed validation names the offending entry', () => {
  it('refuses an allowlisted project that is not in the seed', () => {
    const seed = base();
    seed.projects[3].allowlist!.projects = ['acme/nope'];
    expect(refused(seed)).toBe('projects[3] ("acme/web"): allowlist.projects[0] "acme/nope" is not a project in the seed');
  });

  it('refuses an allowlisted group that is not in the seed', () => {
    const seed = base();
    seed.projects[3].allowlist!.groups = ['acme/tools', 'acme/nope'];
    expect(refused(seed)).toBe('projects[3] ("acme/web"): allowlist.groups[1] "acme/nope" is not a group in the seed');
  });

  it('refuses the project itself in its own allowlist, and duplicates', () => {
    const seed = base();
    seed.projects[3].allowlist!.projects = ['acme/web'];
    expect(refused(seed)).toBe('projects[3] ("acme/web"): allowlist.projects[0] "acme/web" is the project itself (a project always reaches itself)');
    seed.projects[3].allowlist!.projects = ['acme/api', 'ACME/api'];
    expect(refused(seed)).toBe('projects[3] ("acme/web"): allowlist.projects[1] "ACME/api" is listed twice');
  });

  it('refuses more than 200 entries', () => {
    const projects = Array.from({ length: 201 }, (_, i) => ({ path: `acme/p${i}` }));
    const seed = { projects: [...projects, { path: 'acme/web', allowlist: { projects: projects.map((p) => p.path) } }] };
    expect(refused(seed)).toBe('projects[201] ("acme/web"): allowlist.projects has 201 entries; GitLab allows at most 200 project entries');
  });

  it('refuses unknown users, roles, visibilities, token fields, duplicate ids and paths', () => {
    expect(refused({ ...base(), groups: [{ path: 'acme', members: { nobody: 'maintainer' } }] }))
      .toBe('groups[0] ("acme"): members: "nobody" is not a user in the seed');
    expect(refused({ ...base(), groups: [{ path: 'acme', members: { ops: 'boss' } }] }))
      .toBe('groups[0] ("acme"): members: role "boss" for "ops" is not one of guest, planner, reporter, developer, maintainer, owner');
    expect(refused({ projects: [{ path: 'acme/a', visibility: 'secret' }] }))
      .toBe('projects[0] ("acme/a"): visibility "secret" is not one of private, internal, public');
    expect(refused({ projects: [{ path: 'acme/a', id: 5 }, { path: 'acme/b', id: 5 }] })).toBe('projects[1] ("acme/b"): id 5 is used twice');
    expect(refused({ projects: [{ path: 'acme/a' }, { path: 'acme/a' }] })).toBe('projects[1] ("acme/a"): duplicate project path');
    expect(refused({ projects: [{ path: 'web' }] })).toBe('projects[0] ("web"): path must include its group, e.g. "acme/web"');
    expect(refused({ projects: [{ path: 'acme/a' }, { path: 'acme/a/b' }] })).toBe('projects[0] ("acme/a"): path "acme/a" is already used by a group');
    expect(refused({ ...base(), tokens: [{ token: 'glpat-x', type: 'personal', user: 'ghost' }] }))
      .toBe('tokens[0] (personal): user "ghost" is not a user in the seed');
    expect(refused({ ...base(), tokens: [{ token: 'glpat-x', type: 'robot' }] }))
      .toBe('tokens[0]: type "robot" is not one of personal, project, group, oauth, job, deploy');
    expect(refused({ ...base(), tokens: [{ token: 'glpat-x', type: 'personal', user: 'ops', scopes: ['everything'] }] }))
      .toBe('tokens[0] (personal): scope "everything" is not a GitLab token scope');
    expect(refused({ ...base(), tokens: [{ token: 'glpat-x', type: 'personal', user: 'ops', expiresAt: '31.01.2027' }] }))
      .toBe('tokens[0] (personal): expiresAt "31.01.2027" must be a date "YYYY-MM-DD" or null');
    expect(refused({ ...base(), tokens: [{ token: 'glcbt-x', type: 'job', project: 'acme/web', user: 'ops', jobStatus: 'done' }] }))
      .toBe('tokens[0] (job): jobStatus "done" is not one of created, pending, running, success, failed, canceled, skipped, manual');
    expect(refused({ wat: 1 })).toBe('unknown top-level key "wat" (expected one of instance, users, groups, projects, tokens, mergeRequests)');
    expect(refused('{not json')).toMatch(/^the seed is not valid JSON: /);
  });

  it('refuses bad allowlist objects, autopopulated entries outside the allowlist, bad auth logs and merge requests', () => {
    const seed = base();
    (seed.projects[3].allowlist as { projects: unknown[] }).projects = [{ path: 'acme/api', jobTokenPolicies: ['READ_EVERYTHING'] }];
    expect(refused(seed)).toBe('projects[3] ("acme/web"): allowlist.projects[0] ("acme/api"): "READ_EVERYTHING" is not a CiJobTokenScopePolicies value');
    const s2 = base();
    Object.assign(s2.projects[3], { autopopulated: { projects: ['acme/lib'] } });
    expect(refused(s2)).toBe('projects[3] ("acme/web"): autopopulated.projects[0] "acme/lib" is not in allowlist.projects');
    const s3 = base();
    Object.assign(s3.projects[3], { authLog: [{ origin: 'acme/api', lastAuthorizedAt: 'yesterday' }] });
    expect(refused(s3)).toBe('projects[3] ("acme/web"): authLog[0] lastAuthorizedAt "yesterday" is not an ISO 8601 time');
    const s4 = base();
    Object.assign(s4.projects[3], { createdAt: 'last week' });
    expect(refused(s4)).toBe('projects[3] ("acme/web"): createdAt "last week" is not an ISO 8601 time with a zone (e.g. 2026-10-24T08:00:00Z)');
    // Date.parse takes "2026" and local times; the seed does not guess.
    Object.assign(s4.projects[3], { createdAt: '2026' });
    expect(refused(s4)).toBe('projects[3] ("acme/web"): createdAt "2026" is not an ISO 8601 time with a zone (e.g. 2026-10-24T08:00:00Z)');
    expect(refused({ ...base(), mergeRequests: [{ project: 'acme/nope', iid: 1 }] }))
      .toBe('mergeRequests[0]: project "acme/nope" is not a project in the seed');
  });
});

describe('loadSeed builds the state', () => {
  it('creates parent groups implicitly and assigns ids deterministically around given ones', () => {
    const seed = {
      groups: [{ path: 'acme', id: 1 }],
      projects: [{ path: 'acme/x/y/web' }, { path: 'acme/api', id: 1 }, { path: 'beta/z' }],
    };
    const a = loadSeed(seed);
    const b = loadSeed(JSON.stringify(seed));
    const ids = (s: typeof a) => [...s.projects.values()].map((p) => [p.fullPath, p.id]).concat([...s.groups.values()].map((g) => [g.fullPath, g.id]));
    expect(ids(a)).toEqual(ids(b));
    expect(a.projectByPath('acme/x/y/web')!.id).toBe(2);
    expect(a.projectByPath('beta/z')!.id).toBe(3);
    expect(a.groupByPath('acme/x')!.id).toBe(2);
    expect(a.groupByPath('acme/x/y')!.parent!.fullPath).toBe('acme/x');
    expect([a.groupByPath('acme/x/y')!.id, a.groupByPath('beta')!.id]).toEqual([3, 4]);
  });

  it('inherits roles from parent groups, defaults limitAccess to true, and keeps fine-grained entries', () => {
    const s = loadSeed(testSeed());
    const web = s.projectByPath('acme/web')!;
    const ops = s.userByName('ops')!;
    expect(projectAccessLevel(web, ops.id)).toBe(40);
    expect(canAdminProject({ user: ops, token: null, scopes: ['api'] }, s.projectByPath('acme/tools/cli')!)).toBe(true);
    const dev = s.userByName('dev')!;
    expect(canAdminProject({ user: dev, token: null, scopes: ['api'] }, web)).toBe(false);
    expect(canReadProject({ user: dev, token: null, scopes: ['api'] }, s.projectByPath('acme/tools/cli')!)).toBe(false);
    expect(s.projectByPath('acme/api')!.inboundEnabled).toBe(true);
    expect(s.projectByPath('acme/open')!.inboundEnabled).toBe(false);
    const fine = s.projectByPath('acme/fine')!.projectLinks.get(13)!;
    expect(fine).toMatchObject({ defaultPermissions: false, jobTokenPolicies: ['READ_JOBS'] });
    const plain = web.projectLinks.get(13)!;
    expect(plain).toMatchObject({ defaultPermissions: true, jobTokenPolicies: [], autopopulated: true });
  });

  it('gives project and group access tokens bot users with GitLab usernames', () => {
    const s = loadSeed(testSeed());
    const bots = [...s.users.values()].filter((u) => u.bot).map((u) => u.username);
    expect(bots).toEqual([expect.stringMatching(/^project_12_bot_[0-9a-f]{32}$/), expect.stringMatching(/^group_10_bot_[0-9a-f]{32}$/)]);
  });

  it('accepts the lead\'s demo seed and exports validateSeed for raw values', () => {
    const demo = JSON.parse(fs.readFileSync(path.join(__dirname, '../../lib/sandbox/demo-seed.json'), 'utf8'));
    expect(validateSeed(demo)).toBe(demo);
    expect(loadSeed(demo).projects.size).toBe(11);
  });

  it('loads a 10,000-project seed', () => {
    const projects = Array.from({ length: 10_000 }, (_, i) => ({
      path: `bench/g${i % 100}/p${i}`,
      allowlist: { projects: i > 0 ? [`bench/g${(i - 1) % 100}/p${i - 1}`] : [], groups: [`bench/g${(i + 1) % 100}`] },
    }));
    const s = loadSeed({ projects });
    expect(s.projects.size).toBe(10_000);
    expect(s.projectByPath('bench/g99/p9999')!.projectLinks.size).toBe(1);
  });
});
