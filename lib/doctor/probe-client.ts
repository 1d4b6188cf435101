import { AuthScheme, GitLabHttp, GitLabHttpError, GitLabResponse, RetryPolicy, gitlabErrorText } from '../gitlab/http';
import type { Masker } from '../gitlab/secrets';
import type { Deadline } from '../gitlab/deadline';

/** Everything the online probes need; the token here is the cleaned one (never printed). */
export interface ProbeContext {
  readonly baseUrl: string;
  readonly token: string;
  readonly mask: Masker;
  readonly now: Date;
  /** The variable the token came from, for the fix. */
  readonly source?: string;
  readonly fetchImpl?: typeof fetch;
  /** `--timeout`: the probes stay within it. */
  readonly deadline?: Deadline;
  readonly retry?: RetryPolicy;
  readonly timeoutMs?: number;
}

/** Doctor must answer in seconds: one retry for a flaky answer, not a long backoff on a dead host. */
export const DOCTOR_RETRY: RetryPolicy = { maxAttempts: 2, baseDelayMs: 200, maxDelayMs: 2_000 };

/**
 * The server did not answer like GitLab (unreachable, redirected elsewhere,
 * HTML, JSON of the wrong shape). Probing stops; the message is already masked.
 */
export class ServerProblem extends Error {
  constructor(
    readonly kind: 'network' | 'timeout' | 'redirect' | 'not_gitlab' | 'http' | 'deadline',
    message: string,
    readonly remedy: string,
  ) {
    super(message);
    this.name = 'ServerProblem';
  }
}

/** One GitLab answer as the probes see it. */
export interface ProbeAnswer {
  readonly status: number;
  readonly body: Record<string, unknown> | undefined;
  /** GitLab's error text (`message`, `error_description`...), masked. */
  readonly errorText: string;
  readonly res: GitLabResponse;
}

/** Sends the token to the configured origin only, with the header its type needs. */
export class ProbeClient {
  private readonly clients = new Map<AuthScheme, GitLabHttp>();

  constructor(readonly ctx: ProbeContext) {}

  get baseUrl(): string {
    return this.ctx.baseUrl;
  }

  private client(auth: AuthScheme): GitLabHttp {
    let c = this.clients.get(auth);
    if (!c) {
      c = new GitLabHttp({
        baseUrl: this.ctx.baseUrl,
        token: this.ctx.token,
        auth,
        mask: this.ctx.mask,
        retry: this.ctx.retry ?? DOCTOR_RETRY,
        timeoutMs: this.ctx.timeoutMs ?? 10_000,
        deadline: this.ctx.deadline,
        fetchImpl: this.ctx.fetchImpl,
      });
      this.clients.set(auth, c);
    }
    return c;
  }

  /** GET a REST path; any answer that is not JSON, or any transport failure, becomes a `ServerProblem`. */
  async get(path: string, auth: AuthScheme): Promise<ProbeAnswer> {
    let res: GitLabResponse;
    try {
      res = await this.client(auth).request('GET', path);
    } catch (err) {
      throw toServerProblem(err, this.ctx);
    }
    if (!res.isJson) {
      const looksHtml = /^\s*</.test(res.text);
      throw new ServerProblem(
        'not_gitlab',
        `${this.ctx.baseUrl} is not answering like GitLab: GET ${path} gave HTTP ${res.status} with ` +
          `${looksHtml ? 'an HTML page' : res.text.length === 0 ? 'an empty body' : 'a body that is not JSON'}`,
        notGitlabRemedy(),
      );
    }
    const body = res.json && typeof res.json === 'object' && !Array.isArray(res.json) ? (res.json as Record<string, unknown>) : undefined;
    return { status: res.status, body, errorText: this.ctx.mask(gitlabErrorText(res) ?? ''), res };
  }

  /** A 2xx answer whose JSON lacks what GitLab always sends: the server is something else. */
  wrongShape(path: string, status: number, expected: string): ServerProblem {
    return new ServerProblem(
      'not_gitlab',
      `${this.ctx.baseUrl} is not answering like GitLab: GET ${path} gave HTTP ${status} JSON without ${expected}`,
      notGitlabRemedy(),
    );
  }

  unexpected(path: string, a: ProbeAnswer): ServerProblem {
    return new ServerProblem(
      'http',
      `GET ${path} answered HTTP ${a.status}${a.errorText ? ` "${a.errorText}"` : ''}, which doctor did not expect`,
      a.status >= 500 ? 'GitLab had a server error: try again later, or ask its administrators' : 'check the GitLab URL (--url) and the GitLab version',
    );
  }
}

function notGitlabRemedy(): string {
  return 'give the GitLab instance root with --url, GITLAB_URL or CI_SERVER_URL (e.g. https://gitlab.example.com, not a project page, a sign-in page or a proxy)';
}

function toServerProblem(err: unknown, ctx: ProbeContext): ServerProblem {
  if (err instanceof GitLabHttpError) {
    const msg = ctx.mask(err.message);
    switch (err.kind) {
      case 'network':
        return new ServerProblem('network', `cannot reach ${ctx.baseUrl}: ${msg}`, 'check the GitLab URL (--url, GITLAB_URL, CI_SERVER_URL) and that GitLab is up and reachable from here');
      case 'timeout':
        return new ServerProblem('timeout', `no answer from ${ctx.baseUrl}: ${msg}`, 'check the GitLab URL, a proxy or firewall in between, and that GitLab is up');
      case 'redirect':
        return new ServerProblem('redirect', msg, 'set --url to the address GitLab itself answers on (no redirect to another host)');
      case 'not_gitlab':
      case 'too_large':
        return new ServerProblem('not_gitlab', msg, notGitlabRemedy());
      case 'deadline':
        return new ServerProblem('deadline', `not checked: ${msg}`, 'give doctor more time with --timeout SECONDS, or check that GitLab answers (a proxy or firewall in between?)');
      default:
        return new ServerProblem('http', msg, 'try again later');
    }
  }
  const e = err as { message?: string };
  return new ServerProblem('network', ctx.mask(`cannot reach ${ctx.baseUrl}: ${e?.message ?? String(err)}`), 'check the GitLab URL');
}
