import { ConfigError, normalizeBaseUrl } from '../gitlab/config';
import { GitLabHttp, GitLabResponse, gitlabErrorText } from '../gitlab/http';

/** The merge request a pipeline runs for, from GitLab CI's predefined variables. */
export interface MergeRequestRef {
  /** Instance root derived from CI_API_V4_URL (which ends with /api/v4). */
  readonly baseUrl: string;
  readonly projectId: string;
  readonly iid: string;
}

export class MrNoteError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MrNoteError';
  }
}

export function mergeRequestFromEnv(env: Readonly<Record<string, string | undefined>>): MergeRequestRef {
  const missing = ['CI_API_V4_URL', 'CI_PROJECT_ID', 'CI_MERGE_REQUEST_IID'].filter((v) => !env[v]);
  if (missing.length > 0) {
    throw new ConfigError(`--post-mr-note needs ${missing.join(', ')} (GitLab sets them in merge request pipelines)`);
  }
  return { baseUrl: normalizeBaseUrl(env.CI_API_V4_URL as string), projectId: env.CI_PROJECT_ID as string, iid: env.CI_MERGE_REQUEST_IID as string };
}

/**
 * The note goes to CI_API_V4_URL with the token meant for the configured GitLab
 * (`--url`, GITLAB_URL, GITLAB_BASE_URL, CI_SERVER_URL). A pipeline of one
 * instance may hold a token for another: then the two origins differ and the
 * token must not travel to CI_API_V4_URL.
 */
export function assertNoteOrigin(mr: MergeRequestRef, configuredBaseUrl: string, tokenSource: string): void {
  const configured = new URL(configuredBaseUrl).origin;
  const api = new URL(mr.baseUrl).origin;
  if (configured !== api) {
    throw new ConfigError(
      `--post-mr-note: CI_API_V4_URL is on ${api}, but the configured GitLab is ${configured}; ` +
        `${tokenSource} is sent only to ${configured}, so no note was posted. ` +
        `Post from a pipeline of ${configured}, or point --url/GITLAB_URL at ${api} if the token belongs there`,
    );
  }
}

/** The hidden first line that finds our note again. One note per merge request and key. */
export function noteMarker(key?: string): string {
  // Only characters that cannot end the HTML comment early.
  const safe = key?.replace(/[^A-Za-z0-9_./-]/g, '_').replace(/-{2,}/g, '-');
  return safe ? `<!-- tokenscope:plan-summary:${safe} -->` : '<!-- tokenscope:plan-summary -->';
}

/** GitLab refuses notes over 1,000,000 characters. */
export const NOTE_MAX_CHARS = 1_000_000;
const TRUNCATED = '\n\n*The summary was too long for a note; the full version is in the job artifacts.*\n';

export function noteBody(markdown: string, marker: string, max = NOTE_MAX_CHARS): string {
  let body = `${marker}\n${markdown}`;
  if (body.length <= max) return body;
  const details = body.indexOf('<details>');
  if (details > 0) body = body.slice(0, details).trimEnd();
  if (body.length + TRUNCATED.length > max) body = body.slice(0, max - TRUNCATED.length);
  return body + TRUNCATED;
}

export interface UpsertResult {
  readonly action: 'created' | 'updated';
  readonly noteId: number;
}

interface Note { id: number; body?: string; author?: { id?: number }; system?: boolean }

const MAX_NOTE_PAGES = 100;

/**
 * Creates the summary note, or updates the one an earlier run left (found by its
 * marker, preferring notes written by the token's own user), so that a merge
 * request never collects one note per pipeline.
 */
export async function upsertMrNote(http: GitLabHttp, mr: MergeRequestRef, body: string, marker: string): Promise<UpsertResult> {
  const notesPath = `/api/v4/projects/${encodeURIComponent(mr.projectId)}/merge_requests/${encodeURIComponent(mr.iid)}/notes`;
  const me = await currentUserId(http);
  const existing = await findMarkedNote(http, notesPath, marker, me);
  if (existing !== undefined) {
    const res = await http.request('PUT', `${notesPath}/${existing}`, { json: { body }, idempotent: true });
    if (res.status !== 200) throw noteError('update', existing, res);
    return { action: 'updated', noteId: existing };
  }
  const res = await http.request('POST', notesPath, { json: { body } });
  const id = (res.json as Note | undefined)?.id;
  if (res.status !== 201 || typeof id !== 'number') throw noteError('create', undefined, res);
  return { action: 'created', noteId: id };
}

async function currentUserId(http: GitLabHttp): Promise<number | undefined> {
  try {
    const res = await http.request('GET', '/api/v4/user');
    const id = (res.json as { id?: unknown } | undefined)?.id;
    return res.status === 200 && typeof id === 'number' ? id : undefined;
  } catch {
    return undefined;
  }
}

async function findMarkedNote(http: GitLabHttp, notesPath: string, marker: string, me: number | undefined): Promise<number | undefined> {
  let mine: number | undefined;
  let anyone: number | undefined;
  let page: string | null = '1';
  for (let n = 0; page && n < MAX_NOTE_PAGES; n++) {
    const res = await http.request('GET', notesPath, { query: { per_page: 100, page, sort: 'asc', order_by: 'created_at' } });
    if (res.status !== 200 || !Array.isArray(res.json)) throw noteError('list', undefined, res);
    for (const note of res.json as Note[]) {
      if (note.system || typeof note.body !== 'string' || !note.body.startsWith(marker)) continue;
      if (me !== undefined && note.author?.id === me) mine ??= note.id;
      anyone ??= note.id;
    }
    page = res.headers.get('x-next-page') || null;
  }
  // Only the author may edit a note: with a known user, someone else's marked note is left alone.
  return me !== undefined ? mine : anyone;
}

function noteError(what: 'list' | 'create' | 'update', id: number | undefined, res: GitLabResponse): MrNoteError {
  const text = gitlabErrorText(res);
  const hint = res.status === 401 || res.status === 403
    ? '; the token needs the api scope and access to comment on the merge request'
    : '';
  const subject = what === 'list' ? 'list the merge request notes' : what === 'create' ? 'create the merge request note' : `update merge request note ${id}`;
  return new MrNoteError(`could not ${subject}: HTTP ${res.status}${text ? ` ${text}` : ''}${hint}`);
}
