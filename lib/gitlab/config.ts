import { createMasker, Masker } from './secrets';

/** Where GitLab is and which token to use, read once from flags and the environment. */
export interface GitLabTarget {
  /** Origin plus optional relative root, no trailing slash: `https://gitlab.example.com` or `https://example.com/gitlab`. */
  readonly baseUrl: string;
  readonly token: string | undefined;
  /** Name of the environment variable the token came from, for messages. */
  readonly tokenSource: string | undefined;
  /** The variables looked at, in order (`--token-env NAME`, else GITLAB_TOKEN); named when none holds a token. */
  readonly tokenVars?: readonly string[];
  /** True when the variable was named with `--token-env`. */
  readonly tokenEnvGiven?: boolean;
  readonly mask: Masker;
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export const URL_ENV_VARS = ['GITLAB_URL', 'GITLAB_BASE_URL', 'CI_SERVER_URL'] as const;

/**
 * Normalizes a GitLab URL: accepts `https://host`, `https://host/`, and the
 * provider-style `https://host/api/v4`, and returns the instance root.
 */
export function normalizeBaseUrl(raw: string): string {
  const trimmed = raw.trim();
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    throw new ConfigError(`GitLab URL "${trimmed}" is not a valid URL; give it as https://gitlab.example.com`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(`GitLab URL "${trimmed}" must use http or https`);
  }
  if (url.username || url.password) {
    throw new ConfigError('GitLab URL must not carry credentials; put the token in GITLAB_TOKEN');
  }
  let p = url.pathname.replace(/\/+$/, '');
  p = p.replace(/\/api\/v4$/, '').replace(/\/api\/graphql$/, '');
  return `${url.origin}${p}`;
}

export interface ResolveTargetOptions {
  url?: string;
  /** Environment variable holding the token; default order GITLAB_TOKEN then CI_JOB_TOKEN when `allowJobTokenFallback`. */
  tokenEnv?: string;
  allowJobTokenFallback?: boolean;
  urlEnvVars?: readonly string[];
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * `--token-env` takes a variable's name. A value that cannot be one (a token
 * pasted in its place: `glpat-...`, 64 hex characters) is refused without
 * repeating it, since it may be the secret itself.
 */
export function checkTokenEnvName(name: string | undefined, env: Readonly<Record<string, string | undefined>>): void {
  if (name === undefined || env[name] !== undefined) return;
  if (!ENV_NAME.test(name) || looksLikeToken(name)) {
    throw new ConfigError(
      '--token-env takes the name of the environment variable that holds the token (like GITLAB_TOKEN), not the token itself; ' +
        'put the token in a variable and pass its name (the value given is not shown, in case it is a token)',
    );
  }
}

/**
 * A name more likely a pasted token than a variable's: 32 or more hex digits
 * (an OAuth token), or a long mixed-case string with digits (a token without
 * its prefix, a legacy personal access token).
 */
function looksLikeToken(name: string): boolean {
  return /^[0-9a-f]{32,}$/i.test(name) || (name.length >= 16 && /[a-z]/.test(name) && /[A-Z]/.test(name) && /\d/.test(name));
}

/**
 * A `--token-env` name as messages show it: conventional names (GITLAB_TOKEN,
 * my_token) as they are; one that cannot be a name or looks like a token is
 * not repeated.
 */
export function shownTokenEnv(name: string): string {
  return !ENV_NAME.test(name) || looksLikeToken(name) ? 'the variable named by --token-env (its name is not shown: it looks like a token)' : name;
}

export function resolveTarget(env: Readonly<Record<string, string | undefined>>, opts: ResolveTargetOptions = {}): GitLabTarget {
  checkTokenEnvName(opts.tokenEnv, env);
  const urlVars = opts.urlEnvVars ?? URL_ENV_VARS;
  const rawUrl = opts.url ?? urlVars.map((v) => env[v]).find((v) => v !== undefined && v.trim() !== '');
  if (!rawUrl) {
    throw new ConfigError(`no GitLab URL: pass --url or set ${urlVars.join(', ')}`);
  }
  const baseUrl = normalizeBaseUrl(rawUrl);
  const candidates = opts.tokenEnv ? [opts.tokenEnv] : opts.allowJobTokenFallback ? ['GITLAB_TOKEN', 'CI_JOB_TOKEN'] : ['GITLAB_TOKEN'];
  const tokenSource = candidates.find((n) => env[n] !== undefined && env[n] !== '');
  const token = tokenSource ? env[tokenSource] : undefined;
  return { baseUrl, token, tokenSource, tokenVars: candidates, tokenEnvGiven: opts.tokenEnv !== undefined, mask: createMasker([token]) };
}
