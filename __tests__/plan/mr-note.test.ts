import { buildProgram } from '../../lib/cli/main';
import { memoryIO } from '../../lib/cli/io';
import { createPlanSummaryCommand } from '../../lib/cli/commands/plan-summary';
import { GitLabHttp, NO_RETRY } from '../../lib/gitlab/http';
import { noteBody, noteMarker, upsertMrNote } from '../../lib/plan/mr-note';
import { FakeGitLab, FakeNote, startFakeGitLab } from './fake-gitlab';
import { FIXTURES, NOW } from './helpers';

const TOKEN = 'glpat-mrnotetesttoken00000000001';
const MARKER = '<!-- tokenscope:plan-summary -->';

async function postNote(gl: FakeGitLab, plan: string, extraEnv: Record<string, string> = {}, extraArgs: string[] = []) {
  const io = memoryIO({
    CI_API_V4_URL: `${gl.url}/api/v4`, CI_PROJECT_ID: '42', CI_MERGE_REQUEST_IID: '1', GITLAB_TOKEN: TOKEN, ...extraEnv,
  }, FIXTURES);
  const state = { exitCode: 0 };
  await buildProgram(io, state, [createPlanSummaryCommand({ now: () => NOW })])
    .parseAsync(['node', 'tokenscope', 'plan-summary', plan, '--lock', 'lock.json', '--post-mr-note', ...extraArgs]);
  return { code: state.exitCode, out: io.out(), err: io.err() };
}

describe('--post-mr-note: create, then update the same note', () => {
  let gl: FakeGitLab;
  beforeAll(async () => {
    gl = await startFakeGitLab({ token: TOKEN, userId: 7, mergeRequests: [{ projectId: '42', iid: 1 }] });
  });
  afterAll(async () => { await gl.stop(); });

  it('first run creates one note carrying the marker; second run updates that note, no duplicate', async () => {
    const first = await postNote(gl, 'no-scopes.plan.json', { CI_PIPELINE_ID: '100', CI_COMMIT_SHORT_SHA: 'abc1234' });
    expect(first.code).toBe(0);
    expect(gl.notes['42!1']).toHaveLength(1);
    const id = gl.notes['42!1'][0].id;
    expect(first.err).toBe(`tokenscope plan-summary: created note ${id} on merge request !1\n`);
    expect(gl.notes['42!1'][0].body.startsWith(`${MARKER}\n### tokenscope plan review`)).toBe(true);
    expect(gl.notes['42!1'][0].body).toContain('No job-token scope changes');
    expect(gl.notes['42!1'][0].body).toContain('<sub>Plan from pipeline #100, commit abc1234.</sub>');

    gl.requests.length = 0;
    const second = await postNote(gl, 'acme.plan.json', { CI_PIPELINE_ID: '101' });
    expect(second.code).toBe(0);
    expect(second.err).toBe(`tokenscope plan-summary: updated note ${id} on merge request !1\n`);
    expect(gl.notes['42!1']).toHaveLength(1);
    expect(gl.notes['42!1'][0].id).toBe(id);
    expect(gl.notes['42!1'][0].body).toContain('acme/platform/tools/release-cli');
    expect(gl.notes['42!1'][0].body).toContain('pipeline #101');
    expect(gl.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /api/v4/user',
      'GET /api/v4/projects/42/merge_requests/1/notes',
      `PUT /api/v4/projects/42/merge_requests/1/notes/${id}`,
    ]);
    expect(gl.requests[1].query.get('per_page')).toBe('100');
    expect(gl.requests.every((r) => r.auth === `Bearer ${TOKEN}`)).toBe(true);
  });

  it('--note-key keeps a separate note', async () => {
    await postNote(gl, 'no-scopes.plan.json', {}, ['--note-key', 'infra']);
    expect(gl.notes['42!1']).toHaveLength(2);
    expect(gl.notes['42!1'][1].body.startsWith('<!-- tokenscope:plan-summary:infra -->\n')).toBe(true);
    await postNote(gl, 'no-scopes.plan.json', {}, ['--note-key', 'infra']);
    expect(gl.notes['42!1']).toHaveLength(2);
  });

  it('--token-env names the variable the token comes from', async () => {
    const r = await postNote(gl, 'no-scopes.plan.json', { GITLAB_TOKEN: '', NOTE_TOKEN: TOKEN }, ['--token-env', 'NOTE_TOKEN']);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/^tokenscope plan-summary: updated note \d+ on merge request !1\n$/);
  });

  it('a refused token is an error that names what is needed and never shows the token', async () => {
    const bad = 'glpat-refusedrefusedrefused00001';
    const r = await postNote(gl, 'no-scopes.plan.json', { GITLAB_TOKEN: bad });
    expect(r.code).toBe(1);
    expect(r.err).toBe('tokenscope plan-summary: could not list the merge request notes: HTTP 401 401 Unauthorized; the token needs the api scope and access to comment on the merge request\n');
    expect(r.out).toContain('### tokenscope plan review');
    expect(r.out + r.err).not.toContain(bad);
  });
});

describe('upsertMrNote: finding the note', () => {
  const note = (id: number, body: string, author: number, system = false): FakeNote => ({ id, body, author: { id: author }, system });

  it('pages through the notes (per_page=100, X-Next-Page) and updates our marked note on page 3', async () => {
    const notes = Array.from({ length: 230 }, (_, i) => note(i + 1, `comment ${i}`, 5));
    notes[215] = note(216, `${MARKER}\nold summary`, 7);
    const gl = await startFakeGitLab({ token: TOKEN, userId: 7, notes: { '42!3': notes } });
    try {
      const http = new GitLabHttp({ baseUrl: gl.url, token: TOKEN, retry: NO_RETRY });
      const res = await upsertMrNote(http, { baseUrl: gl.url, projectId: '42', iid: '3' }, `${MARKER}\nnew`, MARKER);
      expect(res).toEqual({ action: 'updated', noteId: 216 });
      expect(gl.notes['42!3']).toHaveLength(230);
      expect(gl.notes['42!3'][215].body).toBe(`${MARKER}\nnew`);
      expect(gl.requests.filter((r) => r.method === 'GET' && r.path.endsWith('/notes')).map((r) => r.query.get('page'))).toEqual(['1', '2', '3']);
    } finally {
      await gl.stop();
    }
  });

  it('leaves a marked note written by someone else alone (only its author could edit it) and creates ours', async () => {
    const gl = await startFakeGitLab({ token: TOKEN, userId: 7, notes: {
      '42!4': [note(1, `${MARKER}\nquoted by a human`, 9), note(2, `system note ${MARKER}`, 7, true)],
    } });
    try {
      const http = new GitLabHttp({ baseUrl: gl.url, token: TOKEN, retry: NO_RETRY });
      const res = await upsertMrNote(http, { baseUrl: gl.url, projectId: '42', iid: '4' }, `${MARKER}\nours`, MARKER);
      expect(res.action).toBe('created');
      expect(gl.notes['42!4']).toHaveLength(3);
      expect(gl.notes['42!4'][0].body).toBe(`${MARKER}\nquoted by a human`);
    } finally {
      await gl.stop();
    }
  });

  it('URL-encodes a project given by path', async () => {
    const gl = await startFakeGitLab({ token: TOKEN, mergeRequests: [{ projectId: 'acme/ops', iid: 2 }] });
    try {
      const http = new GitLabHttp({ baseUrl: gl.url, token: TOKEN, retry: NO_RETRY });
      await upsertMrNote(http, { baseUrl: gl.url, projectId: 'acme/ops', iid: '2' }, `${MARKER}\nx`, MARKER);
      expect(gl.requests.some((r) => r.path === '/api/v4/projects/acme%2Fops/merge_requests/2/notes' && r.method === 'POST')).toBe(true);
    } finally {
      await gl.stop();
    }
  });
});

describe('noteBody', () => {
  it('puts the marker first', () => {
    expect(noteBody('hello\n', noteMarker())).toBe(`${MARKER}\nhello\n`);
    expect(noteMarker('a-->b c')).toBe('<!-- tokenscope:plan-summary:a-_b_c -->');
  });

  it('drops the folded details when the note would be too long for GitLab', () => {
    const md = `summary\n<details>\n${'x'.repeat(500)}\n</details>\n`;
    const body = noteBody(md, MARKER, 200);
    expect(body).toBe(`${MARKER}\nsummary\n\n*The summary was too long for a note; the full version is in the job artifacts.*\n`);
    expect(body.length).toBeLessThanOrEqual(200);
  });
});

describe('--post-mr-note sends the token only to the configured GitLab', () => {
  let gl: FakeGitLab;
  beforeAll(async () => {
    gl = await startFakeGitLab({ token: TOKEN, userId: 7, mergeRequests: [{ projectId: '42', iid: 1 }] });
  });
  afterAll(async () => { await gl.stop(); });

  it.each([
    ['GITLAB_URL', { GITLAB_URL: 'https://gitlab.example.com' }, []],
    ['CI_SERVER_URL', { CI_SERVER_URL: 'https://gitlab.example.com' }, []],
    ['--url', {}, ['--url', 'https://gitlab.example.com/api/v4']],
  ])('CI_API_V4_URL on another origin than %s: refused before any request', async (_what, env, args) => {
    gl.requests.length = 0;
    const r = await postNote(gl, 'no-scopes.plan.json', env, args);
    expect(r.code).toBe(1);
    expect(r.err).toBe(
      `tokenscope plan-summary: --post-mr-note: CI_API_V4_URL is on ${gl.url}, but the configured GitLab is https://gitlab.example.com; ` +
        'GITLAB_TOKEN is sent only to https://gitlab.example.com, so no note was posted. ' +
        `Post from a pipeline of https://gitlab.example.com, or point --url/GITLAB_URL at ${gl.url} if the token belongs there\n`,
    );
    expect(gl.requests).toEqual([]);
    expect(gl.notes['42!1']).toEqual([]);
  });

  it('without GITLAB_TOKEN (CI_JOB_TOKEN cannot post notes) it says what token is needed, before any request', async () => {
    gl.requests.length = 0;
    const r = await postNote(gl, 'no-scopes.plan.json', { GITLAB_TOKEN: '', CI_JOB_TOKEN: 'glcbt-64_notetokennotetoken0001' });
    expect(r.code).toBe(1);
    expect(r.err).toBe('tokenscope plan-summary --post-mr-note needs a personal, project or group access token with api and the right to comment on the merge request: set GITLAB_TOKEN to one (or name its variable with --token-env NAME)\n');
    expect(gl.requests).toEqual([]);
  });

  it('the same origin (GITLAB_URL as the instance root) posts', async () => {
    const r = await postNote(gl, 'no-scopes.plan.json', { GITLAB_URL: gl.url, CI_SERVER_URL: gl.url });
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/^tokenscope plan-summary: created note \d+ on merge request !1\n$/);
    expect(gl.notes['42!1']).toHaveLength(1);
  });
});
