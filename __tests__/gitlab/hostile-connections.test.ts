import { execFile } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { promisify } from 'util';
import { GitLabHttp, GitLabHttpError, NO_RETRY } from '../../lib/gitlab/http';
import { cli, synthWithProjects } from './helpers';
import { closedPort, hostile, Hostile, makeCertificate, sendJson, TlsFiles } from './hostile-server';

/**
 * The first things that go wrong on a new machine: the wrong scheme, a TLS
 * certificate Node does not trust (self-signed, for another host, expired), a
 * host DNS does not know, a port nobody listens on, a URL that is a project
 * page or has a wrong prefix. Each is one line naming the cause and the fix,
 * and a URL that is not GitLab's root stops at the first answer.
 */
const TOKEN = 'glpat-hostile-conn-00000000000000001';
const selfOk = { id: 1, name: 'ci', revoked: false, active: true, scopes: ['read_api'], expires_at: null };
const ok = (_req: unknown, res: Parameters<typeof sendJson>[0]) => sendJson(res, 200, selfOk);

let trusted: TlsFiles;
let otherHost: TlsFiles;
let expired: TlsFiles;
const servers: Hostile[] = [];
const start = async (...args: Parameters<typeof hostile>) => { const s = await hostile(...args); servers.push(s); return s; };

beforeAll(() => {
  trusted = makeCertificate('localhost', ['127.0.0.1', 'localhost']);
  otherHost = makeCertificate('other', ['other.example']);
  expired = makeCertificate('expired', ['127.0.0.1'], { expired: true });
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  for (const t of [trusted, otherHost, expired]) if (t) fs.rmSync(path.dirname(t.key), { recursive: true, force: true });
});

async function failure(url: string): Promise<GitLabHttpError> {
  const err = await new GitLabHttp({ baseUrl: url, token: TOKEN, retry: NO_RETRY }).getJson('/api/v4/user').catch((e) => e);
  expect(err).toBeInstanceOf(GitLabHttpError);
  expect(err.message).not.toMatch(/fetch failed|SSL routines|error:[0-9A-F]{8}|\n/);
  return err;
}

describe('one line naming the cause and the fix', () => {
  test('https:// against a plain-HTTP port', async () => {
    const s = await start(ok);
    const host = s.url.slice('http://'.length);
    expect((await failure(`https://${host}`)).message).toBe(
      `GET https://${host}/api/v4/user: https:// to ${host}, which speaks plain HTTP, not TLS; use http://${host} or the port GitLab serves HTTPS on`,
    );
  });

  test('http:// against an HTTPS port', async () => {
    const s = await start(ok, trusted);
    const host = s.url.slice('https://'.length);
    expect((await failure(`http://${host}`)).message).toBe(
      `GET http://${host}/api/v4/user: ${host} closed the connection without an answer; if ${host} speaks HTTPS, use https://${host}`,
    );
  });

  test('a self-signed certificate', async () => {
    const s = await start(ok, trusted);
    const host = s.url.slice('https://'.length);
    expect((await failure(s.url)).message).toBe(
      `GET ${s.url}/api/v4/user: the TLS certificate of ${host} is not trusted (DEPTH_ZERO_SELF_SIGNED_CERT: self-signed or from a private CA); ` +
        'give Node the CA certificate with NODE_EXTRA_CA_CERTS=/path/to/ca.pem',
    );
  });

  test('an expired certificate', async () => {
    const s = await start(ok, expired);
    const host = s.url.slice('https://'.length);
    expect((await failure(s.url)).message).toBe(
      `GET ${s.url}/api/v4/user: the TLS certificate of ${host} has expired; GitLab's administrators must renew it (check this machine's clock too)`,
    );
  });

  test('a host DNS does not know', async () => {
    const msg = (await failure('https://no-such-host.invalid')).message;
    expect([
      'GET https://no-such-host.invalid/api/v4/user: DNS cannot resolve no-such-host.invalid; check the host name in the GitLab URL (and this machine\'s DNS or proxy settings)',
      'GET https://no-such-host.invalid/api/v4/user: DNS lookup of no-such-host.invalid failed for now (EAI_AGAIN); check this machine\'s DNS settings and try again',
    ]).toContain(msg);
  });

  test('connection refused', async () => {
    const port = await closedPort();
    expect((await failure(`http://127.0.0.1:${port}`)).message).toBe(
      `GET http://127.0.0.1:${port}/api/v4/user: connection refused by 127.0.0.1:${port}: nothing listens on that port; check the port in the GitLab URL and that GitLab is up`,
    );
  });

  test('drift: the same line, once, for a TLS failure', async () => {
    const s = await start(ok, trusted);
    const r = await cli(['drift', '--url', s.url], { GITLAB_TOKEN: TOKEN }, synthWithProjects(5));
    expect(r.code).toBe(1);
    expect(r.err).toBe(`tokenscope drift: GET ${s.url}/api/v4/personal_access_tokens/self: the TLS certificate of ${s.url.slice(8)} is not trusted ` +
      '(DEPTH_ZERO_SELF_SIGNED_CERT: self-signed or from a private CA); give Node the CA certificate with NODE_EXTRA_CA_CERTS=/path/to/ca.pem\n');
    expect(s.requests).toHaveLength(0);
  });

  test('a certificate for another host, trusted through NODE_EXTRA_CA_CERTS (the CLI as a user runs it)', async () => {
    const s = await start(ok, otherHost);
    const root = path.resolve(__dirname, '..', '..');
    const run = await promisify(execFile)(process.execPath, [path.join(root, 'bin', 'run-ts.js'), path.join(root, 'bin', 'tokenscope.ts'), 'doctor', '--url', s.url], {
      // The rest of the environment as it is (a faketime run keeps its clock, so the certificate stays valid).
      env: { ...process.env, GITLAB_URL: '', GITLAB_BASE_URL: '', CI_SERVER_URL: '', CI_JOB_TOKEN: '', GITLAB_TOKEN: TOKEN, NODE_EXTRA_CA_CERTS: otherHost.cert },
    }).catch((e: { stdout: string; code: number }) => e);
    const host = s.url.slice('https://'.length);
    expect(run.stdout).toContain(`[fail] gitlab.reachable   cannot reach ${s.url}: GET ${s.url}/api/v4/personal_access_tokens/self: ` +
      `the TLS certificate of ${host} is for another host name (it names DNS:other.example); use the host name the certificate names in the GitLab URL\n`);
    expect((run as { code?: number }).code).toBe(1);
  }, 60_000);
});

describe('a URL that is not GitLab\'s root: recognised at the first answer, reported once', () => {
  const ROOT_FIX = 'give the instance root, e.g. https://gitlab.example.com (or https://example.com/gitlab when GitLab is served under /gitlab)';

  test.each([
    ['a project page (HTML to everything)', '/acme/web', (_req: unknown, res: Parameters<typeof sendJson>[0]) => { res.writeHead(200, { 'content-type': 'text/html' }); res.end('<!DOCTYPE html><title>acme / web · GitLab</title>'); },
      (url: string) => `${url}/acme/web/api/v4/personal_access_tokens/self answered HTTP 200 with an HTML page`],
    ['a wrong /gitlab prefix (GitLab sends web paths to sign in)', '/gitlab', (req: { url?: string }, res: Parameters<typeof sendJson>[0]) => {
      if (req.url?.startsWith('/users/sign_in')) { res.writeHead(200, { 'content-type': 'text/html' }); res.end('<html>Sign in</html>'); return; }
      res.writeHead(302, { location: '/users/sign_in' }); res.end();
    }, (url: string) => `${url}/gitlab/api/v4/personal_access_tokens/self redirected to the sign-in page`],
    ['JSON 404 to everything but the token check', '/gitlab', (req: { url?: string }, res: Parameters<typeof sendJson>[0]) => (req.url?.endsWith('/personal_access_tokens/self')
      ? sendJson(res, 200, selfOk) : sendJson(res, 404, { error: '404 Not Found' })),
    (url: string) => `${url}/gitlab/api/graphql answered HTTP 404`],
  ] as const)('%s: drift at 50 projects gives one error line, exit 1', async (_name, prefix, handler, answered) => {
    const s = await start(handler as never);
    const r = await cli(['drift', '--url', `${s.url}${prefix}`, '--no-progress'], { GITLAB_TOKEN: TOKEN }, synthWithProjects(50));
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toBe(`tokenscope drift: ${answered(s.url)}: ${s.url}${prefix} is not the root of a GitLab instance ` +
      `(its path ${prefix} looks like a project or group page, or a wrong prefix); ${ROOT_FIX}\n`);
    expect(s.requests.length).toBeLessThanOrEqual(2);
  });

  test('a 404 on the token check itself: not GitLab (every supported GitLab serves it)', async () => {
    const s = await start((_req, res) => sendJson(res, 404, { error: '404 Not Found' }));
    const r = await cli(['drift', '--url', s.url], { GITLAB_TOKEN: TOKEN }, synthWithProjects(50));
    expect(r.err).toBe(`tokenscope drift: ${s.url}/api/v4/personal_access_tokens/self answered HTTP 404: ${s.url} is not the root of a GitLab instance; ${ROOT_FIX}\n`);
    expect(s.requests).toHaveLength(1);
  });
});
