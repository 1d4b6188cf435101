import { createMasker, Masker, maskDeep } from './secrets';
import { describeBody, isQueryTimeout, notGitLabRootMessage, parseRetryAfter } from './answers';
import { MAX_BODY_BYTES, MAX_ERROR_BODY_BYTES, readBounded } from './body';
import type { Deadline } from './deadline';
import { describeNetworkFailure } from './net-errors';

export { gitlabErrorText, isQueryTimeout, parseRetryAfter } from './answers';

/** How the token is presented. GitLab takes job tokens only in `JOB-TOKEN`. */
export type AuthScheme = 'bearer' | 'private-token' | 'job-token' | 'none';

export interface RetryPolicy {
  /** Attempts in all, including the first. */
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 5, baseDelayMs: 200, maxDelayMs: 20_000 };
export const NO_RETRY: RetryPolicy = { maxAttempts: 1, baseDelayMs: 0, maxDelayMs: 0 };

export interface GitLabHttpOptions {
  readonly baseUrl: string;
  readonly token?: string;
  readonly auth?: AuthScheme;
  readonly mask?: Masker;
  readonly retry?: RetryPolicy;
  /** Per request (each attempt), in ms. @default 30000 */
  readonly timeoutMs?: number;
  /** The command's overall deadline (`--timeout`), shared by all its clients. */
  readonly deadline?: Deadline;
  /** The most a (non-error) answer may hold. @default MAX_BODY_BYTES (10 MB) */
  readonly maxBodyBytes?: number;
  readonly fetchImpl?: typeof fetch;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
  /** Called for every HTTP exchange (including retries), after the response or failure. */
  readonly onExchange?: (e: ExchangeInfo) => void;
}

export interface ExchangeInfo {
  readonly method: string;
  /** Masked: after a redirect within the origin the server chose it. */
  readonly path: string;
  readonly status: number | undefined;
  readonly attempt: number;
  readonly error?: string;
}

export interface RequestOptions {
  readonly query?: Record<string, string | number | boolean | undefined>;
  readonly json?: unknown;
  readonly headers?: Record<string, string>;
  /** Safe to retry (reads, GraphQL queries). Defaults to true for GET/HEAD. */
  readonly idempotent?: boolean;
  readonly retry?: RetryPolicy;
}

export interface GitLabResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** Parsed JSON body, or undefined when the body is not JSON. */
  readonly json: unknown;
  readonly isJson: boolean;
  readonly url: string;
  /** An error answer longer than MAX_ERROR_BODY_BYTES: `text` holds its start only. */
  readonly truncated: boolean;
}

export type GitLabHttpErrorKind = 'network' | 'timeout' | 'redirect' | 'not_gitlab' | 'http' | 'too_large' | 'deadline';

export class GitLabHttpError extends Error {
  constructor(
    readonly kind: GitLabHttpErrorKind,
    message: string,
    readonly status?: number,
    readonly response?: GitLabResponse,
    /** A network failure that trying again cannot mend (DNS, TLS, wrong scheme). */
    readonly permanent = false,
  ) {
    super(message);
    this.name = 'GitLabHttpError';
  }
}

const RETRYABLE_STATUS = new Set([429, 500, 502, 503, 504]);
const MAX_REDIRECTS = 3;
const SIGN_IN = /\/users\/sign_in\/?$/;

/**
 * The one way tokenscope talks to GitLab. It sends the token only to the
 * configured origin (a redirect elsewhere is refused, never followed with the
 * token), masks the token in every message, header and body it hands on,
 * reads at most a bounded body, retries what is safe to retry within the
 * command's deadline, and tells a non-GitLab answer apart from a GitLab error.
 */
export class GitLabHttp {
  readonly baseUrl: string;
  readonly origin: string;
  readonly mask: Masker;
  readonly deadline?: Deadline;
  private readonly token?: string;
  private readonly auth: AuthScheme;
  private readonly retry: RetryPolicy;
  private readonly timeoutMs: number;
  private readonly maxBodyBytes: number;
  private readonly fetchImpl: typeof fetch;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly onExchange?: (e: ExchangeInfo) => void;
  private exchanges = 0;

  constructor(opts: GitLabHttpOptions) {
    this.baseUrl = opts.baseUrl.replace(/\/+$/, '');
    this.origin = new URL(this.baseUrl).origin;
    this.token = opts.token;
    this.auth = opts.token ? (opts.auth ?? 'bearer') : 'none';
    this.mask = opts.mask ?? createMasker([opts.token]);
    this.retry = opts.retry ?? DEFAULT_RETRY;
    this.timeoutMs = opts.timeoutMs ?? 30_000;
    this.deadline = opts.deadline;
    this.maxBodyBytes = opts.maxBodyBytes ?? MAX_BODY_BYTES;
    this.fetchImpl = opts.fetchImpl ?? fetch;
    this.sleep = opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.random = opts.random ?? Math.random;
    this.onExchange = opts.onExchange;
  }

  /** HTTP exchanges made so far, retries and redirects included. */
  get requestCount(): number {
    return this.exchanges;
  }

  /** `path` is relative to the instance root, e.g. `/api/v4/user` or `/api/graphql`. */
  async request(method: string, path: string, opts: RequestOptions = {}): Promise<GitLabResponse> {
    const policy = opts.retry ?? this.retry;
    const idempotent = opts.idempotent ?? (method === 'GET' || method === 'HEAD');
    const attempts = idempotent ? Math.max(1, policy.maxAttempts) : 1;
    let lastError: GitLabHttpError | undefined;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      let res: GitLabResponse | undefined;
      try {
        res = await this.exchange(method, path, opts, attempt);
      } catch (err) {
        const transient = err instanceof GitLabHttpError && (err.kind === 'timeout' || (err.kind === 'network' && !err.permanent));
        if (!transient) throw err;
        lastError = err as GitLabHttpError;
      }
      if (res) {
        if (!RETRYABLE_STATUS.has(res.status) || isQueryTimeout(res) || attempt === attempts) return res;
        lastError = new GitLabHttpError('http', `${method} ${path}: HTTP ${res.status}`, res.status, res);
        await this.pause(method, path, this.delayFor(attempt, policy, res), `HTTP ${res.status}`);
        continue;
      }
      if (attempt < attempts) await this.pause(method, path, this.delayFor(attempt, policy), (lastError as GitLabHttpError).message);
    }
    throw lastError ?? new GitLabHttpError('network', `${method} ${path} failed`);
  }

  /** Waits before a retry, unless the retry would come after the deadline: then stops, saying why. */
  private async pause(method: string, path: string, ms: number, why: string): Promise<void> {
    if (this.deadline && this.deadline.remainingMs() <= ms) {
      throw new GitLabHttpError('deadline', this.mask(`${method} ${this.origin}${path}: not retried after ${why}: ${this.deadline.stop()}`));
    }
    await this.sleep(ms);
  }

  /** GET returning parsed JSON; throws `not_gitlab` when the answer is not JSON. */
  async getJson(path: string, opts: RequestOptions = {}): Promise<GitLabResponse> {
    const res = await this.request('GET', path, opts);
    this.assertJson(res, path);
    return res;
  }

  /**
   * POSTs a GraphQL request (one operation object or a multiplex array). Queries
   * only are retried. GitLab always serves /api/graphql: a 404 there means the
   * URL is not a GitLab root, whatever the body says.
   */
  async graphql(body: unknown, opts: { idempotent?: boolean } = {}): Promise<GitLabResponse> {
    const res = await this.request('POST', '/api/graphql', { json: body, idempotent: opts.idempotent ?? true });
    if (res.status === 404) throw this.notGitLab(res, '/api/graphql');
    this.assertJson(res, '/api/graphql');
    return res;
  }

  assertJson(res: GitLabResponse, path: string): void {
    if (!res.isJson) throw this.notGitLab(res, path);
  }

  private notGitLab(res: GitLabResponse, path: string): GitLabHttpError {
    const what = res.isJson ? '' : ` with ${describeBody(res.text, res.truncated)}`;
    // After a same-origin redirect, the path is the server's choice: masked like its body.
    const u = new URL(this.mask(res.url || this.baseUrl + path));
    if (res.status >= 500) {
      // A proxy's error page (502 Bad Gateway, 504): GitLab is behind it, and may answer later.
      return new GitLabHttpError('http', `${u.origin}${u.pathname} answered HTTP ${res.status}${what}: GitLab, or a proxy in front of it, failed; try again later`, res.status, res);
    }
    return new GitLabHttpError('not_gitlab', notGitLabRootMessage(this.baseUrl, `${u.origin}${u.pathname} answered HTTP ${res.status}${what}`), res.status, res);
  }

  private delayFor(attempt: number, policy: RetryPolicy, res?: GitLabResponse): number {
    if (res) {
      const retryAfter = parseRetryAfter(res.headers);
      if (retryAfter !== undefined) return Math.min(retryAfter, policy.maxDelayMs);
    }
    const exp = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
    // Full jitter keeps many concurrent clients from retrying in lockstep.
    return Math.round(exp / 2 + this.random() * (exp / 2));
  }

  private authHeaders(): Record<string, string> {
    if (!this.token) return {};
    switch (this.auth) {
      case 'bearer': return { Authorization: `Bearer ${this.token}` };
      case 'private-token': return { 'PRIVATE-TOKEN': this.token };
      case 'job-token': return { 'JOB-TOKEN': this.token };
      default: return {};
    }
  }

  private buildUrl(path: string, query?: RequestOptions['query']): URL {
    const url = new URL(this.baseUrl + (path.startsWith('/') ? path : `/${path}`));
    for (const [k, v] of Object.entries(query ?? {})) {
      if (v !== undefined) url.searchParams.set(k, String(v));
    }
    return url;
  }

  private async exchange(method: string, path: string, opts: RequestOptions, attempt: number): Promise<GitLabResponse> {
    let url = this.buildUrl(path, opts.query);
    for (let hop = 0; ; hop++) {
      const where = `${method} ${this.origin}${url.pathname}`;
      const fail = (kind: GitLabHttpErrorKind, msg: string, permanent = false): never => {
        const masked = this.mask(msg);
        this.onExchange?.({ method, path: this.mask(url.pathname), status: undefined, attempt, error: masked });
        throw new GitLabHttpError(kind, masked, undefined, undefined, permanent);
      };
      const left = this.deadline ? this.deadline.remainingMs() : Infinity;
      if (left <= 0) fail('deadline', `${where}: not sent: ${(this.deadline as Deadline).stop()}`);
      const cutByDeadline = left < this.timeoutMs;
      this.exchanges++;
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), Math.min(this.timeoutMs, left));
      const stopped = () => (cutByDeadline
        ? fail('deadline', `${where}: no complete answer when ${(this.deadline as Deadline).stop()}`)
        : fail('timeout', `${where}: no answer within ${this.timeoutMs} ms`));
      let raw: Response;
      let body: { text: string; truncated: boolean };
      try {
        try {
          raw = await this.fetchImpl(url, {
            method,
            redirect: 'manual',
            signal: controller.signal,
            headers: {
              Accept: 'application/json',
              'User-Agent': 'tokenscope',
              ...(opts.json !== undefined ? { 'Content-Type': 'application/json' } : {}),
              ...this.authHeaders(),
              ...(opts.headers ?? {}),
            },
            body: opts.json !== undefined ? JSON.stringify(opts.json) : undefined,
          });
        } catch (err) {
          if (controller.signal.aborted) stopped();
          const f = describeNetworkFailure(err, url);
          return fail('network', `${where}: ${f.message}`, f.permanent);
        }
        try {
          body = await readBounded(raw, raw.status >= 400 ? MAX_ERROR_BODY_BYTES : this.maxBodyBytes);
        } catch (err) {
          if (controller.signal.aborted) stopped();
          return fail('network', `${where}: the connection broke while reading the answer (${describeNetworkFailure(err, url).message})`);
        }
      } finally {
        clearTimeout(timer);
      }
      this.onExchange?.({ method, path: this.mask(url.pathname), status: raw.status, attempt });
      if (body.truncated && raw.status < 400) {
        fail('too_large', `${where}: the answer is larger than ${Math.round(this.maxBodyBytes / 1048576)} MB, more than any GitLab API answer ` +
          `tokenscope asks for; it stopped reading. Check the GitLab URL (${this.baseUrl})`);
      }
      const location = raw.headers.get('location');
      if (raw.status >= 300 && raw.status < 400 && location) {
        const target = new URL(location, url);
        if (target.origin !== this.origin) {
          throw new GitLabHttpError(
            'redirect',
            this.mask(`${this.origin}${url.pathname} redirected to another origin (${target.origin}); ` +
              `the token was not sent there. Set the GitLab URL to the address GitLab really answers on.`),
            raw.status,
          );
        }
        if (SIGN_IN.test(target.pathname)) {
          // GitLab's API never sends a client to the sign-in page: its web pages do.
          throw new GitLabHttpError('not_gitlab', this.mask(notGitLabRootMessage(this.baseUrl, `${this.origin}${url.pathname} redirected to the sign-in page`)), raw.status);
        }
        if (hop >= MAX_REDIRECTS) {
          throw new GitLabHttpError('redirect', this.mask(`${this.origin}${url.pathname}: too many redirects`), raw.status);
        }
        url = target;
        continue;
      }
      return this.answer(raw, body, url);
    }
  }

  /** A server may echo the token back (in a body, a debug field, a header): masked before anything reads it. */
  private answer(raw: Response, body: { text: string; truncated: boolean }, url: URL): GitLabResponse {
    const text = this.mask(body.text);
    const headers = new Headers();
    raw.headers.forEach((v, k) => headers.append(k, this.mask(v)));
    let json: unknown;
    let isJson = false;
    if (text.length > 0 && !body.truncated) {
      try {
        json = JSON.parse(text);
        // A JSON escape (`\u0067lpat-...`, `\/` in base64) hides an echo from the masking of the text: the parsed strings are masked too.
        if (text.includes('\\')) json = maskDeep(json, this.mask);
        isJson = true;
      } catch {
        isJson = false;
      }
    }
    return { status: raw.status, headers, text, json, isJson, url: url.toString(), truncated: body.truncated };
  }
}
