import { URL_ENV_VARS } from '../gitlab/config';

export interface DoctorSources {
  readonly token: string | undefined;
  readonly tokenSource: string | undefined;
  readonly tokenVars: readonly string[];
  readonly emptyVars: readonly string[];
  readonly url: string | undefined;
}

export const DEFAULT_TOKEN_VARS = ['GITLAB_TOKEN', 'CI_JOB_TOKEN'] as const;

/**
 * Where doctor's token and URL come from: `--token-env NAME` alone, else
 * GITLAB_TOKEN then CI_JOB_TOKEN; `--url`, else GITLAB_URL, GITLAB_BASE_URL,
 * CI_SERVER_URL. Unlike `resolveTarget`, a missing URL is not an error here:
 * doctor then runs its offline checks only.
 */
export function resolveDoctorSources(
  env: Readonly<Record<string, string | undefined>>,
  opts: { url?: string; tokenEnv?: string },
): DoctorSources {
  const tokenVars = opts.tokenEnv ? [opts.tokenEnv] : [...DEFAULT_TOKEN_VARS];
  const emptyVars = tokenVars.filter((n) => env[n] === '');
  const tokenSource = tokenVars.find((n) => env[n] !== undefined && env[n] !== '');
  const url = opts.url ?? URL_ENV_VARS.map((v) => env[v]).find((v) => v !== undefined && v.trim() !== '');
  return { token: tokenSource ? env[tokenSource] : undefined, tokenSource, tokenVars, emptyVars, url };
}
