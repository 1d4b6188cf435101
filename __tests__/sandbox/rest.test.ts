import { startSandbox } from '../../lib/sandbox';
import type { Sandbox } from '../../lib/sandbox';
import { insufficientPolicyMessage } from '../../lib/sandbox/job-token-access';
import { rest, startTestSandbox, TEST_NOW, testSeed, TOK } from './helpers';

let sb: Sandbox;
beforeEach(async () => { sb = await startTestSandbox(); });
afterEach(async () => { await sb.stop(); });

const INSUFFICIENT_SCOPE = {
  error: 'insufficient_scope',
  error_description: 'The request requires higher privileges than provided by the access token.',
  scope: 'api',
};

describe('job_token_scope endpoints', () => {
  it('reads and toggles the scope with :id as number or encoded path', async () => {
    expect(await rest(sb, 'GET', '/projects/acme%2Fweb/job_token_scope')).toMatchObject({ status: 200, body: { inbound_enabled: true, outbound_enabled: false } });
    const patch = await rest(sb, 'PATCH', '/projects/12/job_token_scope', { body: { enabled: false } });
    expect(patch.status).toBe(204);
    expect(patch.text).toBe('');
    expect((await rest(sb, 'GET', '/projects/12/job_token_scope')).body).toEqual({ inbound_enabled: false, outbound_enabled: false });
    expect(await rest(sb, 'PATCH', '/projects/12/job_token_scope', { body: {} })).toMatchObject({ status: 400, body: { error: 'enabled is missing' } });
    expect(await rest(sb, 'PATCH', '/projects/12/job_token_scope', { body: { enabled: 'maybe' } })).toMatchObject({ status: 400, body: { error: 'enabled is invalid' } });
  });

  it('lists the allowlist with the project itself first, as basic project objects, with offset pagination headers', async () => {
    const r = await rest(sb, 'GET', '/projects/acme%2Fbig/job_token_scope/allowlist?per_page=10&page=2');
    expect(r.status).toBe(200);
    expect(r.body).toHaveLength(10);
    expect(r.body[0]).toMatchObject({ path_with_namespace: 'acme/many/p09', path: 'p09', name: 'P09', web_url: `${sb.url}/acme/many/p09`, namespace: { full_path: 'acme/many', kind: 'group' } });
    expect(Object.fromEntries(['x-page', 'x-per-page', 'x-next-page', 'x-prev-page', 'x-total', 'x-total-pages'].map((h) => [h, r.headers.get(h)])))
      .toEqual({ 'x-page': '2', 'x-per-page': '10', 'x-next-page': '3', 'x-prev-page': '1', 'x-total': '26', 'x-total-pages': '3' });
    const link = r.headers.get('link')!;
    expect(link).toContain(`<${sb.url}/api/v4/projects/acme%2Fbig/job_token_scope/allowlist?per_page=10&page=3>; rel="next"`);
    expect(link).toContain('rel="prev"');
    expect(link).toContain('rel="first"');
    expect(link).toContain('rel="last"');
    const first = await rest(sb, 'GET', '/projects/12/job_token_scope/allowlist');
    expect(first.body.map((p: { path_with_namespace: string }) => p.path_with_namespace)).toEqual(['acme/web', 'acme/api']);
    expect(first.headers.get('x-per-page')).toBe('20');
    expect(first.headers.get('x-next-page')).toBe('');
    expect((await rest(sb, 'GET', '/projects/18/job_token_scope/allowlist?per_page=500')).headers.get('x-per-page')).toBe('100');
  });

  it('adds and removes projects with GitLab\'s bodies and status codes', async () => {
    expect(await rest(sb, 'POST', '/projects/12/job_token_scope/allowlist', { body: { target_project_id: 15 } }))
      .toMatchObject({ status: 201, body: { source_project_id: 12, target_project_id: 15 } });
    expect(await rest(sb, 'POST', '/projects/12/job_token_scope/allowlist', { body: { target_project_id: 15 } }))
      .toMatchObject({ status: 400, body: { message: '400 Bad request - This project is already in the job token allowlist.' } });
    expect(await rest(sb, 'POST', '/projects/12/job_token_scope/allowlist', { body: { target_project_id: 12 } }))
      .toMatchObject({ status: 400, body: { message: "400 Bad request - Validation failed: Target project can't be the same as the source project" } });
    // Grape's not_found!("target_project_id not found") wraps its argument in "404 ... Not Found".
    expect(await rest(sb, 'POST', '/projects/12/job_token_scope/allowlist', { body: { target_project_id: 9999 } }))
      .toEqual(expect.objectContaining({ status: 404, body: { message: '404 target_project_id not found Not Found' } }));
    expect(await rest(sb, 'POST', '/projects/12/job_token_scope/allowlist', { body: { target_project_id: 17 } }))
      .toMatchObject({ status: 400, body: { message: "400 Bad request - The target_project that you are attempting to access does not exist or you don't have permission to perform this action" } });
    expect(await rest(sb, 'POST', '/projects/12/job_token_scope/allowlist', { body: {} }))
      .toMatchObject({ status: 400, body: { error: 'target_project_id is missing' } });
    const del = await rest(sb, 'DELETE', '/projects/12/job_token_scope/allowlist/15');
    expect(del.status).toBe(204);
    expect(await rest(sb, 'DELETE', '/projects/12/job_token_scope/allowlist/15'))
      .toEqual(expect.objectContaining({ status: 400, body: { message: '400 Bad request - Target project is not in the job token scope' } }));
    expect(await rest(sb, 'DELETE', '/projects/12/job_token_scope/allowlist/12'))
      .toEqual(expect.objectContaining({ status: 400, body: { message: '400 Bad request - Source project cannot be removed from the job token scope' } }));
    // find_project!: a missing or invisible target is the ordinary project 404.
    expect(await rest(sb, 'DELETE', '/projects/12/job_token_scope/allowlist/9999'))
      .toEqual(expect.objectContaining({ status: 404, body: { message: '404 Project Not Found' } }));
    expect(await rest(sb, 'DELETE', '/projects/12/job_token_scope/allowlist/17'))
      .toEqual(expect.objectContaining({ status: 404, body: { message: '404 Project Not Found' } }));
    // No Maintainer gate before the service: it refuses with its own reason.
    expect(await rest(sb, 'DELETE', '/projects/12/job_token_scope/allowlist/13', { token: TOK.dev }))
      .toEqual(expect.objectContaining({ status: 403, body: { message: '403 Forbidden - Insufficient permissions to modify the job token scope' } }));
    expect(sb.state.projectByPath('acme/web')!.projectLinks.has(13)).toBe(true);
  });

  it('POST and DELETE on both allowlists take only a numeric :id, as GitLab\'s `requires :id, type: Integer` (a path is "id is invalid")', async () => {
    const invalid = { status: 400, body: { error: 'id is invalid' } };
    expect(await rest(sb, 'POST', '/projects/acme%2Fweb/job_token_scope/allowlist', { body: { target_project_id: 15 } })).toMatchObject(invalid);
    expect(await rest(sb, 'DELETE', '/projects/acme%2Fweb/job_token_scope/allowlist/13')).toMatchObject(invalid);
    expect(await rest(sb, 'POST', '/projects/acme%2Fweb/job_token_scope/groups_allowlist', { body: { target_group_id: 20 } })).toMatchObject(invalid);
    expect(await rest(sb, 'DELETE', '/projects/acme%2Fweb/job_token_scope/groups_allowlist/11')).toMatchObject(invalid);
    // A path in another case is no better: the id is refused before any lookup.
    expect(await rest(sb, 'POST', '/projects/ACME%2FWEB/job_token_scope/allowlist', { body: { target_project_id: 15 } })).toMatchObject(invalid);
    // Nothing changed; GET and PATCH still take the encoded path.
    expect(sb.state.projectByPath('acme/web')!.projectLinks.has(13)).toBe(true);
    expect((await rest(sb, 'GET', '/projects/acme%2Fweb/job_token_scope/allowlist')).status).toBe(200);
    expect((await rest(sb, 'PATCH', '/projects/acme%2Fweb/job_token_scope', { body: { enabled: true } })).status).toBe(204);
    // Authentication still comes first.
    expect((await rest(sb, 'POST', '/projects/acme%2Fweb/job_token_scope/allowlist', { token: 'glpat-unknown-token-00000000000', body: { target_project_id: 15 } })).status).toBe(401);
  });

  it('lists, adds and removes groups', async () => {
    expect((await rest(sb, 'GET', '/projects/12/job_token_scope/groups_allowlist')).body).toEqual([{ id: 11, name: 'Tools', web_url: `${sb.url}/groups/acme/tools` }]);
    const g00 = sb.state.groupByPath('acme/g00')!.id;
    expect(await rest(sb, 'POST', '/projects/12/job_token_scope/groups_allowlist', { body: { target_group_id: g00 } }))
      .toMatchObject({ status: 201, body: { source_project_id: 12, target_group_id: g00 } });
    expect(await rest(sb, 'POST', '/projects/12/job_token_scope/groups_allowlist', { body: { target_group_id: g00 } }))
      .toMatchObject({ status: 400, body: { message: '400 Bad request - This group is already in the job token allowlist.' } });
    expect(await rest(sb, 'POST', '/projects/12/job_token_scope/groups_allowlist', { body: { target_group_id: 99999 } }))
      .toEqual(expect.objectContaining({ status: 404, body: { message: '404 target_group_id not found Not Found' } }));
    expect((await rest(sb, 'DELETE', `/projects/12/job_token_scope/groups_allowlist/${g00}`)).status).toBe(204);
    expect(await rest(sb, 'DELETE', `/projects/12/job_token_scope/groups_allowlist/${g00}`))
      .toEqual(expect.objectContaining({ status: 400, body: { message: '400 Bad request - Target group is not in the job token scope' } }));
    expect(await rest(sb, 'DELETE', '/projects/12/job_token_scope/groups_allowlist/99999'))
      .toEqual(expect.objectContaining({ status: 404, body: { message: '404 target_group_id not found Not Found' } }));
    expect(await rest(sb, 'DELETE', '/projects/12/job_token_scope/groups_allowlist/11', { token: TOK.dev }))
      .toEqual(expect.objectContaining({ status: 403, body: { message: '403 Forbidden - Insufficient permissions to modify the job token scope' } }));
  });

  it('answers 401, 403 and 404 like GitLab', async () => {
    expect(await rest(sb, 'GET', '/projects/12/job_token_scope', { token: null })).toMatchObject({ status: 401, body: { message: '401 Unauthorized' } });
    expect(await rest(sb, 'GET', '/projects/12/job_token_scope', { token: 'glpat-bogus-00000000000000000000' })).toMatchObject({ status: 401, body: { message: '401 Unauthorized' } });
    expect(await rest(sb, 'GET', '/projects/12/job_token_scope', { token: TOK.revoked }))
      .toMatchObject({ status: 401, body: { error: 'invalid_token', error_description: 'Token was revoked. You have to re-authorize from the user.' } });
    expect(await rest(sb, 'GET', '/projects/12/job_token_scope', { token: TOK.expired }))
      .toMatchObject({ status: 401, body: { error: 'invalid_token', error_description: 'Token is expired. You can either do re-authorization or token refresh.' } });
    expect(await rest(sb, 'GET', '/projects/12/job_token_scope', { token: TOK.dev })).toMatchObject({ status: 403, body: { message: '403 Forbidden' } });
    expect(await rest(sb, 'GET', '/projects/17/job_token_scope')).toMatchObject({ status: 404, body: { message: '404 Project Not Found' } });
    expect(await rest(sb, 'GET', '/projects/acme%2Fnope/job_token_scope')).toMatchObject({ status: 404, body: { message: '404 Project Not Found' } });
    expect(await rest(sb, 'POST', '/projects/12/job_token_scope/allowlist', { token: TOK.opsRead, body: { target_project_id: 15 } }))
      .toMatchObject({ status: 403, body: INSUFFICIENT_SCOPE });
    expect((await rest(sb, 'GET', '/projects/12/job_token_scope', { token: TOK.opsRead })).status).toBe(200);
    expect(await rest(sb, 'GET', '/projects/12/job_token_scope', { token: null, jobToken: TOK.jobDevOnWeb })).toMatchObject({ status: 401 });
    expect(await rest(sb, 'GET', '/projects/12/job_token_scope', { token: null, headers: { 'Deploy-Token': TOK.deploy } })).toMatchObject({ status: 401 });
    expect(await rest(sb, 'GET', '/projects/12/job_token_scope', { token: TOK.deploy })).toMatchObject({ status: 401 });
  });

  it('answers unknown routes and malformed bodies', async () => {
    expect(await rest(sb, 'GET', '/nothing/here')).toMatchObject({ status: 404, body: { error: '404 Not Found' } });
    expect(await rest(sb, 'POST', '/projects/12/job_token_scope/allowlist', { body: '{"target_project_id":' }))
      .toMatchObject({ status: 400, body: { message: '400 Bad request - the request body is not valid JSON' } });
    const outside = await fetch(`${sb.url}/nope`);
    expect(outside.status).toBe(404);
    expect(await outside.json()).toEqual({ error: '404 Not Found' });
  });
});

describe('identity endpoints', () => {
  it('GET /job: the running job for a live job token; 401 once finished; 404 for other tokens', async () => {
    const job = await rest(sb, 'GET', '/job', { token: null, jobToken: TOK.job });
    expect(job.status).toBe(200);
    expect(job.body).toMatchObject({ status: 'running', pipeline: { project_id: 13 }, user: { username: 'dev' } });
    expect(await rest(sb, 'GET', '/job', { token: null, jobToken: TOK.jobDone })).toMatchObject({ status: 401, body: { message: '401 Unauthorized' } });
    expect(await rest(sb, 'GET', '/job')).toMatchObject({ status: 404, body: { message: '404 Job Not Found' } });
    expect((await fetch(`${sb.url}/api/v4/job?job_token=${TOK.job}`)).status).toBe(200);
  });

  it('GET /user: users and bots; job tokens refused', async () => {
    expect((await rest(sb, 'GET', '/user')).body).toMatchObject({ username: 'ops', bot: false });
    expect((await rest(sb, 'GET', '/user', { token: TOK.webBot })).body).toMatchObject({ username: expect.stringMatching(/^project_12_bot_[0-9a-f]{32}$/), bot: true });
    expect((await rest(sb, 'GET', '/user', { token: TOK.groupBot })).body).toMatchObject({ username: expect.stringMatching(/^group_10_bot_[0-9a-f]{32}$/), bot: true });
    expect((await rest(sb, 'GET', '/user', { token: null, jobToken: TOK.job })).status).toBe(401);
    expect((await rest(sb, 'GET', '/user', { token: TOK.job })).status).toBe(401);
  });

  it('GET /personal_access_tokens/self and GET /version', async () => {
    expect((await rest(sb, 'GET', '/personal_access_tokens/self')).body).toEqual({
      id: 1, name: 'automation', description: null, revoked: false, created_at: expect.any(String), expires_at: '2027-01-31',
      last_used_at: expect.any(String), scopes: ['api'], user_id: sb.state.userByName('ops')!.id, active: true,
    });
    expect((await rest(sb, 'GET', '/personal_access_tokens/self', { token: null, jobToken: TOK.job })).status).toBe(401);
    expect((await rest(sb, 'GET', '/version')).body).toMatchObject({ version: '18.6.0-ee', revision: expect.any(String) });
    expect((await rest(sb, 'GET', '/version', { token: null })).status).toBe(401);
  });

  it('GET /projects/:id with the caller\'s permissions', async () => {
    const asDev = await rest(sb, 'GET', '/projects/acme%2Fweb', { token: TOK.dev });
    expect(asDev.body).toMatchObject({ id: 12, path_with_namespace: 'acme/web', visibility: 'private',
      permissions: { project_access: { access_level: 30 }, group_access: null } });
    const asOps = await rest(sb, 'GET', '/projects/12');
    expect(asOps.body.permissions).toEqual({ project_access: null, group_access: { access_level: 40, notification_level: 3 } });
    expect((await rest(sb, 'GET', '/projects/15', { token: null })).body.permissions).toEqual({ project_access: null, group_access: null });
    expect((await rest(sb, 'GET', '/projects/12', { token: null })).status).toBe(404);
  });
});

describe('job-token access to another project (GET /projects/:id/releases)', () => {
  const releases = (target: string, jobToken: string) => rest(sb, 'GET', `/projects/${target}/releases`, { token: null, jobToken });

  it('allows an allowlisted origin and records it in the target\'s authentication log', async () => {
    sb.state.projectByPath('acme/web')!.authLog.clear();
    expect(await releases('12', TOK.job)).toMatchObject({ status: 200, body: [] });
    expect(sb.state.projectByPath('acme/web')!.authLog.get(13)).toBe('2026-11-23T12:00:00.000Z');
  });

  it('allows origins under an allowlisted group, at any depth', async () => {
    expect((await releases('12', TOK.jobTools)).status).toBe(200);
    expect(sb.state.projectByPath('acme/web')!.authLog.has(14)).toBe(true);
  });

  it('refuses an origin not in the allowlist with GitLab\'s 403 text', async () => {
    expect(await releases('acme%2Fapi', TOK.jobDevOnWeb))
      .toMatchObject({ status: 403, body: { message: '403 Forbidden - Authentication by CI/CD job token not allowed from web to api.' } });
    expect(sb.state.projectByPath('acme/api')!.authLog.size).toBe(0);
  });

  it('lets a project reach itself without logging it, and lets anyone in when limitAccess is off', async () => {
    expect((await releases('12', TOK.jobDevOnWeb)).status).toBe(200);
    expect(sb.state.projectByPath('acme/web')!.authLog.has(12)).toBe(false);
    expect((await releases('15', TOK.job)).status).toBe(200);
    expect(sb.state.projectByPath('acme/open')!.authLog.has(13)).toBe(true);
  });

  it('checks fine-grained permissions when the entry has defaultPermissions false', async () => {
    expect(await releases('16', TOK.job)).toMatchObject({ status: 403, body: {
      message: '403 Forbidden - Insufficient permissions to access this resource in project fine. The following token permission is required: read_releases.' } });
    sb.state.projectByPath('acme/fine')!.projectLinks.get(13)!.jobTokenPolicies.push('READ_RELEASES');
    expect((await releases('16', TOK.job)).status).toBe(200);
  });

  it('lets only the nearest entry decide: the project entry over any group, the nearest group over its parents', async () => {
    const fine = sb.state.projectByPath('acme/fine')!;
    const acme = sb.state.groupByPath('acme')!;
    const tools = sb.state.groupByPath('acme/tools')!;
    // acme/api's own entry grants READ_JOBS only; a group entry with the defaults does not widen it.
    fine.groupLinks.set(acme.id, sb.state.newLink('group', acme.id));
    expect(await releases('16', TOK.job)).toMatchObject({ status: 403, body: {
      message: '403 Forbidden - Insufficient permissions to access this resource in project fine. The following token permission is required: read_releases.' } });
    // acme/tools/cli: acme/tools (nearer, READ_JOBS) decides over acme (farther, defaults).
    fine.groupLinks.set(tools.id, sb.state.newLink('group', tools.id, { defaultPermissions: false, jobTokenPolicies: ['READ_JOBS'] }));
    expect((await releases('16', TOK.jobTools)).status).toBe(403);
    fine.groupLinks.set(tools.id, sb.state.newLink('group', tools.id));
    fine.groupLinks.set(acme.id, sb.state.newLink('group', acme.id, { defaultPermissions: false, jobTokenPolicies: ['READ_JOBS'] }));
    expect((await releases('16', TOK.jobTools)).status).toBe(200);
  });

  it('words the fine-grained refusal as GitLab does for one, two, three and no permissions', () => {
    const fine = sb.state.projectByPath('acme/fine')!;
    expect(insufficientPolicyMessage(fine, ['read_releases'])).toBe(
      '403 Forbidden - Insufficient permissions to access this resource in project fine. The following token permission is required: read_releases.');
    expect(insufficientPolicyMessage(fine, ['read_jobs', 'read_releases'])).toBe(
      '403 Forbidden - Insufficient permissions to access this resource in project fine. The following token permissions are required: read_jobs and read_releases.');
    expect(insufficientPolicyMessage(fine, ['a', 'b', 'c'])).toMatch(/The following token permissions are required: a, b, and c\.$/);
    expect(insufficientPolicyMessage(fine, [])).toBe('403 Forbidden - This action is unauthorized for CI/CD job tokens.');
  });

  it('skips the fine-grained check while add_policies_to_ci_job_token is off', async () => {
    const seed = testSeed();
    seed.instance = { ...seed.instance, featureFlags: { add_policies_to_ci_job_token: false } };
    const off = await startSandbox({ seed, now: TEST_NOW });
    try {
      const r = await fetch(`${off.url}/api/v4/projects/16/releases`, { headers: { 'JOB-TOKEN': TOK.job } });
      expect(r.status).toBe(200);
    } finally {
      await off.stop();
    }
  });

  it('needs the job user to have access to the target, and a running job', async () => {
    const secret = sb.state.projectByPath('other/secret')!;
    secret.projectLinks.set(13, sb.state.newLink('project', 13));
    expect(await releases('17', TOK.job)).toMatchObject({ status: 404, body: { message: '404 Project Not Found' } });
    expect(await releases('12', TOK.jobDone)).toMatchObject({ status: 401, body: { message: '401 Unauthorized' } });
    expect(await releases('9999', TOK.job)).toMatchObject({ status: 404, body: { message: '404 Project Not Found' } });
  });

  it('applies the instance enforcement to projects that turned their allowlist off', async () => {
    sb.state.instance.enforceAllowlist = true;
    expect(await releases('15', TOK.jobOutsider)).toMatchObject({ status: 403, body: { message: '403 Forbidden - Authentication by CI/CD job token not allowed from secret to open.' } });
  });
});

describe('merge request notes', () => {
  it('creates, lists and updates notes; unknown merge requests are 404', async () => {
    const created = await rest(sb, 'POST', '/projects/12/merge_requests/1/notes', { body: { body: 'plan: +1 ~0 -0' } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ body: 'plan: +1 ~0 -0', author: { username: 'ops' }, system: false, noteable_type: 'MergeRequest', noteable_iid: 1 });
    const list = await rest(sb, 'GET', '/projects/acme%2Fweb/merge_requests/1/notes');
    expect(list.body.map((n: { id: number }) => n.id)).toEqual([created.body.id]);
    expect(list.headers.get('x-total')).toBe('1');
    const updated = await rest(sb, 'PUT', `/projects/12/merge_requests/1/notes/${created.body.id}`, { body: { body: 'plan: no changes' } });
    expect(updated).toMatchObject({ status: 200, body: { id: created.body.id, body: 'plan: no changes' } });
    expect(await rest(sb, 'PUT', `/projects/12/merge_requests/1/notes/${created.body.id}`, { token: TOK.root, body: {} })).toMatchObject({ status: 400, body: { error: 'body is missing' } });
    expect(await rest(sb, 'PUT', `/projects/12/merge_requests/1/notes/${created.body.id}`, { token: TOK.dev, body: { body: 'x' } })).toMatchObject({ status: 403 });
    expect(await rest(sb, 'PUT', '/projects/12/merge_requests/1/notes/999', { body: { body: 'x' } })).toMatchObject({ status: 404, body: { message: '404 Note Not Found' } });
    expect(await rest(sb, 'GET', '/projects/12/merge_requests/2/notes')).toMatchObject({ status: 404, body: { message: '404 Not found' } });
    expect(await rest(sb, 'POST', '/projects/12/merge_requests/1/notes', { token: TOK.opsRead, body: { body: 'x' } })).toMatchObject({ status: 403, body: INSUFFICIENT_SCOPE });
  });
});
