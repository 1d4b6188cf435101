import { Option } from 'commander';

/** The options every command that talks to GitLab takes, worded alike in every `--help`. */
export function urlOption(): Option {
  return new Option('--url <url>', 'GitLab instance (default: GITLAB_URL, GITLAB_BASE_URL, CI_SERVER_URL)');
}

export function tokenEnvOption(): Option {
  return new Option('--token-env <name>', 'environment variable holding the token (default: GITLAB_TOKEN); never pass a token as a flag');
}

export function concurrencyOption(): Option {
  return new Option('--concurrency <n>', 'parallel HTTP requests (1 to 64)').default('4');
}

export function noProgressOption(): Option {
  return new Option('--no-progress', 'no progress bar on stderr (it shows only when stderr is a terminal)');
}

/**
 * `--timeout SECONDS`, the command's overall deadline: past it no request is
 * sent, the command says what it did not read and exits 1. Every command that
 * talks to GitLab takes it, with its own default.
 */
export function timeoutOption(defaultSeconds: number): Option {
  return new Option('--timeout <seconds>', 'stop after SECONDS in all, say what was not read, exit 1').default(String(defaultSeconds));
}

/** The default `--timeout` of each command, in seconds (README, help pages). */
export const DEFAULT_TIMEOUT_SECONDS = {
  /** 10,000 projects are about 200 queries; at 10 s a request and 4 in parallel, some 8 minutes with retries. */
  drift: 600,
  import: 600,
  suggest: 600,
  /** Reads projects like drift, and group members besides. */
  reach: 600,
  resolve: 300,
  policies: 300,
  'plan-summary': 300,
  /** A handful of requests: a dead or slow host should not keep a person waiting. */
  doctor: 60,
} as const;
