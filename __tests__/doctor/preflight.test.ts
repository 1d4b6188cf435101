import { explainAuthFailure, preflightApiToken, PreflightError } from '../../lib/doctor';
import { resolveTarget } from '../../lib/gitlab/config';
import { NO_RETRY } from '../../lib/gitlab/http';
import { fakeFetch, fakeGitLabHandler, FakeToken, jwtJobToken } from './fake-gitlab';

const NOW = new Date('2026-11-23T12:00:00Z');
const BASE = 'tokenscope drift needs a personal, project or group access token with read_api (or api) and the Maintainer role on the projects';

const TOKENS: Record<string, FakeToken> = {
  'glpat-preflight-read-api-000000001': { kind: 'personal', username: 'ops', scopes: ['read_api'], expiresAt: '2027-01-01' },
  'glpat-preflight-repo-only-00000002': { kind: 'personal', username: 'ops', scopes: ['read_repository'] },
  'glpat-preflight-revoked-0000000003': { kind: 'personal', username: 'ops', revoked: true },
  'glpat-preflight-soon-0000000000004': { kind: 'personal', username: 'ops', scopes: ['api'], expiresAt: '2026-11-25' },
};

function target(token: string | undefined, source = 'GITLAB_TOKEN') {
  return resolveTarget(token === undefined ? {} : { [source]: token }, { url: 'https://gitlab.test', tokenEnv: source });
}

async function preflight(token: string | undefined, opts: { need?: 'read_api' | 'api'; online?: boolean; source?: string; graphql?: (auth: string | undefined) => { status: number; body: string } } = {}) {
  const handler = fakeGitLabHandler(TOKENS, NOW);
  const fake = fakeFetch((req) => {
    if (req.path === '/api/graphql' && opts.graphql) return { ...opts.graphql(req.headers.authorization), headers: { 'content-type': 'application/json' } };
    return handler(req);
  });
  const run = preflightApiToken(target(token, opts.source), {
    need: opts.need ?? 'read_api',
    purpose: 'drift',
    online: opts.online,
    fetchImpl: fake.fetchImpl,
    retry: NO_RETRY,
    now: NOW,
  });
  return { run, requests: fake.requests };
}

async function failure(p: Promise<unknown>): Promise<PreflightError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof PreflightError) return err;
    throw err;
  }
  throw new Error('expected a PreflightError');
}

describe('preflightApiToken', () => {
  it('refuses a missing token', async () => {
    const e = await failure((await preflight(undefined)).run);
    expect(e.code).toBe('no_token');
    expect(e.message).toBe(`${BASE}: set GITLAB_TOKEN to one (or name its variable with --token-env NAME)`);
  });

  it('refuses a CI job token offline, in the issue\'s words, without a request', async () => {
    const { run, requests } = await preflight('glcbt-64_abcdefghijklmnopqrstu', { source: 'CI_JOB_TOKEN' });
    const e = await failure(run);
    expect(e.code).toBe('wrong_type');
    expect(e.message).toBe(`${BASE}; CI_JOB_TOKEN holds a CI job token (glcbt-****rstu): CI_JOB_TOKEN cannot read job-token settings over GraphQL`);
    expect(requests).toHaveLength(0);
  });

  it('refuses a JWT job token too', async () => {
    const e = await failure((await preflight(jwtJobToken({ jobId: 1, exp: 2e9 }))).run);
    expect(e.code).toBe('wrong_type');
  });

  it('refuses a deploy token offline', async () => {
    const { run, requests } = await preflight('gldt-abcdefghijklmnopqrstu');
    const e = await failure(run);
    expect(e.message).toBe(
      `${BASE}; GITLAB_TOKEN holds a deploy token (gldt-****rstu): deploy tokens work only for Git clone/fetch and the container and package registries (Deploy-Token header or basic auth); the REST and GraphQL API never accept them`,
    );
    expect(requests).toHaveLength(0);
  });

  it('refuses a token stored with a trailing newline, naming the fix', async () => {
    const e = await failure((await preflight('glpat-preflight-read-api-000000001\n')).run);
    expect(e.code).toBe('malformed');
    expect(e.message).toBe(
      `${BASE}; GITLAB_TOKEN is not usable as stored: the token ends with a newline (\\n); GitLab compares tokens exactly, so it would be refused as stored. ` +
        "Fix: fix the stored value of GITLAB_TOKEN: remove the trailing line break. If it is a CI/CD variable, edit it under Settings > CI/CD > Variables; in a shell, set it with printf '%s' rather than echo",
    );
    expect(e.message).not.toContain('glpat-preflight-read-api-000000001');
  });

  it('accepts a read_api token with one request', async () => {
    const { run, requests } = await preflight('glpat-preflight-read-api-000000001');
    await expect(run).resolves.toEqual({ tokenType: 'personal_access_token', token: 'glpat-****0001', scopes: ['read_api'], warnings: [] });
    expect(requests.map((r) => r.path)).toEqual(['/api/v4/personal_access_tokens/self']);
  });

  it('refuses read_api when api is needed', async () => {
    const e = await failure((await preflight('glpat-preflight-read-api-000000001', { need: 'api' })).run);
    expect(e.code).toBe('scope');
    expect(e.message).toBe(
      'tokenscope drift needs a personal, project or group access token with api and the Maintainer role on the projects; GITLAB_TOKEN (glpat-****0001) has the scopes read_api: create a token with api',
    );
  });

  it('refuses a token without API scope', async () => {
    const e = await failure((await preflight('glpat-preflight-repo-only-00000002')).run);
    expect(e.message).toBe(`${BASE}; GITLAB_TOKEN (glpat-****0002) has the scopes read_repository: create a token with read_api`);
  });

  it('refuses a revoked token, saying so', async () => {
    const e = await failure((await preflight('glpat-preflight-revoked-0000000003')).run);
    expect(e.code).toBe('refused');
    expect(e.message).toBe(`${BASE}; GitLab refuses GITLAB_TOKEN (glpat-****0003): it was revoked; create a new token and store it in GITLAB_TOKEN`);
  });

  it('warns about expiry within 7 days', async () => {
    const r = await (await preflight('glpat-preflight-soon-0000000000004')).run;
    expect(r.warnings).toEqual([
      'GITLAB_TOKEN (glpat-****0004): the token expires in 2 days, on 2026-11-25; rotate it now (Access tokens > Rotate, or POST /personal_access_tokens/self/rotate) and update the variable that holds it',
    ]);
  });

  it('maps a GraphQL 401 "Invalid token" for unprefixed tokens', async () => {
    const { run, requests } = await preflight('0123456789abcdef'.repeat(4), {
      graphql: () => ({ status: 401, body: '{"errors":[{"message":"Invalid token"}]}' }),
    });
    const e = await failure(run);
    expect(e.message).toBe(`${BASE}; GitLab refuses GITLAB_TOKEN (****cdef): it is revoked, expired or mistyped (GitLab does not say which); create a new token and store it in GITLAB_TOKEN, checking that the variable holds the whole token`);
    expect(requests.map((r) => r.path)).toEqual(['/api/graphql']);
  });

  it('accepts an OAuth token GraphQL knows', async () => {
    const { run } = await preflight('0123456789abcdef'.repeat(4), {
      graphql: () => ({ status: 200, body: '{"data":{"currentUser":{"username":"ops"}}}' }),
    });
    await expect(run).resolves.toMatchObject({ tokenType: 'oauth_access_token', username: 'ops' });
  });

  it('offline only: no request', async () => {
    const { run, requests } = await preflight('glpat-preflight-revoked-0000000003', { online: false });
    await expect(run).resolves.toMatchObject({ tokenType: 'personal_access_token' });
    expect(requests).toHaveLength(0);
  });

  it('explainAuthFailure maps any 401 to the same words, and ignores others', () => {
    const t = { token: 'glpat-preflight-read-api-000000001', tokenSource: 'GITLAB_TOKEN' };
    const e = explainAuthFailure({ status: 401, json: { errors: [{ message: 'Invalid token' }] } }, t, { purpose: 'drift', need: 'read_api' });
    expect(e?.message).toBe(`${BASE}; GitLab refuses GITLAB_TOKEN (glpat-****0001): it is revoked, expired or mistyped (GitLab does not say which); create a new token and store it in GITLAB_TOKEN, checking that the variable holds the whole token`);
    expect(explainAuthFailure({ status: 200, json: {} }, t, { purpose: 'drift', need: 'read_api' })).toBeUndefined();
  });
});
