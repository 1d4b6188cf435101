import * as http from 'http';
import type { AddressInfo } from 'net';
import { runCli } from '../../lib/cli/main';
import { memoryIO } from '../../lib/cli/io';
import { TOKEN_TYPES } from '../../lib/doctor/types';
import { FakeServer, FakeToken, fakeGitLabHandler, jwtJobToken, startFakeServer } from './fake-gitlab';

/**
 * `tokenscope doctor` end to end over real loopback sockets: a fake GitLab, a
 * server that is not GitLab, a closed port, and a cross-origin redirect.
 */
const PAT = 'glpat-cli-ops-personal-token-000001';
const JOB = 'glcbt-64_cliRunningJobToken000002';
const FINISHED = 'glcbt-64_cliFinishedJobToken00003';
const DEPLOY = 'gldt-cli-deploy-token-00000000004';

// Bodies of random letters, so that no word of a message can look like a piece of a token.
const LIVE_PAT = 'glpat-Xq7vR2mK9pLw4tZc8nB3hJ6dYs0011';
const LIVE_JOB = 'glcbt-64_Zk3Pq8Wm2Rt7Yv5Nx1Bc0012';

// The fake server judges expiry against the real clock here, as the CLI does.
const TOKENS: Record<string, FakeToken> = {
  [LIVE_PAT]: { kind: 'personal', username: 'ops', scopes: ['api'], name: 'automation', expiresAt: null, levels: { 'acme/web': 40 } },
  [LIVE_JOB]: { kind: 'job', project: 'acme/data/etl', username: 'dev', jobStatus: 'running' },
  [PAT]: { kind: 'personal', username: 'ops', scopes: ['api'], name: 'automation', expiresAt: null, levels: { 'acme/web': 40 } },
  [JOB]: { kind: 'job', project: 'acme/data/etl', username: 'dev', jobStatus: 'running' },
  [FINISHED]: { kind: 'job', project: 'acme/data/etl', jobStatus: 'success' },
  [DEPLOY]: { kind: 'deploy', project: 'acme/web' },
};

let gitlab: FakeServer;
let html: FakeServer;
let elsewhere: FakeServer;
let redirector: FakeServer;
let closedUrl: string;
const outputs: string[] = [];

beforeAll(async () => {
  gitlab = await startFakeServer(fakeGitLabHandler(TOKENS, new Date()));
  html = await startFakeServer(() => ({ status: 200, body: '<!DOCTYPE html><html><body>Welcome to nginx!</body></html>', headers: { 'content-type': 'text/html' } }));
  elsewhere = await startFakeServer(() => ({ status: 200, body: '{"version":"1"}', headers: { 'content-type': 'application/json' } }));
  redirector = await startFakeServer((req) => ({ status: 302, body: '', headers: { location: `${elsewhere.url}${req.path}` } }));
  // A port that was free a moment ago and is now closed: connection refused.
  const s = http.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  closedUrl = `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
  await new Promise<void>((r) => s.close(() => r()));
});

afterAll(async () => {
  await Promise.all([gitlab, html, elsewhere, redirector].map((s) => s?.stop()));
});

async function doctor(env: Record<string, string>, ...args: string[]) {
  const io = memoryIO(env);
  const code = await runCli(['node', 'tokenscope', 'doctor', ...args], io);
  outputs.push(io.out(), io.err());
  return { code, out: io.out(), err: io.err() };
}

describe('tokenscope doctor (CLI)', () => {
  it('valid personal token: text report, exit 0', async () => {
    const r = await doctor({ GITLAB_TOKEN: PAT, GITLAB_URL: gitlab.url });
    expect(r.code).toBe(0);
    expect(r.out).toContain(`tokenscope doctor: GITLAB_TOKEN (glpat-****0001) at ${gitlab.url}\n`);
    expect(r.out).toMatch(/^\[pass\] token\.owner +this is a personal access token of user ops$/m);
    expect(r.out).toContain('Verdict: Valid: a personal access token of user ops (glpat-****0001), scopes api.\n');
    expect(r.err).toBe('');
  });

  it('JSON has the contract keys', async () => {
    const r = await doctor({ GITLAB_TOKEN: PAT }, '--url', gitlab.url, '--format', 'json', '--project', 'acme/web');
    const j = JSON.parse(r.out);
    expect(Object.keys(j)).toEqual(expect.arrayContaining(['tokenType', 'valid', 'verdict', 'checks', 'identity']));
    expect(j.tokenType).toBe('personal_access_token');
    expect(j.valid).toBe(true);
    for (const c of j.checks) {
      expect(Object.keys(c).sort()).toEqual(['id', 'message', 'remedy', 'status']);
      expect(['pass', 'fail', 'warn', 'skip']).toContain(c.status);
    }
    expect(j.identity.username).toBe('ops');
    expect(r.code).toBe(0);
  });

  it('falls back to CI_JOB_TOKEN and CI_SERVER_URL', async () => {
    const r = await doctor({ CI_JOB_TOKEN: JOB, CI_SERVER_URL: gitlab.url }, '--format', 'json', '--expect', 'job');
    const j = JSON.parse(r.out);
    expect(j.identity.source).toBe('CI_JOB_TOKEN');
    expect(j.tokenType).toBe('ci_job_token');
    expect(r.code).toBe(0);
  });

  it('--token-env names the variable', async () => {
    const r = await doctor({ MY_TOKEN: FINISHED, GITLAB_TOKEN: PAT, GITLAB_URL: gitlab.url }, '--token-env', 'MY_TOKEN');
    expect(r.out).toContain('tokenscope doctor: MY_TOKEN (glcbt-****0003)');
    expect(r.out).toContain('[fail] token.live');
    expect(r.code).toBe(1);
  });

  it('a personal token passed off as a job token: exit 1 with the words', async () => {
    const r = await doctor({ CI_JOB_TOKEN: PAT, GITLAB_URL: gitlab.url }, '--expect', 'job');
    expect(r.out).toMatch(/^\[fail\] token\.expected +you expected a CI job token, but this is a personal access token of user ops$/m);
    expect(r.code).toBe(1);
  });

  it('a deploy token: never sent, exit 1', async () => {
    const before = gitlab.requests.length;
    const r = await doctor({ GITLAB_TOKEN: DEPLOY, GITLAB_URL: gitlab.url });
    expect(gitlab.requests.length).toBe(before);
    expect(r.out).toContain('[fail] token.api');
    expect(r.code).toBe(1);
  });

  it('an unknown --expect is a usage error', async () => {
    const r = await doctor({ GITLAB_TOKEN: PAT }, '--expect', 'banana');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^tokenscope doctor: unknown --expect "banana"; use one of: job, personal, project, group, oauth, deploy, runner, trigger, feed,/);
    expect(r.out).toBe('');
  });

  it('no token: exit 1 and says which variables', async () => {
    const r = await doctor({ GITLAB_TOKEN: '' });
    expect(r.out).toMatch(/^\[fail\] token\.present +no token: GITLAB_TOKEN and CI_JOB_TOKEN are not set \(GITLAB_TOKEN is set but empty\)$/m);
    expect(r.code).toBe(1);
  });

  it('a server that is not GitLab (HTML): clear message, no stack trace', async () => {
    const r = await doctor({ GITLAB_TOKEN: PAT, GITLAB_URL: html.url });
    expect(r.out).toContain(`[fail] gitlab.reachable   ${html.url} is not answering like GitLab: GET /api/v4/personal_access_tokens/self gave HTTP 200 with an HTML page\n`);
    expect(r.out).not.toMatch(/\n\s+at /);
    expect(r.err).toBe('');
    expect(r.code).toBe(1);
  });

  it('connection refused: clear message', async () => {
    const r = await doctor({ GITLAB_TOKEN: PAT, GITLAB_URL: closedUrl });
    expect(r.out).toContain(
      `[fail] gitlab.reachable   cannot reach ${closedUrl}: GET ${closedUrl}/api/v4/personal_access_tokens/self: connection refused by ${closedUrl.slice(7)}: ` +
        'nothing listens on that port; check the port in the GitLab URL and that GitLab is up\n',
    );
    expect(r.code).toBe(1);
  });

  it('a cross-origin redirect is refused and the other server never sees the token', async () => {
    const r = await doctor({ GITLAB_TOKEN: PAT, GITLAB_URL: redirector.url }, '--format', 'json');
    const j = JSON.parse(r.out);
    const c = j.checks.find((x: { id: string }) => x.id === 'gitlab.reachable');
    expect(c.message).toBe(
      `${redirector.url}/api/v4/personal_access_tokens/self redirected to another origin (${elsewhere.url}); the token was not sent there. Set the GitLab URL to the address GitLab really answers on.`,
    );
    expect(redirector.requests.length).toBeGreaterThan(0);
    expect(elsewhere.requests).toHaveLength(0);
    expect(r.code).toBe(1);
  });

  it('offline (no URL): offline result decides the exit code', async () => {
    expect((await doctor({ GITLAB_TOKEN: PAT })).code).toBe(0);
    expect((await doctor({ GITLAB_TOKEN: `${PAT}\n` })).code).toBe(1);
    expect((await doctor({ GITLAB_TOKEN: 'not-a-gitlab-token-at-all-123' })).code).toBe(1);
  });

  /** One token of every type doctor names, in every form section 4 of the facts sheet lists. */
  const EVERY_TYPE: ReadonlyArray<readonly [string, string]> = [
    ['personal_access_token', LIVE_PAT],
    ['personal_access_token', 'glpat-Qw8eRt5yUi2oPa7sDf4gHj1kLz9xCv3bN0.01mQ7wE2r'],
    ['personal_access_token', 'mycompany-glpat-Mn4bV7cX1zLk8jH5gF2dS0013'],
    ['oauth_access_token', 'fe01'.repeat(16)],
    ['ci_job_token', LIVE_JOB],
    ['ci_job_token', jwtJobToken({ jobId: 77, exp: 4102444800 })],
    ['ci_job_token', jwtJobToken({ jobId: 78, exp: 1 })],
    ['deploy_token', 'gldt-Wq2eR9tY4uI7oP1aS6dF0014'],
    ['runner_token', 'glrt-Zx5cV8bN3mQ1wE7rT4yU0015'],
    ['runner_token', 'GR1348941Hj6kL2zX9cV4bN8mQ0016'],
    ['trigger_token', 'glptt-Aq3sW8dE1fR6gT9hY2jU0017'],
    ['feed_token', 'glft-Pl0oK9iJ8uH7yG6tF5rD0018'],
    ['oauth_application_secret', 'gloas-Mz1xN2cB3vQ4wE5rT6yU0019'],
    ['other_gitlab_token', 'glimt-Ks7dJ3fH9gL1zX5cV2bN0020'],
    ['other_gitlab_token', 'glagent-Rt4yU8iO2pA6sD1fG9hJ0021'],
    ['unknown', 'Yh7Uj3Ik9Ol1Pq5Wm2Xn8Zb4Vc0022'],
  ];

  it('covers every token type of the JSON contract', () => {
    // Project and group access tokens are glpat- tokens that only GitLab's answers tell apart: the sandbox test has them.
    const byForm = TOKEN_TYPES.filter((t) => t !== 'project_access_token' && t !== 'group_access_token');
    expect([...new Set(EVERY_TYPE.map(([t]) => t))].sort()).toEqual([...byForm].sort());
  });

  it.each(EVERY_TYPE)('%s %#: no output of doctor, online or offline, text or JSON, shows any piece of the token', async (type, token) => {
    const secret = token.replace(/^([a-z0-9]+-)*(glpat|glcbt|gldt|glrtr|glrt|glptt|gloas|glft|glimt|glagent)-/, '').replace(/^GR1348941/, '');
    const seen: string[] = [];
    const envs: Array<Record<string, string>> = [{ GITLAB_TOKEN: token }, { GITLAB_TOKEN: token, GITLAB_URL: gitlab.url }, { CI_JOB_TOKEN: `${token}\n`, GITLAB_URL: gitlab.url }];
    for (const env of envs) {
      for (const args of [[], ['--format', 'json'], ['--expect', 'job', '--project', 'acme/web'], ['--format', 'json', '--expect', 'personal', '--project', 'acme/web']]) {
        const r = await doctor(env, ...args);
        seen.push(r.out, r.err);
        if (args.includes('json')) expect(JSON.parse(r.out).tokenType).toBe(type);
      }
    }
    const all = seen.join('\n');
    expect(all).not.toContain(token);
    // Nor a cut-off piece: no 8 characters in a row from the secret part (the last 4 may be shown).
    for (let i = 0; i + 8 <= secret.length - 4; i++) expect(all).not.toContain(secret.slice(i, i + 8));
  });

  it('no output of any run above contains a token', () => {
    expect(outputs.length).toBeGreaterThan(10);
    const all = outputs.join('\n');
    for (const t of [PAT, JOB, FINISHED, DEPLOY]) expect(all).not.toContain(t);
  });
});
