import { startSandbox } from '../../lib/sandbox';
import type { Sandbox } from '../../lib/sandbox';
import { gql, gqlRaw, NOT_AVAILABLE, startTestSandbox, TEST_NOW, testSeed, TOK } from './helpers';

let sb: Sandbox;
beforeEach(async () => { sb = await startTestSandbox(); });
afterEach(async () => { await sb.stop(); });

const SCOPE = `query($p: ID!) { project(fullPath: $p) {
  id fullPath name path webUrl visibility
  ciCdSettings { inboundJobTokenScopeEnabled jobTokenScopeEnabled pushRepositoryForJobTokenAllowed }
  ciJobTokenScope {
    inboundAllowlistCount groupsAllowlistCount inboundAllowlistAutopopulatedIds groupAllowlistAutopopulatedIds
    inboundAllowlist { nodes { id fullPath name path webUrl avatarUrl } }
    groupsAllowlist { nodes { id fullPath } }
  }
} }`;

describe('GraphQL reads', () => {
  it('serves the project with the project itself in inboundAllowlist and its count', async () => {
    const r = await gql(sb, SCOPE, { p: 'acme/web' });
    expect(r.status).toBe(200);
    expect(r.body.errors).toBeUndefined();
    const p = r.body.data.project;
    expect(p).toMatchObject({ id: 'gid://gitlab/Project/12', fullPath: 'acme/web', name: 'Web', path: 'web', webUrl: `${sb.url}/acme/web`, visibility: 'private' });
    expect(p.ciCdSettings).toEqual({ inboundJobTokenScopeEnabled: true, jobTokenScopeEnabled: false, pushRepositoryForJobTokenAllowed: false });
    expect(p.ciJobTokenScope.inboundAllowlist.nodes.map((n: { fullPath: string }) => n.fullPath)).toEqual(['acme/web', 'acme/api']);
    expect(p.ciJobTokenScope.inboundAllowlistCount).toBe(2);
    expect(p.ciJobTokenScope.groupsAllowlist.nodes).toEqual([{ id: 'gid://gitlab/Group/11', fullPath: 'acme/tools' }]);
    expect(p.ciJobTokenScope.groupsAllowlistCount).toBe(1);
    expect(p.ciJobTokenScope.inboundAllowlistAutopopulatedIds).toEqual(['gid://gitlab/Project/13']);
    expect(p.ciJobTokenScope.groupAllowlistAutopopulatedIds).toEqual([]);
  });

  it('serves ciJobTokenScopeAllowlist without the project itself, with fine-grained permissions', async () => {
    const r = await gql(sb, `{ project(fullPath: "acme/fine") { ciJobTokenScopeAllowlist {
      projectsAllowlist { count nodes { direction defaultPermissions jobTokenPolicies autopopulated createdAt
        sourceProject { fullPath } target { ... on CiJobTokenAccessibleProject { fullPath } } } }
      groupsAllowlist { count nodes { target { __typename } } } } } }`);
    expect(r.body.data.project.ciJobTokenScopeAllowlist).toEqual({
      projectsAllowlist: { count: 1, nodes: [{ direction: 'inbound', defaultPermissions: false, jobTokenPolicies: ['READ_JOBS'], autopopulated: false,
        createdAt: expect.any(String), sourceProject: { fullPath: 'acme/fine' }, target: { fullPath: 'acme/api' } }] },
      groupsAllowlist: { count: 0, nodes: [] },
    });
  });

  it('serves the authentication log', async () => {
    const r = await gql(sb, '{ project(fullPath: "acme/web") { ciJobTokenAuthLogs { count nodes { originProject { fullPath } lastAuthorizedAt } } } }');
    expect(r.body.data.project.ciJobTokenAuthLogs).toEqual({ count: 1, nodes: [{ originProject: { fullPath: 'acme/api' }, lastAuthorizedAt: '2026-11-20T10:00:00.000Z' }] });
  });

  it('returns null plus GitLab\'s error entry for Maintainer-only fields; ciCdSettings (type-level authorize) is null without one', async () => {
    const r = await gql(sb, '{ project(fullPath: "acme/web") { fullPath ciCdSettings { inboundJobTokenScopeEnabled } ciJobTokenScope { inboundAllowlistCount } ciJobTokenScopeAllowlist { projectsAllowlist { count } } ciJobTokenAuthLogs { count } } }', undefined, TOK.dev);
    expect(r.status).toBe(200);
    expect(r.body.data.project).toEqual({ fullPath: 'acme/web', ciCdSettings: null, ciJobTokenScope: null, ciJobTokenScopeAllowlist: null, ciJobTokenAuthLogs: null });
    expect(r.body.errors.map((e: { path: string[] }) => e.path)).toEqual([
      ['project', 'ciJobTokenScope'], ['project', 'ciJobTokenScopeAllowlist'], ['project', 'ciJobTokenAuthLogs']]);
    for (const e of r.body.errors) {
      expect(e.message).toBe(NOT_AVAILABLE);
      expect(e.locations).toEqual([{ line: 1, column: expect.any(Number) }]);
    }
  });

  it('answers null without error for invisible and missing projects; anonymous sees public projects only', async () => {
    expect((await gql(sb, '{ project(fullPath: "other/secret") { id } }')).body).toEqual({ data: { project: null } });
    expect((await gql(sb, '{ project(fullPath: "acme/nope") { id } }')).body).toEqual({ data: { project: null } });
    expect((await gql(sb, '{ project(fullPath: "acme/web") { id } }', undefined, null)).body).toEqual({ data: { project: null } });
    expect((await gql(sb, '{ project(fullPath: "acme/open") { fullPath } }', undefined, null)).body).toEqual({ data: { project: { fullPath: 'acme/open' } } });
  });

  it('lets project and group access tokens act as bots with their role; admins see everything', async () => {
    const bot = await gql(sb, '{ project(fullPath: "acme/web") { ciJobTokenScope { inboundAllowlistCount } } api: project(fullPath: "acme/api") { id } currentUser { username bot } }', undefined, TOK.webBot);
    expect(bot.body.data.project.ciJobTokenScope.inboundAllowlistCount).toBe(2);
    expect(bot.body.data.api).toBeNull();
    expect(bot.body.data.currentUser).toEqual({ username: expect.stringMatching(/^project_12_bot_/), bot: true });
    const group = await gql(sb, '{ project(fullPath: "acme/tools/cli") { ciJobTokenScope { inboundAllowlistCount } } }', undefined, TOK.groupBot);
    expect(group.body.data.project.ciJobTokenScope.inboundAllowlistCount).toBe(1);
    const admin = await gql(sb, '{ project(fullPath: "other/secret") { ciJobTokenScope { inboundAllowlistCount } } }', undefined, TOK.root);
    expect(admin.body.data.project.ciJobTokenScope.inboundAllowlistCount).toBe(1);
  });

  it('reads many projects with projects(fullPaths:), missing ones simply absent, at most 50 paths', async () => {
    const r = await gql(sb, 'query($paths: [String!]) { projects(fullPaths: $paths) { count nodes { fullPath } } }', { paths: ['acme/web', 'acme/nope', 'other/secret', 'acme/api'] });
    expect(r.body).toEqual({ data: { projects: { count: 2, nodes: [{ fullPath: 'acme/api' }, { fullPath: 'acme/web' }] } } });
    const byIds = await gql(sb, 'query($ids: [ID!]) { projects(ids: $ids) { nodes { fullPath } } }',
      { ids: ['gid://gitlab/Project/12', 'gid://gitlab/Project/12', 'gid://gitlab/Project/9999', 'gid://gitlab/Project/17', 'gid://gitlab/Project/13'] });
    expect(byIds.body).toEqual({ data: { projects: { nodes: [{ fullPath: 'acme/api' }, { fullPath: 'acme/web' }] } } });
    const many = Array.from({ length: 51 }, (_, i) => `acme/p${i}`);
    const tooMany = await gql(sb, 'query($paths: [String!]) { projects(fullPaths: $paths) { nodes { fullPath } } }', { paths: many });
    expect(tooMany.body.data).toEqual({ projects: null });
    expect(tooMany.body.errors).toEqual([{ message: 'You cannot provide more than 50 full_paths', locations: [{ line: 1, column: 28 }], path: ['projects'] }]);
  });

  it('pages with real cursors and pageInfo, capping first at 100', async () => {
    const q = `query($after: String, $first: Int) { project(fullPath: "acme/big") { ciJobTokenScope {
      inboundAllowlist(first: $first, after: $after) { edges { cursor node { fullPath } } nodes { fullPath } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } } } }`;
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const r = await gql(sb, q, { first: 10, after });
      const conn = r.body.data.project.ciJobTokenScope.inboundAllowlist;
      seen.push(...conn.nodes.map((n: { fullPath: string }) => n.fullPath));
      expect(conn.edges.map((e: { node: unknown }) => e.node)).toEqual(conn.nodes);
      expect(conn.pageInfo.startCursor).toBe(conn.edges[0].cursor);
      expect(conn.pageInfo.endCursor).toBe(conn.edges[conn.edges.length - 1].cursor);
      expect(conn.pageInfo.hasPreviousPage).toBe(pages > 0);
      pages++;
      if (!conn.pageInfo.hasNextPage) break;
      after = conn.pageInfo.endCursor;
    }
    expect(pages).toBe(3);
    expect(seen).toHaveLength(26);
    expect(seen[0]).toBe('acme/big');
    expect(new Set(seen).size).toBe(26);
    const big = await startSandbox({ seed: { projects: Array.from({ length: 150 }, (_, i) => ({ path: `bulk/p${i}` })), users: [{ username: 'root', admin: true }],
      tokens: [{ token: TOK.root, type: 'personal', user: 'root' }] } });
    try {
      const capped = await gql(big, 'query { projects(first: 1000) { nodes { id } pageInfo { hasNextPage } } }', undefined, TOK.root);
      expect(capped.body.data.projects.nodes).toHaveLength(100);
      expect(capped.body.data.projects.pageInfo.hasNextPage).toBe(true);
      const unpaged = await gql(big, 'query { projects { nodes { id } } }', undefined, TOK.root);
      expect(unpaged.body.data.projects.nodes).toHaveLength(100);
    } finally {
      await big.stop();
    }
    const bad = await gql(sb, '{ projects(after: "not-a-cursor") { nodes { id } } }');
    expect(bad.body.errors[0].message).toBe('Please provide a valid cursor');
  });

  it('pages group projects with includeSubgroups', async () => {
    const q = 'query($a: String) { group(fullPath: "acme") { fullPath projects(includeSubgroups: true, first: 20, after: $a) { nodes { fullPath } pageInfo { hasNextPage endCursor } } } }';
    const first = await gql(sb, q, {});
    expect(first.body.data.group.projects.nodes).toHaveLength(20);
    expect(first.body.data.group.projects.pageInfo.hasNextPage).toBe(true);
    const second = await gql(sb, q, { a: first.body.data.group.projects.pageInfo.endCursor });
    expect(second.body.data.group.projects.nodes).toHaveLength(31 - 20);
    const direct = await gql(sb, '{ group(fullPath: "acme") { projects { nodes { fullPath } } } }');
    expect(direct.body.data.group.projects.nodes.map((n: { fullPath: string }) => n.fullPath)).toEqual(['acme/web', 'acme/api', 'acme/open', 'acme/fine', 'acme/big']);
  });

  it('pages ciJobTokenScopeAllowlist lists up to 200 entries, the other connections up to 100', async () => {
    const seed = testSeed();
    const targets = Array.from({ length: 200 }, (_, i) => `acme/many200/t${String(i).padStart(3, '0')}`);
    seed.projects!.push(...targets.map((path) => ({ path, visibility: 'public' as const })), { path: 'acme/wide', allowlist: { projects: targets } });
    const wide = await startSandbox({ seed, now: TEST_NOW });
    try {
      const q = (n: number) => `{ project(fullPath: "acme/wide") {
        ciJobTokenScopeAllowlist { projectsAllowlist(first: ${n}) { count nodes { autopopulated } pageInfo { hasNextPage } } }
        ciJobTokenScope { inboundAllowlist(first: ${n}) { nodes { fullPath } pageInfo { hasNextPage } } } } }`;
      const r = (await gql(wide, q(500))).body.data.project;
      expect(r.ciJobTokenScopeAllowlist.projectsAllowlist.nodes).toHaveLength(200);
      expect(r.ciJobTokenScopeAllowlist.projectsAllowlist.pageInfo.hasNextPage).toBe(false);
      expect(r.ciJobTokenScope.inboundAllowlist.nodes).toHaveLength(100);
      expect(r.ciJobTokenScope.inboundAllowlist.pageInfo.hasNextPage).toBe(true);
    } finally {
      await wide.stop();
    }
  });

  it('counts with count(limit:) as CountableConnectionType does: at most limit + 1, limit > 0', async () => {
    const q = (limit: number) => `{ project(fullPath: "acme/big") { ciJobTokenScopeAllowlist { projectsAllowlist { count(limit: ${limit}) } all: groupsAllowlist { count } } } }`;
    expect((await gql(sb, q(10))).body.data.project.ciJobTokenScopeAllowlist).toEqual({ projectsAllowlist: { count: 11 }, all: { count: 22 } });
    expect((await gql(sb, q(100))).body.data.project.ciJobTokenScopeAllowlist.projectsAllowlist).toEqual({ count: 25 });
    const zero = await gql(sb, q(0));
    expect(zero.body.errors[0]).toMatchObject({ message: 'limit must be greater than 0', path: ['project', 'ciJobTokenScopeAllowlist', 'projectsAllowlist', 'count'] });
  });

  it('marks outboundAllowlist and the entry direction deprecated (outbound scope removed in 18.0)', async () => {
    const r = await gql(sb, `{ scope: __type(name: "CiJobTokenScopeType") { fields(includeDeprecated: true) { name isDeprecated } }
      entry: __type(name: "CiJobTokenScopeAllowlistEntry") { fields(includeDeprecated: true) { name isDeprecated } } }`);
    const deprecated = (t: { fields: Array<{ name: string; isDeprecated: boolean }> }) => t.fields.filter((f) => f.isDeprecated).map((f) => f.name).sort();
    expect(deprecated(r.body.data.scope)).toEqual(['outboundAllowlist', 'projects']);
    expect(deprecated(r.body.data.entry)).toEqual(['direction']);
  });

  it('reports queryComplexity with the limit for the caller', async () => {
    expect((await gql(sb, '{ queryComplexity { score limit } }')).body.data.queryComplexity).toEqual({ score: 3, limit: 250 });
    expect((await gql(sb, '{ queryComplexity { score limit } }', undefined, null)).body.data.queryComplexity).toEqual({ score: 3, limit: 200 });
    expect((await gql(sb, '{ queryComplexity { score limit } }', undefined, TOK.root)).body.data.queryComplexity).toEqual({ score: 3, limit: 300 });
  });
});

describe('GraphQL limits and errors', () => {
  const deep = (n: number) => {
    const one = (i: number) => `p${i}: project(fullPath: "acme/p${i}") { ciJobTokenScope { inboundAllowlist { nodes { fullPath } } groupsAllowlist { nodes { fullPath } } } }`;
    return `{ ${Array.from({ length: n }, (_, i) => one(i)).join(' ')} }`;
  };

  // Each project: 1 + ciJobTokenScope 1 + two plain allowlist connections of 3 = 8.
  it('refuses complexity over 250 (authenticated), 200 (anonymous), 300 (admin)', async () => {
    expect((await gql(sb, deep(32))).body).toEqual({ errors: [{ message: 'Query has complexity of 256, which exceeds max complexity of 250' }] });
    expect((await gql(sb, deep(31))).body.errors).toBeUndefined();
    expect((await gql(sb, deep(26), undefined, null)).body).toEqual({ errors: [{ message: 'Query has complexity of 208, which exceeds max complexity of 200' }] });
    expect((await gql(sb, deep(38), undefined, TOK.root)).body).toEqual({ errors: [{ message: 'Query has complexity of 304, which exceeds max complexity of 300' }] });
    expect((await gql(sb, deep(37), undefined, TOK.root)).body.errors).toBeUndefined();
  });

  // Depth 21, no field name more than twice on a branch (edges, node and nodes do not count).
  const depth21 = `{ group(fullPath: "acme") { parent { projects { edges { node { ciCdSettings { project { ciCdSettings { project { group { parent { projects { nodes {
    ciJobTokenScope { outboundAllowlist { edges { node { ciJobTokenScope { outboundAllowlist { nodes { id } } } } } } } } } } } } } } } } } } } } }`;

  it('refuses depth over 20 with a token and over 15 without (DEFAULT_MAX_DEPTH)', async () => {
    expect((await gql(sb, depth21)).body).toEqual({ errors: [{ message: 'Query has depth of 21, which exceeds max depth of 20' }] });
    expect((await gql(sb, depth21, undefined, null)).body).toEqual({ errors: [{ message: 'Query has depth of 21, which exceeds max depth of 15' }] });
    const depth16 = '{ project(fullPath: "acme/open") { ciCdSettings { project { group { parent { projects { edges { node { group { parent { projects { nodes { ciJobTokenScope { inboundAllowlist { nodes { id } } } } } } } } } } } } } } } }';
    expect((await gql(sb, depth16, undefined, null)).body).toEqual({ errors: [{ message: 'Query has depth of 16, which exceeds max depth of 15' }] });
    expect((await gql(sb, depth16)).body.errors).toBeUndefined();
  });

  it("refuses a field nested more than twice in one branch with GitLab's RecursionAnalyzer text, before the depth error", async () => {
    const chain = (n: number) => `{ group(fullPath: "acme") { ${'parent { '.repeat(n)}id${' }'.repeat(n)} } }`;
    expect((await gql(sb, chain(2))).body.errors).toBeUndefined();
    expect((await gql(sb, chain(3))).body).toEqual({ errors: [{ message: 'Recursive query - too many of fields \'{"parent"=>3}\' detected\nin single branch of the query")\n' }] });
    expect((await gql(sb, chain(20))).body).toEqual({ errors: [
      { message: 'Recursive query - too many of fields \'{"parent"=>20}\' detected\nin single branch of the query")\n' },
      { message: 'Query has depth of 22, which exceeds max depth of 20' },
    ] });
  });

  it('answers 422 "Query too large" over 10,000 characters', async () => {
    const q = `{ ${'queryComplexity { score } '.padEnd(10_001, ' ')} }`;
    const r = await gql(sb, q);
    expect(r.status).toBe(422);
    expect(r.body).toEqual({ errors: [{ message: 'Query too large' }] });
  });

  it('reports unknown fields and arguments as validation errors in GitLab\'s words', async () => {
    const r = await gql(sb, '{ project(fullPath: "acme/web") { nope } }');
    expect(r.status).toBe(200);
    expect(r.body.errors[0]).toMatchObject({ message: "Field 'nope' doesn't exist on type 'Project'", extensions: { code: 'undefinedField', typeName: 'Project', fieldName: 'nope' } });
    const a = await gql(sb, '{ project(fullPath: "acme/web", bogus: 1) { id } }');
    expect(a.body.errors[0].message).toBe("Field 'project' doesn't accept argument 'bogus'");
    expect((await gql(sb, '{ project(fullPath: "x") { ciJobTokenScope { inboundAllowlist { count } } } }')).body.errors[0].message)
      .toBe("Field 'count' doesn't exist on type 'CiJobTokenAccessibleProjectConnection'");
    expect((await gqlRaw(sb, JSON.stringify({ variables: {} }))).body).toEqual({ errors: [{ message: 'No query string was present' }] });
    expect(await gqlRaw(sb, '{"query":')).toMatchObject({ status: 400, body: { errors: [{ message: 'Invalid JSON body' }] } });
    const pasted = await gqlRaw(sb, 'glpat-pasted-by-mistake-0000000001');
    expect(pasted).toMatchObject({ status: 400, body: { errors: [{ message: 'Invalid JSON body' }] } });
    expect(pasted.text).not.toContain('glpat');
  });

  it('answers 401 Invalid token for bad, revoked, expired, job and deploy tokens', async () => {
    for (const token of ['glpat-unknown-token-000000000000', TOK.revoked, TOK.expired, TOK.job, TOK.deploy]) {
      const r = await gql(sb, '{ currentUser { username } }', undefined, token);
      expect([token, r.status, r.body]).toEqual([token, 401, { errors: [{ message: 'Invalid token' }] }]);
    }
    const viaJobHeader = await gqlRaw(sb, JSON.stringify({ query: '{ currentUser { username } }' }), { 'JOB-TOKEN': TOK.job });
    expect(viaJobHeader.status).toBe(401);
    const viaPrivate = await gqlRaw(sb, JSON.stringify({ query: '{ currentUser { username } }' }), { 'PRIVATE-TOKEN': TOK.ops });
    expect(viaPrivate.body).toEqual({ data: { currentUser: { username: 'ops' } } });
    const oauth = await gql(sb, '{ currentUser { username } }', undefined, TOK.oauth);
    expect(oauth.body).toEqual({ data: { currentUser: { username: 'ops' } } });
    expect((await gql(sb, '{ currentUser { username } }', undefined, null)).body).toEqual({ data: { currentUser: null } });
  });

  it('multiplexes: an array body gets an array of results', async () => {
    const body = JSON.stringify([
      { query: '{ project(fullPath: "acme/web") { fullPath } }' },
      { query: deep(18) },
      { query: 'query Q($p: ID!) { project(fullPath: $p) { id } }', variables: { p: 'acme/api' }, operationName: 'Q' },
    ]);
    const r = await gqlRaw(sb, body);
    expect(r.status).toBe(200);
    expect(r.body).toEqual([
      { data: { project: { fullPath: 'acme/web' } } },
      { data: expect.objectContaining({ p0: null }) },
      { data: { project: { id: 'gid://gitlab/Project/13' } } },
    ]);
    expect(sb.stats().graphqlQueries).toBe(3);
  });

  it('sums complexity over a multiplex: every query gets the total, an over-limit query its own score too', async () => {
    // 2 + 256 + 2 = 260 over the request (gitlab_schema.rb multiplex max_complexity)
    const r = await gqlRaw(sb, JSON.stringify([
      { query: '{ project(fullPath: "acme/web") { fullPath } }' }, { query: deep(32) }, { query: '{ project(fullPath: "acme/api") { id } }' },
    ]));
    const total = { message: 'Query has complexity of 260, which exceeds max complexity of 250' };
    expect(r.body).toEqual([
      { errors: [total] },
      { errors: [total, { message: 'Query has complexity of 256, which exceeds max complexity of 250' }] },
      { errors: [total] },
    ]);
    // Two queries each under the limit, over it together (160 + 160).
    const pair = await gqlRaw(sb, JSON.stringify([{ query: deep(20) }, { query: deep(20) }]));
    expect(pair.body).toEqual([
      { errors: [{ message: 'Query has complexity of 320, which exceeds max complexity of 250' }] },
      { errors: [{ message: 'Query has complexity of 320, which exceeds max complexity of 250' }] },
    ]);
  });

  it('sums the 10,000-character limit over a multiplex (limit_query_size)', async () => {
    const half = (n: number) => ({ query: `{ currentUser { username } ${' '.repeat(n)}}` });
    const ok = await gqlRaw(sb, JSON.stringify([half(4_950), half(4_950)]));
    expect(ok.status).toBe(200);
    const tooLarge = await gqlRaw(sb, JSON.stringify([half(5_000), half(5_000)]));
    expect(tooLarge.status).toBe(422);
    expect(tooLarge.body).toEqual({ errors: [{ message: 'Query too large' }] });
  });

  it('answers queries sent with GET and refuses mutations there', async () => {
    const get = (q: string) => fetch(`${sb.url}/api/graphql?query=${encodeURIComponent(q)}`, { headers: { authorization: `Bearer ${TOK.ops}` } });
    const ok = await get('{ currentUser { username } }');
    expect(await ok.json()).toEqual({ data: { currentUser: { username: 'ops' } } });
    const m = await get('mutation { projectCiCdSettingsUpdate(input: { fullPath: "acme/web", inboundJobTokenScopeEnabled: false }) { errors } }');
    expect(m.status).toBe(422);
    expect(await m.json()).toEqual({ errors: [{ message: 'Mutations are forbidden in GET requests' }] });
    expect(sb.state.projectByPath('acme/web')!.inboundEnabled).toBe(true);
  });
});

describe('GraphQL documents written like GitLab\'s settings page', () => {
  it('reads the allowlist with fragments, variables and aliases', async () => {
    const q = `
      fragment AccessibleProject on CiJobTokenAccessibleProject { id name fullPath avatarUrl webUrl }
      fragment AccessibleGroup on CiJobTokenAccessibleGroup { id name fullPath avatarUrl webUrl }
      query inboundGetGroupsAndProjectsWithCIJobTokenScope($fullPath: ID!) {
        project(fullPath: $fullPath) {
          id
          ciJobTokenScopeAllowlist {
            groupsAllowlist { nodes { autopopulated defaultPermissions jobTokenPolicies target { ...AccessibleGroup } } }
            projectsAllowlist { nodes { autopopulated defaultPermissions jobTokenPolicies target { ...AccessibleProject } } }
          }
          ciJobTokenScope { groupAllowlistAutopopulatedIds inboundAllowlistAutopopulatedIds }
        }
        settings: project(fullPath: $fullPath) { ciCdSettings { inboundJobTokenScopeEnabled } }
      }`;
    const r = await gql(sb, q, { fullPath: 'acme/web' });
    expect(r.body.errors).toBeUndefined();
    const p = r.body.data.project;
    expect(p.ciJobTokenScopeAllowlist.projectsAllowlist.nodes).toEqual([
      { autopopulated: true, defaultPermissions: true, jobTokenPolicies: [], target: { id: 'gid://gitlab/Project/13', name: 'Api', fullPath: 'acme/api', avatarUrl: null, webUrl: `${sb.url}/acme/api` } },
    ]);
    expect(p.ciJobTokenScopeAllowlist.groupsAllowlist.nodes[0].target).toMatchObject({ id: 'gid://gitlab/Group/11', fullPath: 'acme/tools' });
    expect(r.body.data.settings.ciCdSettings.inboundJobTokenScopeEnabled).toBe(true);
  });

  it('reads the project and group allowlists of several projects by alias', async () => {
    const q = `query($a: ID!, $b: ID!) {
      a: project(fullPath: $a) { ...Scope }
      b: project(fullPath: $b) { ...Scope }
    }
    fragment Scope on Project { fullPath ciJobTokenScope { inboundAllowlist { nodes { fullPath } } groupsAllowlist { nodes { fullPath } } } }`;
    const r = await gql(sb, q, { a: 'acme/web', b: 'acme/fine' });
    expect(r.body.data.a.ciJobTokenScope.groupsAllowlist.nodes).toEqual([{ fullPath: 'acme/tools' }]);
    expect(r.body.data.b.ciJobTokenScope.inboundAllowlist.nodes).toEqual([{ fullPath: 'acme/fine' }, { fullPath: 'acme/api' }]);
  });
});

describe('introspection', () => {
  it('holds introspection to the limits too: 250 with a token, 217 anonymous for IntrospectionQuery, 200 otherwise', async () => {
    const { getIntrospectionQuery } = await import('graphql');
    // graphql-js's standard query costs 220 by GitLab's rule (GitLab sized 217 for GraphiQL's).
    expect((await gql(sb, getIntrospectionQuery(), undefined, null)).body).toEqual({ errors: [{ message: 'Query has complexity of 220, which exceeds max complexity of 217' }] });
    const limit = async (q: string) => (await gql(sb, q, undefined, null)).body.data.queryComplexity.limit;
    expect(await limit('query IntrospectionQuery { queryComplexity { score limit } }')).toBe(217);
    expect(await limit('query Other { queryComplexity { score limit } }')).toBe(200);
    const r = await gql(sb, getIntrospectionQuery());
    expect(r.body.errors).toBeUndefined();
    const types = r.body.data.__schema.types.map((t: { name: string }) => t.name);
    expect(types).toEqual(expect.arrayContaining(['CiJobTokenScopeType', 'CiJobTokenScopePolicies', 'CiJobTokenAuthLogConnection']));
    const policies = r.body.data.__schema.types.find((t: { name: string }) => t.name === 'CiJobTokenScopePolicies');
    const deprecated = policies.enumValues.filter((v: { isDeprecated: boolean }) => v.isDeprecated).map((v: { name: string }) => v.name);
    expect(deprecated).toEqual(['READ_CONTAINERS', 'ADMIN_CONTAINERS']);
    expect(policies.enumValues).toHaveLength(24);
    expect(policies.enumValues.map((v: { name: string }) => v.name)).toEqual(expect.arrayContaining(['READ_BADGES', 'ADMIN_BADGES', 'ADMIN_REPOSITORIES']));
  });
});
