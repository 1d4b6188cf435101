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
