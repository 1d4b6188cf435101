import * as fs from 'fs';
import * as path from 'path';
import { GitLabHttp, GitLabHttpError, NO_RETRY, gitlabErrorText } from '../../lib/gitlab/http';
import { describeSecret } from '../../lib/gitlab/secrets';
import { echoesOf, leaks } from './echoes';
import { cli, filesUnder, synthWithProjects } from './helpers';
import { hostile, sendJson } from './hostile-server';

/**
 * A server that echoes the token back in every form it can: in a 500 body, in
 * GitLab's error message, in headers, in a redirect's target. Nothing that
 * reaches a person or a file may hold the token, a run of 12 of its
 * characters, or its re-encodings.
 */
const TOKEN = 'glpat-AbCdEfGhIjKlMnOpQrStUvWx.01abc23de';
const SHOWN = describeSecret(TOKEN);
const ECHOES = Object.entries(echoesOf(TOKEN));
const selfOk = { id: 1, name: 'ci', revoked: false, active: true, scopes: ['read_api'], expires_at: null };
/** Header values must be plain ASCII without quotes: every echo is. */
const headerSafe = (s: string) => s.replace(/["\\]/g, '');

describe('GitLabHttp hands on nothing a server echoes', () => {
  test.each(ECHOES)('%s, in a 500 body, a header and the WWW-Authenticate description', async (_name, echo) => {
    const s = await hostile((_req, res) => sendJson(res, 500, { message: `failed for ${echo} (debug)` }, {
      'x-debug-token': headerSafe(echo),
      'www-authenticate': `Bearer error="invalid_token", error_description="bad ${headerSafe(echo)}"`,
    }));
    try {
      const res = await new GitLabHttp({ baseUrl: s.url, token: TOKEN, retry: NO_RETRY }).getJson('/api/v4/user');
      expect(res.status).toBe(500);
      const everything = [res.text, gitlabErrorText(res) ?? '', JSON.stringify(res.json), ...[...res.headers.entries()].map(([k, v]) => `${k}: ${v}`)].join('\n');
      expect(leaks(everything, TOKEN)).toBeUndefined();
      expect(gitlabErrorText(res)).toContain(SHOWN);
      expect(res.headers.get('x-debug-token')).toContain(SHOWN);
      expect(gitlabErrorText({ json: undefined, headers: res.headers })).toContain(SHOWN);
    } finally {
      await s.close();
    }
  });

  test('JSON escapes (\\u0067lpat-..., \\/ in base64, an escaped key) hide no echo from the parsed answer', async () => {
    const every = (t: string) => [...t].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('');
    const slashed = Buffer.from(`${TOKEN}?>`).toString('base64').replace(/\//g, '\\/');
    const s = await hostile((_req, res) => {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(`{"message":{"${every(TOKEN)}":["is ${every(TOKEN)}"]},"errors":[{"message":"${slashed}"}],"__proto__":{"data":1}}`);
    });
    try {
      const res = await new GitLabHttp({ baseUrl: s.url, token: TOKEN, retry: NO_RETRY }).getJson('/api/v4/user');
      expect(leaks(JSON.stringify(res.json), TOKEN)).toBeUndefined();
      expect(leaks(gitlabErrorText(res) ?? '', TOKEN)).toBeUndefined();
      expect(gitlabErrorText(res)).toBe(`{"${SHOWN}":["is ${SHOWN}"]}`);
      expect((res.json as { errors: Array<{ message: string }> }).errors[0].message).toContain(SHOWN);
      // A `__proto__` key stays a key: it does not become the prototype of the answer.
      expect((res.json as { data?: unknown }).data).toBeUndefined();
    } finally {
      await s.close();
    }
  });

  test.each([['redirects without end', 302], ['redirects to an HTML page', 200]])('a same-origin path holding the token, %s', async (_name, last) => {
    const s = await hostile((req, res) => {
      if (last === 200 && req.url?.includes(TOKEN)) { res.writeHead(200, { 'content-type': 'text/html' }); res.end('<html></html>'); return; }
      res.writeHead(302, { location: `/api/v4/${TOKEN}/${(req.url ?? '').length}` });
      res.end();
    });
    try {
      const err = await new GitLabHttp({ baseUrl: s.url, token: TOKEN, retry: NO_RETRY }).getJson('/api/v4/user').catch((e) => e);
      expect(err).toBeInstanceOf(GitLabHttpError);
      expect(err.message).toContain(SHOWN);
      expect(leaks(err.message, TOKEN)).toBeUndefined();
    } finally {
      await s.close();
    }
  });

  test('a redirect whose target (lower-cased by URL parsing) holds the token', async () => {
    const s = await hostile((_req, res) => { res.writeHead(302, { location: `http://${TOKEN}.evil.example/x` }); res.end(); });
    try {
      const err = await new GitLabHttp({ baseUrl: s.url, token: TOKEN }).getJson('/api/v4/user').catch((e) => e);
      expect(err).toBeInstanceOf(GitLabHttpError);
      expect(err.message).toContain(`http://${SHOWN}.evil.example`);
      expect(leaks(err.message, TOKEN)).toBeUndefined();
    } finally {
      await s.close();
    }
  });
});

describe('tokenscope drift against a server that echoes the token', () => {
  test.each(ECHOES)('%s in GitLab\'s error message: stdout, stderr and every report file', async (_name, echo) => {
    const s = await hostile((req, res) => {
      if (req.url?.endsWith('/personal_access_tokens/self')) return sendJson(res, 200, selfOk);
      return sendJson(res, 400, { errors: [{ message: `Field error for ${echo}` }] });
    });
    const dir = synthWithProjects(3);
    try {
      const r = await cli(['drift', '--url', s.url, '--format', 'markdown', '--json-output', 'r.json', '--junit-output', 'r.xml', '--no-progress'],
        { GITLAB_TOKEN: TOKEN }, dir);
      expect(r.code).toBe(1);
      const files = fs.readFileSync(path.join(dir, 'r.json'), 'utf8') + fs.readFileSync(path.join(dir, 'r.xml'), 'utf8');
      for (const text of [r.out, r.err, files]) expect(leaks(text, TOKEN)).toBeUndefined();
      expect(files).toContain(SHOWN);
    } finally {
      await s.close();
    }
  });

  test('a 500 body on the token check and a redirect to the token as a host name', async () => {
    const all = ECHOES.map(([, e]) => e).join(' ');
    const s = await hostile((req, res) => {
      if (req.url?.endsWith('/personal_access_tokens/self')) return sendJson(res, 500, { message: `${all} trace` });
      res.writeHead(302, { location: `http://${TOKEN.toUpperCase()}.evil.example/api/graphql` });
      res.end();
    });
    const dir = synthWithProjects(2);
    try {
      const r = await cli(['drift', '--url', s.url, '--format', 'json', '--output', 'out.json', '--no-progress'], { GITLAB_TOKEN: TOKEN }, dir);
      expect(r.code).toBe(1);
      const written = filesUnder(dir);
      for (const text of [r.out, r.err, written]) expect(leaks(text, TOKEN)).toBeUndefined();
      expect(r.err).toContain(`could not read the token's scopes (HTTP 500: ${SHOWN}`);
      expect(written).toContain(`redirected to another origin (http://${SHOWN}.evil.example)`);
    } finally {
      await s.close();
    }
  }, 30_000);
});
