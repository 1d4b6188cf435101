import * as http from 'http';
import { AddressInfo } from 'net';
import { GitLabHttp, GitLabHttpError, parseRetryAfter } from '../../lib/gitlab/http';
import { createMasker, describeSecret, maskDeep } from '../../lib/gitlab/secrets';
import { normalizeBaseUrl, resolveTarget } from '../../lib/gitlab/config';

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

async function serve(handler: Handler): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

const TOKEN = 'glpat-secretsecretsecret1234';
const noSleep = async () => undefined;

describe('GitLabHttp', () => {
  test('sends the token in the chosen header and parses JSON', async () => {
    const seen: http.IncomingHttpHeaders[] = [];
    const s = await serve((req, res) => { seen.push(req.headers); res.setHeader('content-type', 'application/json'); res.end('{"ok":true}'); });
    try {
      const bearer = new GitLabHttp({ baseUrl: s.url, token: TOKEN });
      expect((await bearer.getJson('/api/v4/user')).json).toEqual({ ok: true });
      await new GitLabHttp({ baseUrl: s.url, token: TOKEN, auth: 'job-token' }).getJson('/api/v4/job');
      await new GitLabHttp({ baseUrl: s.url, token: TOKEN, auth: 'private-token' }).getJson('/api/v4/user');
      expect(seen[0].authorization).toBe(`Bearer ${TOKEN}`);
      expect(seen[1]['job-token']).toBe(TOKEN);
      expect(seen[1].authorization).toBeUndefined();
      expect(seen[2]['private-token']).toBe(TOKEN);
    } finally {
      await s.close();
    }
  });

  test('never follows a redirect to another origin with the token', async () => {
    const elsewhere: http.IncomingHttpHeaders[] = [];
    const other = await serve((req, res) => { elsewhere.push(req.headers); res.end('{}'); });
    const s = await serve((_req, res) => { res.statusCode = 302; res.setHeader('location', `${other.url}/api/v4/user`); res.end(); });
    try {
      const client = new GitLabHttp({ baseUrl: s.url, token: TOKEN });
      const err = await client.getJson('/api/v4/user').catch((e) => e);
      expect(err).toBeInstanceOf(GitLabHttpError);
      expect(err.kind).toBe('redirect');
      expect(err.message).toBe(
        `${s.url}/api/v4/user redirected to another origin (${other.url}); the token was not sent there. ` +
          'Set the GitLab URL to the address GitLab really answers on.',
      );
      expect(elsewhere).toHaveLength(0);
    } finally {
      await s.close();
      await other.close();
    }
  });

  test('follows a same-origin redirect', async () => {
    const s = await serve((req, res) => {
      if (req.url === '/old') { res.statusCode = 301; res.setHeader('location', '/api/v4/version'); res.end(); return; }
      res.end(JSON.stringify({ version: '18.6.0', auth: req.headers.authorization === `Bearer ${TOKEN}` }));
    });
    try {
      const r = await new GitLabHttp({ baseUrl: s.url, token: TOKEN }).getJson('/old');
      expect(r.json).toEqual({ version: '18.6.0', auth: true });
    } finally {
      await s.close();
    }
  });

  test('an HTML answer is reported as "not GitLab", not a parse error', async () => {
    const s = await serve((_req, res) => { res.setHeader('content-type', 'text/html'); res.end('<html><body>Welcome to nginx</body></html>'); });
    try {
      const err = await new GitLabHttp({ baseUrl: s.url, token: TOKEN }).getJson('/api/v4/user').catch((e) => e);
      expect(err.kind).toBe('not_gitlab');
      expect(err.message).toBe(
        `${s.url}/api/v4/user answered HTTP 200 with an HTML page: ${s.url} is not the root of a GitLab instance; ` +
          'give the instance root, e.g. https://gitlab.example.com (or https://example.com/gitlab when GitLab is served under /gitlab)',
      );
    } finally {
      await s.close();
    }
  });

  test('retries 429 honouring Retry-After, and 5xx with backoff, for reads only', async () => {
    let calls = 0;
    const s = await serve((req, res) => {
      calls++;
      if (calls === 1) { res.statusCode = 429; res.setHeader('retry-after', '2'); res.end('{"message":"429 Too Many Requests"}'); return; }
      if (calls === 2) { res.statusCode = 502; res.end('bad gateway'); return; }
      res.end(JSON.stringify({ method: req.method }));
    });
    const waits: number[] = [];
    try {
      const client = new GitLabHttp({ baseUrl: s.url, token: TOKEN, sleep: async (ms) => { waits.push(ms); }, random: () => 0.5 });
      expect((await client.getJson('/api/v4/x')).json).toEqual({ method: 'GET' });
      expect(calls).toBe(3);
      expect(waits[0]).toBe(2000);
      expect(waits[1]).toBeGreaterThan(0);
      expect(client.requestCount).toBe(3);
      calls = 1; // next answer is a 502
      const post = await client.request('POST', '/api/v4/x', { json: {} });
      expect(post.status).toBe(502);
    } finally {
      await s.close();
    }
  });

  test("GitLab's query timeout (503 Request timed out) is not retried: the caller splits the batch", async () => {
    let calls = 0;
    const s = await serve((_req, res) => {
      calls++;
      res.statusCode = 503;
      res.setHeader('content-type', 'application/json');
      res.end('{"errors":[{"message":"Request timed out. Please try a less complex query or a smaller set of records."}]}');
    });
    try {
      const r = await new GitLabHttp({ baseUrl: s.url, token: TOKEN, sleep: noSleep }).graphql({ query: '{ a }' });
      expect(r.status).toBe(503);
      expect(calls).toBe(1);
    } finally {
      await s.close();
    }
  });

  test('connection refused is a clear network error', async () => {
    const s = await serve(() => undefined);
    const url = s.url;
    await s.close();
    const err = await new GitLabHttp({ baseUrl: url, token: TOKEN, sleep: noSleep }).getJson('/api/v4/user').catch((e) => e);
    expect(err.kind).toBe('network');
    expect(err.message).toBe(`GET ${url}/api/v4/user: connection refused by ${url.slice(7)}: nothing listens on that port; check the port in the GitLab URL and that GitLab is up`);
  });

  test('a token echoed back by a server never surfaces unmasked', async () => {
    const s = await serve((req, res) => { res.statusCode = 400; res.end(`{"message":"bad token ${req.headers.authorization}"}`); });
    try {
      const r = await new GitLabHttp({ baseUrl: s.url, token: TOKEN }).request('GET', '/api/v4/user');
      expect(r.text).not.toContain(TOKEN);
      expect(r.text).toContain('glpat-****1234');
      expect(r.json).toEqual({ message: 'bad token Bearer glpat-****1234' });
    } finally {
      await s.close();
    }
  });

  test('parseRetryAfter reads seconds, dates and RateLimit-Reset', () => {
    expect(parseRetryAfter(new Headers({ 'retry-after': '3' }))).toBe(3000);
    expect(parseRetryAfter(new Headers({ 'ratelimit-reset': '5' }))).toBe(5000);
    expect(parseRetryAfter(new Headers({}))).toBeUndefined();
  });
});

describe('secrets', () => {
  test('describeSecret shows the type prefix and last 4 characters only', () => {
    expect(describeSecret(TOKEN)).toBe('glpat-****1234');
    expect(describeSecret('mycompany-glpat-abcdefghijklmnopqrstu')).toBe('mycompany-glpat-****rstu');
    expect(describeSecret('a'.repeat(64))).toBe('****aaaa');
    expect(describeSecret('short')).toBe('****');
  });

  test('masker replaces raw and URL-encoded forms, deep in objects', () => {
    const mask = createMasker([TOKEN, undefined]);
    expect(mask(`x ${TOKEN} y ${encodeURIComponent(TOKEN)}`)).toBe('x glpat-****1234 y glpat-****1234');
    expect(maskDeep({ a: [TOKEN], b: { c: `t=${TOKEN}` }, n: 1 }, mask)).toEqual({ a: ['glpat-****1234'], b: { c: 't=glpat-****1234' }, n: 1 });
  });
});

describe('config', () => {
  test('URL from flag, then GITLAB_URL, GITLAB_BASE_URL, CI_SERVER_URL; provider-style API URLs accepted', () => {
    expect(resolveTarget({ CI_SERVER_URL: 'https://ci.example.com' }).baseUrl).toBe('https://ci.example.com');
    expect(resolveTarget({ GITLAB_BASE_URL: 'https://b.example.com/api/v4/', CI_SERVER_URL: 'https://ci.example.com' }).baseUrl).toBe('https://b.example.com');
    expect(resolveTarget({ GITLAB_URL: 'https://a.example.com/' }, { url: 'https://flag.example.com/gitlab' }).baseUrl).toBe('https://flag.example.com/gitlab');
    expect(() => resolveTarget({})).toThrow('no GitLab URL: pass --url or set GITLAB_URL, GITLAB_BASE_URL, CI_SERVER_URL');
    expect(() => normalizeBaseUrl('gitlab.example.com')).toThrow('GitLab URL "gitlab.example.com" is not a valid URL; give it as https://gitlab.example.com');
    expect(() => normalizeBaseUrl('https://u:p@gitlab.example.com')).toThrow('GitLab URL must not carry credentials; put the token in GITLAB_TOKEN');
  });

  test('token from GITLAB_TOKEN or the named variable, masked in the target', () => {
    const t = resolveTarget({ GITLAB_URL: 'https://g.example.com', MY_TOKEN: TOKEN }, { tokenEnv: 'MY_TOKEN' });
    expect(t.token).toBe(TOKEN);
    expect(t.tokenSource).toBe('MY_TOKEN');
    expect(t.mask(`Bearer ${TOKEN}`)).toBe('Bearer glpat-****1234');
    const fallback = resolveTarget({ GITLAB_URL: 'https://g.example.com', CI_JOB_TOKEN: 'glcbt-64_abcdefghijklmnopqrst' }, { allowJobTokenFallback: true });
    expect(fallback.tokenSource).toBe('CI_JOB_TOKEN');
  });
});
