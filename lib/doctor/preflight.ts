import { shownTokenEnv, type GitLabTarget } from '../gitlab/config';
import type { Deadline } from '../gitlab/deadline';
import { GitLabHttp, GitLabHttpError, GitLabResponse, RetryPolicy, gitlabErrorText } from '../gitlab/http';
import { notGitLabRootMessage } from '../gitlab/answers';
import { refusalFix, refusalReason, RefusalReason, REFUSAL_WORDS } from '../gitlab/token-refusal';
import { createMasker, describeSecret } from '../gitlab/secrets';
import { classifyToken } from './classify';
import { NOT_AN_API_TOKEN } from './explain';
import { expiryCheck } from './probes';
import { serverNow } from '../gitlab/server-clock';
import { TOKEN_TYPE_LABEL, TokenType } from './types';

export type ApiScope = 'read_api' | 'api';

export type PreflightErrorCode = 'no_token' | 'malformed' | 'wrong_type' | 'refused' | 'scope' | 'unreachable';

/** A command cannot start with this token; the message says what token it needs. Never carries the token. */
export class PreflightError extends Error {
  constructor(readonly code: PreflightErrorCode, message: string) {
    super(message);
    this.name = 'PreflightError';
  }
}

export interface PreflightOptions {
  readonly need: ApiScope;
  /** The command, for the message: `tokenscope <purpose> needs ...`. */
  readonly purpose: string;
  /** What the command needs besides the scope; default "the Maintainer role on the projects". */
  readonly role?: string;
  /** One request to GitLab to confirm the token (default true). */
  readonly online?: boolean;
  readonly fetchImpl?: typeof fetch;
  /** @default the shared policy of every request (DEFAULT_RETRY) */
  readonly retry?: RetryPolicy;
  readonly timeoutMs?: number;
  /** The command's `--timeout`: the check and its retries stay within it. */
  readonly deadline?: Deadline;
  readonly now?: Date;
}

export interface PreflightResult {
  readonly tokenType: TokenType;
  /** `describeSecret` form of the token. */
  readonly token: string;
  readonly username?: string;
  readonly scopes?: readonly string[];
  /** Not fatal, worth printing (e.g. expiry within 7 days). */
  readonly warnings: readonly string[];
}

/** The shared first sentence: what every GitLab-reading command needs. */
export function tokenRequirement(purpose: string, need: ApiScope, role = 'the Maintainer role on the projects'): string {
  const scope = need === 'read_api' ? 'read_api (or api)' : 'api';
  return `tokenscope ${purpose} needs a personal, project or group access token with ${scope} and ${role}`;
}

/**
 * The words for a token GitLab refuses, used by preflight and callers mapping
 * their own 401s; doctor says the same reason and fix (`REFUSAL_WORDS`, `refusalFix`).
 */
export function refusedTokenMessage(
  purpose: string, need: ApiScope, source: string, shown: string, role?: string, reason: RefusalReason = 'unspecified',
): string {
  return `${tokenRequirement(purpose, need, role)}; GitLab refuses ${source} (${shown}): ${REFUSAL_WORDS[reason]}; ${refusalFix(reason, source)}`;
}

/**
 * Maps a GraphQL (or REST) 401 such as `{"errors":[{"message":"Invalid token"}]}` to
 * the shared wording; undefined when the response is not an authentication failure.
 */
export function explainAuthFailure(
  res: Pick<GitLabResponse, 'status' | 'json'> & Partial<GitLabResponse>,
  target: Pick<GitLabTarget, 'token' | 'tokenSource'>,
  opts: Pick<PreflightOptions, 'purpose' | 'need' | 'role'>,
): PreflightError | undefined {
  const reason = refusalReason({ status: res.status, json: res.json, headers: res.headers ?? new Headers() });
  if (!reason) return undefined;
  const shown = target.token ? describeSecret(target.token) : 'no token';
  return new PreflightError('refused', refusedTokenMessage(opts.purpose, opts.need, target.tokenSource ?? 'GITLAB_TOKEN', shown, opts.role, reason));
}

/** Which variable to set, named as the user chose it (`--token-env NAME`) or by default. */
function noTokenReason(target: GitLabTarget): string {
  const name = target.tokenVars?.[0] ?? 'GITLAB_TOKEN';
  if (!target.tokenEnvGiven || name === 'GITLAB_TOKEN') return `set ${name} to one (or name its variable with --token-env NAME)`;
  return `${shownTokenEnv(name)} (named by --token-env) is not set or empty; set it to the token, or name the variable that holds it`;
}

/**
 * Run before a command talks to GitLab, so that every command fails early with
 * the same words. Offline: the token's form (job tokens, deploy tokens and other
 * non-API tokens are refused at once). Online (at most one request): GitLab's
 * view of the token (refused, missing scope).
 */
export async function preflightApiToken(target: GitLabTarget, opts: PreflightOptions): Promise<PreflightResult> {
  const base = tokenRequirement(opts.purpose, opts.need, opts.role);
  const source = target.tokenSource ?? 'GITLAB_TOKEN';
  if (!target.token) {
    throw new PreflightError('no_token', `${base}: ${noTokenReason(target)}`);
  }
  const now = opts.now ?? new Date();
  const cls = classifyToken(target.token, { source, now });
  const shown = describeSecret(cls.cleaned || target.token);
  const mask = createMasker([target.token, cls.cleaned]);
  if (cls.problems.length) {
    const p = cls.problems[0];
    throw new PreflightError('malformed', mask(`${base}; ${source} is not usable as stored: ${p.message}. Fix: ${p.remedy}`));
  }
  if (cls.tokenType === 'ci_job_token') {
    throw new PreflightError('wrong_type', `${base}; ${source} holds a CI job token (${shown}): CI_JOB_TOKEN cannot read job-token settings over GraphQL`);
  }
  const notApi = NOT_AN_API_TOKEN[cls.tokenType];
  if (notApi) {
    throw new PreflightError('wrong_type', `${base}; ${source} holds ${TOKEN_TYPE_LABEL[cls.tokenType]} (${shown}): ${notApi.what}`);
  }
  if (opts.online === false) return { tokenType: cls.tokenType, token: shown, warnings: [] };

  const isPat = cls.tokenType === 'personal_access_token';
  const http = new GitLabHttp({
    baseUrl: target.baseUrl,
    token: cls.cleaned,
    auth: isPat ? 'private-token' : 'bearer',
    mask,
    retry: opts.retry,
    timeoutMs: opts.timeoutMs,
    deadline: opts.deadline,
    fetchImpl: opts.fetchImpl,
  });
  let res: GitLabResponse;
  try {
    res = isPat
      ? await http.getJson('/api/v4/personal_access_tokens/self')
      : await http.graphql({ query: 'query tokenscopePreflight { currentUser { username } }' });
  } catch (err) {
    if (err instanceof GitLabHttpError) throw new PreflightError('unreachable', mask(err.message));
    throw err;
  }
  const refused = explainAuthFailure(res, { token: cls.cleaned, tokenSource: source }, opts);
  if (refused) throw refused;
  if (!isPat) {
    const user = (res.json as { data?: { currentUser?: { username?: unknown } | null } } | undefined)?.data?.currentUser;
    return { tokenType: cls.tokenType, token: shown, username: typeof user?.username === 'string' ? user.username : undefined, warnings: [] };
  }
  if (res.status === 404) {
    // Every GitLab tokenscope supports (17.0+) serves this route: a 404 is not GitLab's API.
    throw new PreflightError('unreachable', mask(notGitLabRootMessage(target.baseUrl, `${target.baseUrl}/api/v4/personal_access_tokens/self answered HTTP 404`)));
  }
  if (res.status !== 200) {
    // A token without the scope to read itself: the command will find out.
    return { tokenType: cls.tokenType, token: shown, warnings: [mask(`could not read the token's scopes (HTTP ${res.status}${gitlabErrorText(res) ? `: ${gitlabErrorText(res)}` : ''})`)] };
  }
  const b = res.json as { scopes?: unknown; revoked?: unknown; active?: unknown; expires_at?: unknown; name?: unknown };
  const scopes = Array.isArray(b.scopes) ? b.scopes.filter((s): s is string => typeof s === 'string') : [];
  const expiry = expiryCheck(typeof b.expires_at === 'string' ? b.expires_at : null, serverNow(res.headers, now));
  if (b.revoked === true || b.active === false || expiry.status === 'fail') {
    const reason: RefusalReason = b.revoked === true ? 'revoked' : expiry.status === 'fail' ? 'expired' : 'unspecified';
    throw new PreflightError('refused', refusedTokenMessage(opts.purpose, opts.need, source, shown, opts.role, reason));
  }
  const ok = opts.need === 'api' ? scopes.includes('api') : scopes.includes('api') || scopes.includes('read_api');
  if (!ok) {
    throw new PreflightError('scope', `${base}; ${source} (${shown}) has the scopes ${scopes.join(', ') || 'none'}: create a token with ${opts.need}`);
  }
  const warnings = expiry.status === 'warn' ? [`${source} (${shown}): ${expiry.message}; ${expiry.remedy}`] : [];
  return { tokenType: cls.tokenType, token: shown, scopes, warnings };
}
