import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Sandbox, SeedFile } from '../../lib/sandbox';
import { startSandbox } from '../../lib/sandbox';
import { insufficientPolicyMessage, scopeDeniedMessage } from '../../lib/sandbox/job-token-access';
import { testSeed, TEST_NOW, TOK } from './helpers';

/**
 * GitLab-managed Terraform state in the sandbox, held to gitlabhq's
 * lib/api/terraform/state.rb, RemoteStateHandler and spec/requests/api/terraform/state_spec.rb.
 */
const OPS_JOB = 'glcbt-64_testOpsWebRunningJob06';

function seed(): SeedFile {
  const s = testSeed();
  s.tokens = [...(s.tokens ?? []), { token: OPS_JOB, type: 'job', project: 'acme/web', user: 'ops', jobStatus: 'running' }];
  return s;
}

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

interface Res { status: number; text: string; headers: Headers; json: unknown }

async function call(sb: Sandbox, method: string, p: string, opts: { auth?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Res> {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  if (opts.auth) headers.authorization = opts.auth;
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  const r = await fetch(`${sb.url}/api/v4${p}`, { method, headers, body: opts.body });
  const text = await r.text();
  let parsed: unknown;
  try { parsed = text ? JSON.parse(text) : undefined; } catch { parsed = undefined; }
  return { status: r.status, text, headers: r.headers, json: parsed };
}

const OPS = basic('anything', TOK.ops);
const lockBody = (id: string, op = 'OperationTypeApply') =>
  JSON.stringify({ ID: id, Operation: op, Info: '', Who: 'runner@ci', Version: '1.11.4', Created: '2026-11-23T12:00:00Z', Path: '' });
const stateBody = (serial: number, extra: object = {}) => JSON.stringify({ version: 4, terraform_version: '1.11.4', serial, lineage: 'l-1', outputs: {}, resources: [], ...extra });

describe('Terraform state API', () => {
  let sb: Sandbox;
  beforeEach(async () => { sb = await startSandbox({ seed: seed(), now: TEST_NOW, maxTerraformStateBytes: 4096 }); });
  afterEach(async () => { await sb.stop(); });

  it('the lifecycle Terraform walks: 404, lock, 204, write under the lock id, read, conflicts, unlock, delete', async () => {
    const p = '/projects/12/terraform/state/acme-web';
    expect(await call(sb, 'GET', p, { auth: OPS })).toMatchObject({ status: 404, json: { message: '404 Not found' } });

    const locked = await call(sb, 'POST', `${p}/lock`, { auth: OPS, body: lockBody('lock-1') });
    expect(locked.status).toBe(200);
    expect(locked.json).toEqual({
      Operation: 'OperationTypeApply', Info: '', Version: '1.11.4', Path: '', ID: 'lock-1', Who: 'ops', Created: '2026-11-23T12:00:00.000Z',
    });
    // The lock created the record; it has no version yet.
    expect(await call(sb, 'GET', p, { auth: OPS })).toMatchObject({ status: 204, text: '' });

    expect(await call(sb, 'POST', `${p}?ID=lock-1`, { auth: OPS, body: stateBody(1) })).toMatchObject({ status: 200, text: '' });
    const read = await call(sb, 'GET', p, { auth: OPS });
    expect(read.status).toBe(200);
    expect(read.text).toBe(stateBody(1));

    // Another writer: without the id, or with another one, RemoteStateHandler raises StateLockedError, which the API does not rescue.
    expect(await call(sb, 'POST', p, { auth: OPS, body: stateBody(2) })).toMatchObject({ status: 500, json: { message: '500 Internal Server Error' } });
    expect(await call(sb, 'POST', `${p}?ID=other`, { auth: OPS, body: stateBody(2) })).toMatchObject({ status: 500 });
    const conflict = await call(sb, 'POST', `${p}/lock`, { auth: basic('x', TOK.groupBot), body: lockBody('lock-2', 'OperationTypePlan') });
    expect(conflict.status).toBe(409);
    // The request's Operation/Info/Version/Path, the holder's ID, Who and Created.
    expect(conflict.json).toEqual({
      Operation: 'OperationTypePlan', Info: '', Version: '1.11.4', Path: '', ID: 'lock-1', Who: 'ops', Created: '2026-11-23T12:00:00.000Z',
    });
    expect(await call(sb, 'DELETE', `${p}/lock`, { auth: OPS, body: lockBody('lock-2') })).toMatchObject({ status: 409, text: '409' });
    // A locked state is not deleted (TriggerDestroyService refuses; the API still says 200).
    expect((await call(sb, 'DELETE', p, { auth: OPS })).status).toBe(200);
    expect((await call(sb, 'GET', p, { auth: OPS })).status).toBe(200);

    expect(await call(sb, 'DELETE', `${p}/lock`, { auth: OPS, body: lockBody('lock-1') })).toMatchObject({ status: 200, text: '200' });
    expect(await call(sb, 'POST', p, { auth: OPS, body: stateBody(2) })).toMatchObject({ status: 200 });
    expect(await call(sb, 'DELETE', p, { auth: OPS })).toMatchObject({ status: 200, text: '' });
    expect((await call(sb, 'GET', p, { auth: OPS })).status).toBe(404);
    expect(await call(sb, 'DELETE', p, { auth: OPS })).toMatchObject({ status: 404, json: { message: '404 Not found' } });
  });

  it('force-unlock (no ID) releases any lock; an ID on an unlocked state is a conflict', async () => {
    const p = '/projects/acme%2Fweb/terraform/state/s';
    await call(sb, 'POST', `${p}/lock`, { auth: OPS, body: lockBody('held') });
    expect(await call(sb, 'DELETE', `${p}/lock`, { auth: OPS })).toMatchObject({ status: 200 });
    expect(await call(sb, 'DELETE', `${p}/lock?ID=held`, { auth: OPS })).toMatchObject({ status: 409 });
    expect((await call(sb, 'POST', `${p}/lock`, { auth: OPS, body: lockBody('again') })).status).toBe(200);
  });

  it('payload errors with GitLab\'s answers', async () => {
    const p = '/projects/12/terraform/state/payload';
    expect(await call(sb, 'POST', p, { auth: OPS, body: '' })).toMatchObject({ status: 204, text: '' });
    expect(await call(sb, 'POST', p, { auth: OPS, body: '{"version":4,' })).toMatchObject({ status: 422, json: { message: 'invalid JSON' } });
    expect(await call(sb, 'POST', p, { auth: OPS, body: '{"version":4,"lineage":"x"}' })).toMatchObject({ status: 422, json: { message: 'No serial in payload' } });
    expect(await call(sb, 'POST', p, { auth: OPS, body: stateBody(3) })).toMatchObject({ status: 200 });
    const again = await call(sb, 'POST', p, { auth: OPS, body: stateBody(3) });
    expect(again.status).toBe(422);
    expect((again.json as { message: string }).message).toMatch(/^PG::UniqueViolation: ERROR: {2}duplicate key value violates unique constraint/);
    // max_terraform_state_size_bytes (4096 here): over it, 413.
    const big = stateBody(4, { outputs: { x: { value: 'y'.repeat(5000), type: 'string' } } });
    expect(await call(sb, 'POST', p, { auth: OPS, body: big })).toMatchObject({ status: 413, json: { message: '413 Request Entity Too Large' } });
  });

  it('state names: one segment (an encoded slash is allowed), at most 255 characters; lock parameters required', async () => {
    expect(await call(sb, 'GET', '/projects/12/terraform/state/foo/bar', { auth: OPS })).toMatchObject({ status: 404, json: { error: '404 Not Found' } });
    expect((await call(sb, 'POST', '/projects/12/terraform/state/test%2Ffoo', { auth: OPS, body: stateBody(1) })).status).toBe(200);
    expect(sb.terraformStates.find(12, 'test/foo')?.serials).toEqual([1]);
    expect(await call(sb, 'GET', `/projects/12/terraform/state/${'n'.repeat(256)}`, { auth: OPS }))
      .toMatchObject({ status: 400, json: { error: 'name must be less than 255 characters' } });
    expect((await call(sb, 'POST', `/projects/12/terraform/state/${'n'.repeat(255)}`, { auth: OPS, body: stateBody(1) })).status).toBe(200);
    expect(await call(sb, 'DELETE', `/projects/12/terraform/state/s/lock?ID=${'0'.repeat(256)}`, { auth: OPS }))
      .toMatchObject({ status: 400, json: { error: 'ID must be less than 255 characters' } });
    expect(await call(sb, 'POST', '/projects/12/terraform/state/s/lock', { auth: OPS, body: JSON.stringify({ ID: 'x', Info: '' }) }))
      .toMatchObject({ status: 400, json: { error: 'Operation is missing, Who is missing, Version is missing, Created is missing, Path is missing' } });
    expect(await call(sb, 'PUT', '/projects/12/terraform/state/s', { auth: OPS, body: stateBody(1) })).toMatchObject({ status: 405 });
    expect(await call(sb, 'GET', '/projects/9999/terraform/state/s', { auth: OPS })).toMatchObject({ status: 404, json: { message: '404 Project Not Found' } });
  });

  it('basic auth: any username with an access token; gitlab-ci-token with a running job\'s token; nothing else', async () => {
    const p = '/projects/12/terraform/state/auth';
    expect(await call(sb, 'GET', p)).toMatchObject({ status: 401, json: { message: '401 Unauthorized' } });
    expect((await call(sb, 'POST', p, { auth: basic('whoever', TOK.ops), body: stateBody(1) })).status).toBe(200);
    expect((await call(sb, 'POST', p, { auth: basic('gitlab-ci-token', OPS_JOB), body: stateBody(2) })).status).toBe(200);
    // PRIVATE-TOKEN works as everywhere in the API; a JOB-TOKEN header is not accepted here.
    expect((await call(sb, 'GET', p, { headers: { 'PRIVATE-TOKEN': TOK.ops } })).status).toBe(200);
    expect(await call(sb, 'GET', p, { headers: { 'JOB-TOKEN': OPS_JOB } })).toMatchObject({ status: 401 });
    // A job token is only one under the username gitlab-ci-token.
    expect(await call(sb, 'GET', p, { auth: basic('ops', OPS_JOB) })).toMatchObject({ status: 401, json: { message: '401 Unauthorized' } });
    // A finished job's token is dead.
    expect(await call(sb, 'GET', p, { auth: basic('gitlab-ci-token', TOK.jobDone) })).toMatchObject({ status: 401, json: { message: '401 Unauthorized' } });
    expect(await call(sb, 'GET', p, { auth: basic('gitlab-ci-token', TOK.ops) })).toMatchObject({ status: 401 });
    expect(await call(sb, 'GET', p, { auth: basic('x', TOK.revoked) })).toMatchObject({ status: 401, json: { error: 'invalid_token' } });
    expect(await call(sb, 'GET', p, { auth: basic('x', 'glpat-nope') })).toMatchObject({ status: 401, json: { message: '401 Unauthorized' } });
    // OAuth tokens are not personal access tokens: not over basic auth.
    expect(await call(sb, 'GET', p, { auth: basic('x', TOK.oauth) })).toMatchObject({ status: 401 });
    expect((await call(sb, 'GET', p, { auth: `Bearer ${TOK.oauth}` })).status).toBe(200);
  });

  it('roles: Developer reads, Maintainer writes and locks; read_api reads only', async () => {
    const p = '/projects/12/terraform/state/roles';
    await call(sb, 'POST', p, { auth: OPS, body: stateBody(1) });
    const dev = basic('dev', TOK.dev);
    expect((await call(sb, 'GET', p, { auth: dev })).status).toBe(200);
    expect(await call(sb, 'POST', p, { auth: dev, body: stateBody(2) })).toMatchObject({ status: 403, json: { message: '403 Forbidden' } });
    expect(await call(sb, 'POST', `${p}/lock`, { auth: dev, body: lockBody('d') })).toMatchObject({ status: 403, json: { message: '403 Forbidden' } });
    expect(await call(sb, 'DELETE', `${p}/lock`, { auth: dev })).toMatchObject({ status: 403 });
    expect(await call(sb, 'DELETE', p, { auth: dev })).toMatchObject({ status: 403 });
    // A Developer's running job is a Developer too.
    expect(await call(sb, 'POST', p, { auth: basic('gitlab-ci-token', TOK.jobDevOnWeb), body: stateBody(2) })).toMatchObject({ status: 403 });
    expect((await call(sb, 'GET', p, { auth: basic('gitlab-ci-token', TOK.jobDevOnWeb) })).status).toBe(200);
    const readApi = basic('x', TOK.opsRead);
    expect((await call(sb, 'GET', p, { auth: readApi })).status).toBe(200);
    expect(await call(sb, 'POST', p, { auth: readApi, body: stateBody(2) }))
      .toMatchObject({ status: 403, json: { error: 'insufficient_scope', scope: 'api' } });
    // acme/open: dev is a Reporter.
    expect(await call(sb, 'GET', '/projects/15/terraform/state/x', { auth: dev })).toMatchObject({ status: 403, json: { message: '403 Forbidden' } });
    expect(await call(sb, 'GET', p, { auth: basic('x', TOK.outsider) })).toMatchObject({ status: 404, json: { message: '404 Project Not Found' } });
  });

  it('a job token of another project reaches the state only through the state project\'s inbound allowlist', async () => {
    const web = sb.state.projectByPath('acme/web')!;
    await call(sb, 'POST', '/projects/12/terraform/state/x', { auth: OPS, body: stateBody(1) });
    // acme/api is on acme/web's allowlist; acme/tools/cli is under the allowlisted group acme/tools.
    expect((await call(sb, 'GET', '/projects/12/terraform/state/x', { auth: basic('gitlab-ci-token', TOK.job) })).status).toBe(200);
    expect((await call(sb, 'GET', '/projects/12/terraform/state/x', { auth: basic('gitlab-ci-token', TOK.jobTools) })).status).toBe(200);
    const denied = await call(sb, 'GET', '/projects/12/terraform/state/x', { auth: basic('gitlab-ci-token', TOK.jobOutsider) });
    expect(denied).toMatchObject({ status: 403, json: { message: scopeDeniedMessage(sb.state.projectByPath('other/secret')!, web) } });
    // acme/fine allows acme/api with READ_JOBS only: no read_terraform_state.
    const fine = sb.state.projectByPath('acme/fine')!;
    expect(await call(sb, 'GET', '/projects/16/terraform/state/x', { auth: basic('gitlab-ci-token', TOK.job) }))
      .toMatchObject({ status: 403, json: { message: insufficientPolicyMessage(fine, ['read_terraform_state']) } });
  });

  it('state calls are counted on their own, not as REST calls or mutations', async () => {
    const before = sb.stats();
    await call(sb, 'POST', '/projects/12/terraform/state/count/lock', { auth: OPS, body: lockBody('c') });
    await call(sb, 'POST', '/projects/12/terraform/state/count?ID=c', { auth: OPS, body: stateBody(1) });
    await call(sb, 'DELETE', '/projects/12/terraform/state/count/lock', { auth: OPS, body: lockBody('c') });
    const after = sb.stats();
    expect(after.stateCalls - before.stateCalls).toBe(3);
    expect(after.httpRequests - before.httpRequests).toBe(3);
    expect(after.restCalls).toBe(before.restCalls);
    expect(after.mutations).toBe(before.mutations);
  });
});

describe('Terraform state on disk (--state-dir)', () => {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-states-')); });
  afterEach(() => { fs.rmSync(dir, { recursive: true, force: true }); });

  it('a restarted sandbox keeps its states and their locks', async () => {
    const first = await startSandbox({ seed: seed(), now: TEST_NOW, stateDir: dir });
    await call(first, 'POST', '/projects/12/terraform/state/kept', { auth: OPS, body: stateBody(7) });
    await call(first, 'POST', '/projects/12/terraform/state/kept/lock', { auth: OPS, body: lockBody('still-held') });
    await first.stop();
    const files = fs.readdirSync(path.join(dir, '12'));
    expect(files).toHaveLength(1);
    expect((fs.statSync(path.join(dir, '12', files[0])).mode & 0o777).toString(8)).toBe('600');

    const second = await startSandbox({ seed: seed(), now: TEST_NOW, stateDir: dir });
    try {
      expect((await call(second, 'GET', '/projects/12/terraform/state/kept', { auth: OPS })).text).toBe(stateBody(7));
      const conflict = await call(second, 'POST', '/projects/12/terraform/state/kept/lock', { auth: OPS, body: lockBody('new') });
      expect(conflict.status).toBe(409);
      expect((conflict.json as { ID: string }).ID).toBe('still-held');
      expect((await call(second, 'POST', '/projects/12/terraform/state/kept?ID=still-held', { auth: OPS, body: stateBody(7) })).status).toBe(422);
    } finally {
      await second.stop();
    }
  });

  it('a file that is not a sandbox state stops the start with its name', async () => {
    fs.mkdirSync(path.join(dir, '12'));
    const bad = path.join(dir, '12', `${'a'.repeat(64)}.json`);
    fs.writeFileSync(bad, 'glpat-not-a-state');
    await expect(startSandbox({ seed: seed(), now: TEST_NOW, stateDir: dir }))
      .rejects.toThrow(`${bad} is not a sandbox state file (not JSON); move it out of the state directory`);
  });
});
