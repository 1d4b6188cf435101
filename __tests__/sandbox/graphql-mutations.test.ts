import { startSandbox } from '../../lib/sandbox';
import type { Sandbox } from '../../lib/sandbox';
import { gql, NOT_AVAILABLE, rest, startTestSandbox, TEST_NOW, testSeed, TOK } from './helpers';

let sb: Sandbox;
beforeEach(async () => { sb = await startTestSandbox(); });
afterEach(async () => { await sb.stop(); });

const ADD = `mutation($p: ID!, $t: ID!, $d: Boolean, $pol: [CiJobTokenScopePolicies!]) {
  ciJobTokenScopeAddGroupOrProject(input: { projectPath: $p, targetPath: $t, defaultPermissions: $d, jobTokenPolicies: $pol, clientMutationId: "m1" }) {
    clientMutationId errors
    ciJobTokenScope { inboundAllowlistCount groupsAllowlistCount }
    ciJobTokenScopeAllowlistEntry { defaultPermissions jobTokenPolicies target { __typename ... on CiJobTokenAccessibleGroup { fullPath } ... on CiJobTokenAccessibleProject { fullPath } } }
  } }`;
const ADD_PROJECT = `mutation($p: ID!, $t: ID!) { ciJobTokenScopeAddProject(input: { projectPath: $p, targetProjectPath: $t }) { errors ciJobTokenScope { inboundAllowlistCount } } }`;
const REMOVE_PROJECT = `mutation($p: ID!, $t: ID!) { ciJobTokenScopeRemoveProject(input: { projectPath: $p, targetProjectPath: $t }) { errors ciJobTokenScope { inboundAllowlistCount } } }`;
const REMOVE_GROUP = `mutation($p: ID!, $t: ID!) { ciJobTokenScopeRemoveGroup(input: { projectPath: $p, targetGroupPath: $t }) { errors ciJobTokenScope { groupsAllowlistCount } } }`;

describe('allowlist mutations', () => {
  it('adds a group (looked up before projects) and a project with fine-grained permissions', async () => {
    const g = await gql(sb, ADD, { p: 'acme/web', t: 'acme/g00' });
    expect(g.body.data.ciJobTokenScopeAddGroupOrProject).toEqual({
      clientMutationId: 'm1', errors: [],
      ciJobTokenScope: { inboundAllowlistCount: 2, groupsAllowlistCount: 2 },
      ciJobTokenScopeAllowlistEntry: { defaultPermissions: true, jobTokenPolicies: [], target: { __typename: 'CiJobTokenAccessibleGroup', fullPath: 'acme/g00' } },
    });
    const p = await gql(sb, ADD, { p: 'acme/web', t: 'acme/open', d: false, pol: ['READ_RELEASES', 'READ_JOBS'] });
    expect(p.body.data.ciJobTokenScopeAddGroupOrProject.ciJobTokenScopeAllowlistEntry).toEqual({
      defaultPermissions: false, jobTokenPolicies: ['READ_RELEASES', 'READ_JOBS'], target: { __typename: 'CiJobTokenAccessibleProject', fullPath: 'acme/open' } });
    expect(sb.stats().mutations).toBe(2);
  });

  it('returns GitLab\'s texts for self, duplicates and unknown targets in errors[]', async () => {
    const self = await gql(sb, ADD_PROJECT, { p: 'acme/web', t: 'acme/web' });
    expect(self.body.data.ciJobTokenScopeAddProject).toEqual({ errors: ["Validation failed: Target project can't be the same as the source project"], ciJobTokenScope: null });
    const dup = await gql(sb, ADD_PROJECT, { p: 'acme/web', t: 'acme/api' });
    expect(dup.body.data.ciJobTokenScopeAddProject.errors).toEqual(['This project is already in the job token allowlist.']);
    const dupGroup = await gql(sb, ADD, { p: 'acme/web', t: 'acme/tools' });
    expect(dupGroup.body.data.ciJobTokenScopeAddGroupOrProject).toMatchObject({ errors: ['This group is already in the job token allowlist.'], ciJobTokenScope: null, ciJobTokenScopeAllowlistEntry: null });
    const none = await gql(sb, ADD, { p: 'acme/web', t: 'acme/nothing' });
    expect(none.body.data.ciJobTokenScopeAddGroupOrProject.errors).toEqual(['The group or project does not exist.']);
    const hidden = await gql(sb, ADD_PROJECT, { p: 'acme/web', t: 'other/secret' });
    expect(hidden.body.data.ciJobTokenScopeAddProject.errors).toEqual(["The target_project that you are attempting to access does not exist or you don't have permission to perform this action"]);
  });

  it('enforces 200 project entries and 200 group entries with GitLab\'s texts', async () => {
    const targets = Array.from({ length: 201 }, (_, i) => `acme/t${i}`);
    const groups = Array.from({ length: 201 }, (_, i) => `acme/grp${i}`);
    const seed = testSeed();
    seed.projects!.push(...targets.map((path) => ({ path, visibility: 'public' as const })),
      { path: 'acme/full', allowlist: { projects: targets.slice(0, 200), groups: groups.slice(0, 200) } });
    seed.groups!.push(...groups.map((path) => ({ path })));
    const full = await startSandbox({ seed, now: TEST_NOW });
    try {
      const p = await gql(full, ADD_PROJECT, { p: 'acme/full', t: 'acme/t200' });
      expect(p.body.data.ciJobTokenScopeAddProject.errors).toEqual(['Validation failed: Source project exceeds the allowable number of project links in this direction']);
      const g = await gql(full, ADD, { p: 'acme/full', t: 'acme/grp200' });
      expect(g.body.data.ciJobTokenScopeAddGroupOrProject.errors).toEqual(['Validation failed: Source project exceeds the allowable number of group links']);
      const r = await gql(full, '{ project(fullPath: "acme/full") { ciJobTokenScope { inboundAllowlistCount groupsAllowlistCount } } }');
      expect(r.body.data.project.ciJobTokenScope).toEqual({ inboundAllowlistCount: 201, groupsAllowlistCount: 200 });
    } finally {
      await full.stop();
    }
  });

  it('removes projects and groups, refusing the project itself and absent entries', async () => {
    expect((await gql(sb, REMOVE_PROJECT, { p: 'acme/web', t: 'acme/api' })).body.data.ciJobTokenScopeRemoveProject).toEqual({ errors: [], ciJobTokenScope: { inboundAllowlistCount: 1 } });
    expect((await gql(sb, REMOVE_PROJECT, { p: 'acme/web', t: 'acme/api' })).body.data.ciJobTokenScopeRemoveProject.errors).toEqual(['Target project is not in the job token scope']);
    expect((await gql(sb, REMOVE_PROJECT, { p: 'acme/web', t: 'acme/web' })).body.data.ciJobTokenScopeRemoveProject.errors).toEqual(['Source project cannot be removed from the job token scope']);
    expect((await gql(sb, REMOVE_GROUP, { p: 'acme/web', t: 'acme/tools' })).body.data.ciJobTokenScopeRemoveGroup).toEqual({ errors: [], ciJobTokenScope: { groupsAllowlistCount: 0 } });
    expect((await gql(sb, REMOVE_GROUP, { p: 'acme/web', t: 'acme/tools' })).body.data.ciJobTokenScopeRemoveGroup.errors).toEqual(['Target group is not in the job token scope']);
    // GitLab hands the failed lookup to the service, which finds no entry for it.
    expect((await gql(sb, REMOVE_PROJECT, { p: 'acme/web', t: 'acme/nothing' })).body.data.ciJobTokenScopeRemoveProject.errors).toEqual(['Target project is not in the job token scope']);
    expect((await gql(sb, REMOVE_GROUP, { p: 'acme/web', t: 'acme/nothing' })).body.data.ciJobTokenScopeRemoveGroup.errors).toEqual(['Target group is not in the job token scope']);
  });

  it('answers a duplicate at the 200-entry limit with the limit error (validations run before the unique index)', async () => {
    const targets = Array.from({ length: 200 }, (_, i) => `acme/t${i}`);
    const seed = testSeed();
    seed.projects!.push(...targets.map((path) => ({ path, visibility: 'public' as const })), { path: 'acme/full', allowlist: { projects: targets } });
    const full = await startSandbox({ seed, now: TEST_NOW });
    try {
      expect((await gql(full, ADD_PROJECT, { p: 'acme/full', t: 'acme/t0' })).body.data.ciJobTokenScopeAddProject.errors)
        .toEqual(['Validation failed: Source project exceeds the allowable number of project links in this direction']);
    } finally {
      await full.stop();
    }
  });

  it('updates fine-grained policies of an entry', async () => {
    const m = `mutation { ciJobTokenScopeUpdatePolicies(input: { projectPath: "acme/web", targetPath: "acme/api", defaultPermissions: false, jobTokenPolicies: [READ_RELEASES] }) {
      errors ciJobTokenScopeAllowlistEntry { defaultPermissions jobTokenPolicies target { ... on CiJobTokenAccessibleProject { fullPath } } } } }`;
    expect((await gql(sb, m)).body.data.ciJobTokenScopeUpdatePolicies).toEqual({ errors: [],
      ciJobTokenScopeAllowlistEntry: { defaultPermissions: false, jobTokenPolicies: ['READ_RELEASES'], target: { fullPath: 'acme/api' } } });
    const r = await gql(sb, '{ project(fullPath: "acme/web") { ciJobTokenScopeAllowlist { projectsAllowlist { nodes { defaultPermissions jobTokenPolicies } } } } }');
    expect(r.body.data.project.ciJobTokenScopeAllowlist.projectsAllowlist.nodes).toEqual([{ defaultPermissions: false, jobTokenPolicies: ['READ_RELEASES'] }]);
    const missing = m.replace('acme/api', 'acme/open');
    expect((await gql(sb, missing)).body.data.ciJobTokenScopeUpdatePolicies)
      .toEqual({ errors: ['Unable to find a job token scope for the given project & target'], ciJobTokenScopeAllowlistEntry: null });
    expect((await gql(sb, m.replace('acme/api', 'acme/nothing'))).body.data.ciJobTokenScopeUpdatePolicies.errors).toEqual(['The target does not exist']);
    expect((await gql(sb, m.replace('acme/api', 'other/secret'))).body.data.ciJobTokenScopeUpdatePolicies.errors)
      .toEqual(['You have insufficient permission to update this job token scope']);
  });

  it('autopopulates from the authentication log and clears autopopulated entries', async () => {
    await gql(sb, REMOVE_PROJECT, { p: 'acme/web', t: 'acme/api' });
    const auto = await gql(sb, 'mutation { ciJobTokenScopeAutopopulateAllowlist(input: { projectPath: "acme/web" }) { status errors } }');
    expect(auto.body.data.ciJobTokenScopeAutopopulateAllowlist).toEqual({ status: 'complete', errors: [] });
    const ids = '{ project(fullPath: "acme/web") { ciJobTokenScope { inboundAllowlistAutopopulatedIds inboundAllowlistCount } } }';
    expect((await gql(sb, ids)).body.data.project.ciJobTokenScope).toEqual({ inboundAllowlistAutopopulatedIds: ['gid://gitlab/Project/13'], inboundAllowlistCount: 2 });
    const clear = await gql(sb, 'mutation { ciJobTokenScopeClearAllowlistAutopopulations(input: { projectPath: "acme/web" }) { status errors } }');
    expect(clear.body.data.ciJobTokenScopeClearAllowlistAutopopulations).toEqual({ status: 'complete', errors: [] });
    expect((await gql(sb, ids)).body.data.project.ciJobTokenScope).toEqual({ inboundAllowlistAutopopulatedIds: [], inboundAllowlistCount: 1 });
  });
});

describe('GitLab 18.x details of the scope mutations', () => {
  it('autopopulate clears the earlier autopopulated entries first, then adds, and turns the allowlist on', async () => {
    const seed = testSeed();
    const web = seed.projects!.find((p) => p.path === 'acme/web')!;
    // acme/api was autopopulated earlier but is no longer in the log; acme/open and acme/tools/cli now are; the toggle is off.
    web.limitAccess = false;
    web.authLog = [
      { origin: 'acme/tools/cli', lastAuthorizedAt: '2026-11-21T10:00:00Z' },
      { origin: 'acme/open', lastAuthorizedAt: '2026-11-21T11:00:00Z' },
    ];
    const s = await startSandbox({ seed, now: TEST_NOW });
    try {
      const auto = await gql(s, 'mutation { ciJobTokenScopeAutopopulateAllowlist(input: { projectPath: "acme/web" }) { status errors } }');
      expect(auto.body.data.ciJobTokenScopeAutopopulateAllowlist).toEqual({ status: 'complete', errors: [] });
      const r = await gql(s, `{ project(fullPath: "acme/web") { ciCdSettings { inboundJobTokenScopeEnabled }
        ciJobTokenScope { inboundAllowlistAutopopulatedIds inboundAllowlist { nodes { fullPath } } } } }`);
      // The stale autopopulated acme/api is gone, acme/open is added; acme/tools/cli is covered by the hand-added group acme/tools.
      expect(r.body.data.project).toEqual({
        ciCdSettings: { inboundJobTokenScopeEnabled: true },
        ciJobTokenScope: { inboundAllowlistAutopopulatedIds: ['gid://gitlab/Project/15'], inboundAllowlist: { nodes: [{ fullPath: 'acme/web' }, { fullPath: 'acme/open' }] } },
      });
    } finally {
      await s.stop();
    }
  });

  it('ciJobTokenScopeRemoveProject answers the removed entry (ciJobTokenScopeAllowlistEntry)', async () => {
    const m = `mutation { ciJobTokenScopeRemoveProject(input: { projectPath: "acme/web", targetProjectPath: "acme/api" }) {
      errors ciJobTokenScopeAllowlistEntry { direction autopopulated target { ... on CiJobTokenAccessibleProject { fullPath } } } } }`;
    expect((await gql(sb, m)).body.data.ciJobTokenScopeRemoveProject).toEqual({
      errors: [], ciJobTokenScopeAllowlistEntry: { direction: 'inbound', autopopulated: true, target: { fullPath: 'acme/api' } },
    });
    expect((await gql(sb, m)).body.data.ciJobTokenScopeRemoveProject).toEqual({ errors: ['Target project is not in the job token scope'], ciJobTokenScopeAllowlistEntry: null });
  });
});

describe('projectCiCdSettingsUpdate: raw GraphQL value vs effective REST value', () => {
  const SET = (v: boolean) => `mutation { projectCiCdSettingsUpdate(input: { fullPath: "acme/web", inboundJobTokenScopeEnabled: ${v} }) { errors ciCdSettings { inboundJobTokenScopeEnabled } } }`;

  it('toggles the stored value', async () => {
    expect((await gql(sb, SET(false))).body.data.projectCiCdSettingsUpdate).toEqual({ errors: [], ciCdSettings: { inboundJobTokenScopeEnabled: false } });
    expect((await rest(sb, 'GET', '/projects/12/job_token_scope')).body).toEqual({ inbound_enabled: false, outbound_enabled: false });
    // An argument error raised before the project lookup: the field is null, the message a top-level error, for anyone.
    for (const token of [TOK.ops, TOK.dev]) {
      const outbound = await gql(sb, 'mutation { projectCiCdSettingsUpdate(input: { fullPath: "acme/web", jobTokenScopeEnabled: true }) { errors } }', undefined, token);
      expect(outbound.body).toEqual({ data: { projectCiCdSettingsUpdate: null },
        errors: [{ message: 'job_token_scope_enabled can only be set to false', locations: [{ line: 1, column: 12 }], path: ['projectCiCdSettingsUpdate'] }] });
    }
  });

  it('keeps the raw value in GraphQL while REST reports the instance-enforced effective value', async () => {
    const seed = testSeed({ instance: { enforceAllowlist: true } });
    const enforced = await startSandbox({ seed, now: TEST_NOW });
    try {
      await gql(enforced, SET(false));
      const raw = await gql(enforced, '{ project(fullPath: "acme/open") { ciCdSettings { inboundJobTokenScopeEnabled } } }');
      expect(raw.body.data.project.ciCdSettings.inboundJobTokenScopeEnabled).toBe(false);
      expect((await rest(enforced, 'GET', '/projects/acme%2Fopen/job_token_scope')).body).toEqual({ inbound_enabled: true, outbound_enabled: false });
      expect((await rest(enforced, 'GET', '/projects/12/job_token_scope')).body.inbound_enabled).toBe(true);
    } finally {
      await enforced.stop();
    }
  });
});

describe('mutation permissions', () => {
  const m = 'mutation { ciJobTokenScopeAddProject(input: { projectPath: "acme/web", targetProjectPath: "acme/open" }) { errors } }';

  it('refuses a read_api token, a non-Maintainer, and anonymous callers with GitLab\'s error', async () => {
    for (const token of [TOK.opsRead, TOK.dev, null, TOK.webBot]) {
      const r = await gql(sb, m, undefined, token);
      expect(r.status).toBe(200);
      expect(r.body).toEqual({ data: { ciJobTokenScopeAddProject: null }, errors: [{ message: NOT_AVAILABLE, locations: [{ line: 1, column: 12 }], path: ['ciJobTokenScopeAddProject'] }] });
    }
    const count = await gql(sb, '{ project(fullPath: "acme/web") { ciJobTokenScope { inboundAllowlistCount } } }');
    expect(count.body.data.project.ciJobTokenScope.inboundAllowlistCount).toBe(2);
  });

  it('lets a group access token with api scope manage projects below its group', async () => {
    expect((await gql(sb, m, undefined, TOK.groupBot)).body.data.ciJobTokenScopeAddProject.errors).toEqual([]);
  });
});
