import { GitLabHttp, GitLabHttpError, NO_RETRY, gitlabErrorText } from '../../lib/gitlab/http';
import { MAX_ERROR_BODY_BYTES } from '../../lib/gitlab/body';
import { cli, synthWithProjects } from './helpers';
import { drip, hostile, sendJson, streamHuge } from './hostile-server';

/**
 * Bodies are read within a bound, quoted server text is short, and a command
 * stops at its --timeout: no output grows with what a server sends, and no
 * server can keep a command waiting past its deadline.
 */
const TOKEN = 'glpat-hostile-bodies-0000000000000001';
const MB = 1024 * 1024;
const selfOk = { id: 1, name: 'ci', revoked: false, active: true, scopes: ['read_api'], expires_at: null };
const isSelf = (url?: string) => !!url?.endsWith('/personal_access_tokens/self');

describe('bounded bodies', () => {
  test('50 MB of JSON: stopped after 10 MB, said once, the rest never downloaded', async () => {
    const s = await hostile((_req, res) => streamHuge(res, 200, 50 * MB, '['));
    try {
      const err = await new GitLabHttp({ baseUrl: s.url, token: TOKEN, retry: NO_RETRY }).getJson('/api/v4/projects').catch((e) => e);
      expect(err).toBeInstanceOf(GitLabHttpError);
      expect(err.kind).toBe('too_large');
      expect(err.message).toBe(
        `GET ${s.url}/api/v4/projects: the answer is larger than 10 MB, more than any GitLab API answer tokenscope asks for; it stopped reading. Check the GitLab URL (${s.url})`,
      );
      await new Promise((r) => setTimeout(r, 200));
      expect(s.bytesSent()).toBeLessThan(20 * MB);
    } finally {
      await s.close();
    }
  });

  test('a declared Content-Length over the bound is not read at all', async () => {
    const s = await hostile((_req, res) => { res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(50 * MB) }); res.write('['); });
    try {
      const err = await new GitLabHttp({ baseUrl: s.url, token: TOKEN, retry: NO_RETRY }).getJson('/api/v4/projects').catch((e) => e);
      expect(err.kind).toBe('too_large');
    } finally {
      await s.close();
    }
  });

  test('a 50 MB error answer: its first 64 KB, quoted in 300 characters', async () => {
    const s = await hostile((_req, res) => streamHuge(res, 500, 50 * MB, '{"message":"' + 'boom '.repeat(20)));
    try {
      const res = await new GitLabHttp({ baseUrl: s.url, token: TOKEN, retry: NO_RETRY }).request('GET', '/api/v4/projects');
      expect(res.status).toBe(500);
      expect(res.truncated).toBe(true);
      expect(res.text.length).toBeLessThanOrEqual(MAX_ERROR_BODY_BYTES);
      expect(res.isJson).toBe(false);
      expect(gitlabErrorText(res)).toBeUndefined();
    } finally {
      await s.close();
    }
  });

  test('a long GitLab message is quoted on one line, cut to 300 characters', async () => {
    const s = await hostile((_req, res) => sendJson(res, 400, { message: `bad\n\u001b[31mrequest ${'x'.repeat(5000)}` }));
    try {
      const res = await new GitLabHttp({ baseUrl: s.url, token: TOKEN }).request('GET', '/api/v4/projects');
      expect(gitlabErrorText(res)).toBe(`bad request ${'x'.repeat(288)}... (4717 more characters)`);
    } finally {
      await s.close();
    }
  });

  test('drift: 50 MB answers to GraphQL give one line and a bounded report', async () => {
    for (const status of [200, 500]) {
      const s = await hostile((req, res) => (isSelf(req.url) ? sendJson(res, 200, selfOk) : streamHuge(res, status, 50 * MB, '<html>')));
      const dir = synthWithProjects(20);
      try {
        const r = await cli(['drift', '--url', s.url, '--no-progress', '--concurrency', '1'], { GITLAB_TOKEN: TOKEN }, dir);
        expect(r.code).toBe(1);
        if (status === 200) {
          expect(r.out).toBe('');
          expect(r.err).toBe(`tokenscope drift: POST ${s.url}/api/graphql: the answer is larger than 10 MB, more than any GitLab API answer tokenscope asks for; ` +
            `it stopped reading. Check the GitLab URL (${s.url})\n`);
        } else {
          // A proxy's error page, retried: the projects are unreadable, each said in a short line.
          expect(r.out).toContain('20 unreadable');
          expect(r.out.length).toBeLessThan(20 * 400);
          expect(r.out).toContain(`answered HTTP 500 with an error body over 64 KB (the rest was not read): GitLab, or a proxy in front of it, failed; try again later`);
        }
      } finally {
        await s.close();
      }
    }
  }, 60_000);
});

describe('--timeout: the command\'s overall deadline', () => {
  test('a slow-drip server: drift stops at the deadline, says what it did not read, exits 1', async () => {
    const s = await hostile((req, res) => (isSelf(req.url) ? sendJson(res, 200, selfOk) : drip(res, 50, 20_000)));
    const dir = synthWithProjects(30);
    try {
      const r = await cli(['drift', '--url', s.url, '--timeout', '2', '--no-progress', '--format', 'json'], { GITLAB_TOKEN: TOKEN }, dir);
      expect(r.code).toBe(1);
      expect(r.err).toBe('tokenscope drift: stopped: the --timeout of 2 s was reached; 30 of 30 projects not read (listed as unreadable in the report); ' +
        'give it more time with --timeout SECONDS\n');
      const report = JSON.parse(r.out);
      expect(report.summary).toMatchObject({ projects: 30, unreadable: 30 });
      expect(report.projects[0].error).toMatch(/^not read: POST .*\/api\/graphql: no complete answer when the --timeout of 2 s was reached$/);
    } finally {
      await s.close();
    }
  });

  test('a retry that would come after the deadline is not waited for', async () => {
    const s = await hostile((req, res) => (isSelf(req.url) ? sendJson(res, 200, selfOk) : sendJson(res, 503, { message: 'busy' }, { 'retry-after': '3600' })));
    const dir = synthWithProjects(2);
    try {
      const r = await cli(['drift', '--url', s.url, '--timeout', '3', '--no-progress', '--format', 'json'], { GITLAB_TOKEN: TOKEN }, dir);
      expect(r.code).toBe(1);
      expect(JSON.parse(r.out).projects[0].error).toBe(
        `not read: POST ${s.url}/api/graphql: not retried after HTTP 503: the --timeout of 3 s was reached`,
      );
    } finally {
      await s.close();
    }
  });

  test('the token check retries like every request (502, 502, then 200), within the deadline', async () => {
    let selfCalls = 0;
    const s = await hostile((req, res) => {
      if (isSelf(req.url)) return ++selfCalls <= 2 ? sendJson(res, 502, { message: 'bad gateway' }) : sendJson(res, 200, selfOk);
      return sendJson(res, 400, { errors: [{ message: 'no such field' }] });
    });
    const dir = synthWithProjects(1);
    try {
      const r = await cli(['drift', '--url', s.url, '--no-progress'], { GITLAB_TOKEN: TOKEN }, dir);
      expect(selfCalls).toBe(3);
      expect(r.err).toBe('');
      expect(r.out).toContain('1 unreadable');
    } finally {
      await s.close();
    }
  });

  test('a token check that never gets an answer: one line naming the deadline', async () => {
    const s = await hostile(() => undefined);
    const dir = synthWithProjects(1);
    try {
      const r = await cli(['drift', '--url', s.url, '--timeout', '1'], { GITLAB_TOKEN: TOKEN }, dir);
      expect(r.code).toBe(1);
      expect(r.err).toBe(`tokenscope drift: GET ${s.url}/api/v4/personal_access_tokens/self: no complete answer when the --timeout of 1 s was reached\n`);
      const d = await cli(['doctor', '--url', s.url, '--timeout', '1'], { GITLAB_TOKEN: TOKEN }, dir);
      expect(d.code).toBe(1);
      expect(d.out).toContain(`[fail] gitlab.reachable   not checked: GET ${s.url}/api/v4/personal_access_tokens/self: no complete answer when the --timeout of 1 s was reached\n`);
    } finally {
      await s.close();
    }
  });
});
