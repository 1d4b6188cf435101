import * as http from 'http';
import type { AddressInfo } from 'net';
import { runCli } from '../../lib/cli/main';
import { memoryIO } from '../../lib/cli/io';
import { FakeServer, FakeToken, fakeGitLabHandler, startFakeServer } from './fake-gitlab';

/**
 * `tokenscope doctor` end to end over real loopback sockets: a fake GitLab, a
 * server that is not GitLab, a closed port, and a cross-origin redirect.
 */
const PAT = 'glpat-cli-ops-personal-token-000001';
const JOB = 'glcbt-64_cliRunningJobToken000002';
const FINISHED = 'glcbt-64_cliFinishedJobToken00003';
const DEPLOY = 'gldt-cli-deploy-token-00000000004';

// The fake server judges expiry against the real clock here, as the CLI does.
const TOKENS: Record<string, FakeToken> = {
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
      `[fail] gitlab.reachable   cannot reach ${closedUrl}: GET ${closedUrl}/api/v4/personal_access_tokens/self: connection refused (is the URL right and GitLab up?)\n`,
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

  it('no output of any run above contains a token', () => {
    expect(outputs.length).toBeGreaterThan(10);
    const all = outputs.join('\n');
    for (const t of [PAT, JOB, FINISHED, DEPLOY]) expect(all).not.toContain(t);
  });
});
