import { createMasker, Masker } from './secrets';

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
  readonly timeoutMs?: number;
  readonly fetchImpl?: typeof fetch;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
  /** Called for every HTTP exchange (including retries), after the response or failure. */
  readonly onExchange?: (e: ExchangeInfo) => void;
}

export interface ExchangeInfo {
  readonly method: string;
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
}

export type GitLabHttpErrorKind = 'network' | 'timeout' | 'redirect' | 'not_gitlab' | 'http';

export class GitLabHttpError extends Error {
  constructor(
    readonly kind: GitLabHttpErrorKind,
    message: string,
    readonly status?: number,
    readonly response?: GitLabResponse,
  ) {
    super(message);
    this.name = 'GitLabHttpError';
  }
}

const RETRYABLE_STATUS = new Set([429, 500, 502, 503, 504]);
const MAX_REDIRECTS = 3;

/**
 * The one way tokenscope talks to GitLab. It sends the token only to the
 * configured origin (a redirect elsewhere is refused, never followed with the
 * token), masks the token in every message, retries what is safe to retry,
 * and tells a non-GitLab answer apart from a GitLab error.
 */
export class GitLabHttp {
  readonly baseUrl: string;
  readonly origin: string;
  readonly mask: Masker;
  private readonly token?: string;
  private readonly auth: AuthScheme;
  private readonly retry: RetryPolicy;
  private readonly timeoutMs: number;
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
        if (!(err instanceof GitLabHttpError) || (err.kind !== 'network' && err.kind !== 'timeout')) throw err;
        lastError = err;
      }
      if (res) {
        if (!RETRYABLE_STATUS.has(res.status) || isQueryTimeout(res) || attempt === attempts) return res;
        lastError = new GitLabHttpError('http', `${method} ${path}: HTTP ${res.status}`, res.status, res);
        await this.sleep(this.delayFor(attempt, policy, res));
        continue;
      }
      if (attempt < attempts) await this.sleep(this.delayFor(attempt, policy));
    }
    throw lastError ?? new GitLabHttpError('network', `${method} ${path} failed`);
  }

  /** GET returning parsed JSON; throws `not_gitlab` when the answer is not JSON. */
  async getJson(path: string, opts: RequestOptions = {}): Promise<GitLabResponse> {
    const res = await this.request('GET', path, opts);
    this.assertJson(res, path);
    return res;
  }

  /** POSTs a GraphQL request (one operation object or a multiplex array). Queries only are retried. */
  async graphql(body: unknown, opts: { idempotent?: boolean } = {}): Promise<GitLabResponse> {
    const res = await this.request('POST', '/api/graphql', { json: body, idempotent: opts.idempotent ?? true });
    this.assertJson(res, '/api/graphql');
    return res;
  }

  assertJson(res: GitLabResponse, path: string): void {
    if (!res.isJson) {
      const looksHtml = /^\s*</.test(res.text);
      throw new GitLabHttpError(
        'not_gitlab',
        `${this.origin}${path} answered HTTP ${res.status} with ${looksHtml ? 'an HTML page' : 'a body that is not JSON'}; ` +
          `is ${this.baseUrl} a GitLab instance? (give the instance root, e.g. https://gitlab.example.com)`,
        res.status,
        res,
      );
    }
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
      this.exchanges++;
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), this.timeoutMs);
      let raw: Response;
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
        clearTimeout(timer);
        const timedOut = controller.signal.aborted;
        const cause = describeNetworkError(err);
        const msg = timedOut
          ? `${method} ${this.origin}${url.pathname}: no answer within ${this.timeoutMs} ms`
          : `${method} ${this.origin}${url.pathname}: ${cause}`;
        this.onExchange?.({ method, path: url.pathname, status: undefined, attempt, error: this.mask(msg) });
        throw new GitLabHttpError(timedOut ? 'timeout' : 'network', this.mask(msg));
      }
      let text: string;
      try {
        text = await raw.text();
      } catch (err) {
        clearTimeout(timer);
        const msg = `${method} ${this.origin}${url.pathname}: connection lost while reading the answer (${describeNetworkError(err)})`;
        this.onExchange?.({ method, path: url.pathname, status: undefined, attempt, error: this.mask(msg) });
        throw new GitLabHttpError('network', this.mask(msg));
      } finally {
        clearTimeout(timer);
      }
      this.onExchange?.({ method, path: url.pathname, status: raw.status, attempt });
      if (raw.status >= 300 && raw.status < 400 && raw.headers.get('location')) {
        const target = new URL(raw.headers.get('location') as string, url);
        if (target.origin !== this.origin) {
          throw new GitLabHttpError(
            'redirect',
            this.mask(`${this.origin}${url.pathname} redirected to another origin (${target.origin}); ` +
              `the token was not sent there. Set the GitLab URL to the address GitLab really answers on.`),
            raw.status,
          );
        }
        if (hop >= MAX_REDIRECTS) {
          throw new GitLabHttpError('redirect', `${this.origin}${url.pathname}: too many redirects`, raw.status);
        }
        url = target;
        continue;
      }
      // A server may echo the token back (in an error, a debug field): mask before anything reads the body.
      const masked = this.mask(text);
      let json: unknown;
      let isJson = false;
      if (masked.length > 0) {
        try {
          json = JSON.parse(masked);
          isJson = true;
        } catch {
          isJson = false;
        }
      }
      return { status: raw.status, headers: raw.headers, text: masked, json, isJson, url: url.toString() };
    }
  }
}

/**
 * GitLab's 503 for a query that ran past its 30 s limit: the same query would
 * time out again, so it goes back to the caller (which splits the batch) at once.
 */
export function isQueryTimeout(res: GitLabResponse): boolean {
  return res.status === 503 && res.text.includes('Request timed out');
}

export function parseRetryAfter(headers: Headers): number | undefined {
  const ra = headers.get('retry-after');
  if (ra) {
    const secs = Number(ra);
    if (Number.isFinite(secs)) return Math.max(0, secs * 1000);
    const date = Date.parse(ra);
    if (!Number.isNaN(date)) return Math.max(0, date - Date.now());
  }
  const reset = headers.get('ratelimit-reset');
  if (reset) {
    const n = Number(reset);
    // RateLimit-Reset is an epoch timestamp on GitLab; small numbers are treated as seconds-from-now.
    if (Number.isFinite(n)) return n > 1e9 ? Math.max(0, n * 1000 - Date.now()) : n * 1000;
  }
  return undefined;
}

function describeNetworkError(err: unknown): string {
  const e = err as { cause?: { code?: string; message?: string }; message?: string };
  const code = e?.cause?.code;
  switch (code) {
    case 'ECONNREFUSED': return 'connection refused (is the URL right and GitLab up?)';
    case 'ENOTFOUND': return 'host not found (check the GitLab URL)';
    case 'ECONNRESET': case 'UND_ERR_SOCKET': return 'connection reset by the server';
    case 'CERT_HAS_EXPIRED': case 'DEPTH_ZERO_SELF_SIGNED_CERT': case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
      return `TLS certificate problem (${code})`;
    default: return e?.cause?.message ?? e?.message ?? String(err);
  }
}

/** GitLab's error text from a JSON error body: `message`, `error`/`error_description`, or GraphQL `errors[0].message`. */
export function gitlabErrorText(res: GitLabResponse): string | undefined {
  const b = res.json as Record<string, unknown> | undefined;
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
