import { MAX_ERROR_BODY_BYTES, quoteServerText } from './body';

/** The parts of an answer these helpers read. */
interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  readonly json: unknown;
}

/**
 * GitLab's 503 for a query that ran past its 30 s limit: the same query would
 * time out again, so it goes back to the caller (which splits the batch) at once.
 */
export function isQueryTimeout(res: Pick<Answer, 'status' | 'text'>): boolean {
  return res.status === 503 && res.text.includes('Request timed out');
}

export function parseRetryAfter(headers: Headers, now = Date.now()): number | undefined {
  const ra = headers.get('retry-after');
  if (ra) {
    const secs = Number(ra);
    if (Number.isFinite(secs)) return Math.max(0, secs * 1000);
    const date = Date.parse(ra);
    if (!Number.isNaN(date)) return Math.max(0, date - now);
  }
  const reset = headers.get('ratelimit-reset');
  if (reset) {
    const n = Number(reset);
    // RateLimit-Reset is an epoch timestamp on GitLab; small numbers are treated as seconds-from-now.
    if (Number.isFinite(n)) return n > 1e9 ? Math.max(0, n * 1000 - now) : n * 1000;
  }
  return undefined;
}

/** `error_description="..."` of a `WWW-Authenticate: Bearer ...` header (GitLab's OAuth errors carry it there too). */
function wwwAuthenticateDescription(headers: Headers): string | undefined {
  const h = headers.get('www-authenticate');
  const m = h ? /error_description="((?:[^"\\]|\\.)*)"/.exec(h) : null;
  return m ? m[1].replace(/\\(.)/g, '$1') : undefined;
}

/**
 * GitLab's error text from an answer: `message`, `error_description`/`error`,
 * GraphQL `errors[0].message`, else the `WWW-Authenticate` description; one
 * line of at most a few hundred characters, however much the server sent.
 */
export function gitlabErrorText(res: Pick<Answer, 'json' | 'headers'>): string | undefined {
  const raw = rawErrorText(res.json) ?? (res.headers ? wwwAuthenticateDescription(res.headers) : undefined);
  return raw === undefined ? undefined : quoteServerText(raw);
}

function rawErrorText(json: unknown): string | undefined {
  const b = json as Record<string, unknown> | undefined;
  if (!b || typeof b !== 'object') return undefined;
  if (typeof b.message === 'string') return b.message;
  if (b.message && typeof b.message === 'object') return JSON.stringify(b.message);
  if (typeof b.error_description === 'string') return b.error_description;
  if (typeof b.error === 'string') return b.error;
  if (Array.isArray(b.errors) && b.errors[0] && typeof (b.errors[0] as { message?: unknown }).message === 'string') {
    return (b.errors[0] as { message: string }).message;
  }
  return undefined;
}

/** What a body that is not GitLab's JSON looks like, for messages. */
export function describeBody(text: string, truncated: boolean): string {
  if (truncated) return `an error body over ${MAX_ERROR_BODY_BYTES / 1024} KB (the rest was not read)`;
  if (/^\s*</.test(text)) return 'an HTML page';
  return text.length === 0 ? 'an empty body' : 'a body that is not JSON';
}

/**
 * The one wording for "this URL is not a GitLab instance root", with the path
 * the user gave when there is one (a project page, a wrong `/gitlab` prefix).
 */
export function notGitLabRootMessage(baseUrl: string, answered: string): string {
  const p = new URL(baseUrl).pathname.replace(/\/+$/, '');
  const hint = p ? ` (its path ${p} looks like a project or group page, or a wrong prefix)` : '';
  return `${answered}: ${baseUrl} is not the root of a GitLab instance${hint}; ` +
    'give the instance root, e.g. https://gitlab.example.com (or https://example.com/gitlab when GitLab is served under /gitlab)';
}
