/**
 * The vocabulary of `tokenscope doctor`. `TokenType` values, the report's JSON
 * keys and the check statuses are a public contract (issue 5): keep them exact.
 */
export const TOKEN_TYPES = [
  'personal_access_token',
  'project_access_token',
  'group_access_token',
  'oauth_access_token',
  'ci_job_token',
  'deploy_token',
  'runner_token',
  'trigger_token',
  'feed_token',
  'oauth_application_secret',
  'other_gitlab_token',
  'unknown',
] as const;

export type TokenType = (typeof TOKEN_TYPES)[number];

export type CheckStatus = 'pass' | 'fail' | 'warn' | 'skip';

export interface Check {
  /** Stable dotted id, e.g. `token.form`, `job.live`, `project.allowlist`. */
  readonly id: string;
  readonly status: CheckStatus;
  readonly message: string;
  /** What to do about it; empty when nothing needs doing. */
  readonly remedy: string;
}

/** What GitLab (or the token's own form) says about who or what the token is. */
export interface Identity {
  /** `describeSecret` form: type prefix, `****`, last 4 characters. Never the token. */
  token?: string;
  source?: string;
  username?: string;
  userId?: number;
  name?: string;
  bot?: boolean;
  admin?: boolean;
  tokenName?: string;
  scopes?: string[];
  expiresAt?: string | null;
  revoked?: boolean;
  active?: boolean;
  project?: { id?: number; path?: string };
  group?: { id?: number; path?: string };
  job?: { id?: number; status?: string; name?: string; stage?: string; ref?: string; webUrl?: string };
  pipeline?: { id?: number; status?: string; ref?: string; projectId?: number };
  jwt?: JwtSummary;
  gitlabVersion?: string;
}

export interface JwtSummary {
  sub?: string;
  iss?: string;
  aud?: string | string[];
  exp?: number;
  iat?: number;
  jobId?: number;
  expired?: boolean;
  expiresAt?: string;
}

export interface DoctorReport {
  tokenType: TokenType;
  valid: boolean;
  verdict: string;
  checks: Check[];
  identity: Identity;
  /** The combined remedy of every failed (then warned) check; empty when there is nothing to fix. */
  fix: string;
  /** Whether online probes ran against GitLab. */
  online: boolean;
  /** Whether GitLab itself accepted the token (false when not probed). */
  verified: boolean;
  url?: string;
  expect?: TokenType;
  project?: string;
}

/** Human names, used in sentences ("this is a personal access token of user ops"). */
export const TOKEN_TYPE_LABEL: Record<TokenType, string> = {
  personal_access_token: 'a personal access token',
  project_access_token: 'a project access token',
  group_access_token: 'a group access token',
  oauth_access_token: 'an OAuth access token',
  ci_job_token: 'a CI job token',
  deploy_token: 'a deploy token',
  runner_token: 'a runner token',
  trigger_token: 'a pipeline trigger token',
  feed_token: 'a feed token',
  oauth_application_secret: 'an OAuth application secret',
  other_gitlab_token: 'a GitLab token of another kind',
  unknown: 'not a recognisable GitLab token',
};

/** Token types that GitLab's REST API accepts at all (the rest are never sent anywhere by doctor). */
export const API_TOKEN_TYPES: ReadonlySet<TokenType> = new Set<TokenType>([
  'personal_access_token',
  'project_access_token',
  'group_access_token',
  'oauth_access_token',
  'ci_job_token',
  'unknown',
]);

/** `--expect` values: the short names of the issue plus every full `TokenType`. */
export const EXPECT_ALIASES: Readonly<Record<string, TokenType>> = {
  job: 'ci_job_token',
  personal: 'personal_access_token',
  project: 'project_access_token',
  group: 'group_access_token',
  oauth: 'oauth_access_token',
  deploy: 'deploy_token',
  runner: 'runner_token',
  trigger: 'trigger_token',
  feed: 'feed_token',
  'oauth-app-secret': 'oauth_application_secret',
  ...Object.fromEntries(TOKEN_TYPES.filter((t) => t !== 'unknown').map((t) => [t, t])),
};

export function parseExpect(value: string): TokenType | undefined {
  const key = value.trim().toLowerCase();
  return EXPECT_ALIASES[key] ?? EXPECT_ALIASES[key.replace(/-/g, '_')];
}
