/**
 * What the CLI reads from the raw command line before commander parses it:
 * the flags users try that must not be parsed as options (a token on the
 * command line), the report format an error should be written in, and
 * `help <command> <subcommand>`.
 */

import { shownTokenEnv } from '../gitlab/config';

/** Flags users try for a token; tokenscope takes tokens only from the environment. */
export const TOKEN_FLAGS = ['--token', '--private-token', '--gitlab-token', '--job-token', '--access-token'] as const;

/** The command named on the line (`policies` for `policies apply`), or undefined. */
export function commandWord(argv: readonly string[]): string | undefined {
  const words = argv.slice(2).filter((a) => !a.startsWith('-'));
  return words[0] === 'help' ? words[1] : words[0];
}

/** The value of `--flag VALUE` or `--flag=VALUE`, if given. */
export function flagValue(argv: readonly string[], flag: string): string | undefined {
  for (let i = 2; i < argv.length; i++) {
    if (argv[i] === flag) return argv[i + 1];
    if (argv[i].startsWith(`${flag}=`)) return argv[i].slice(flag.length + 1);
  }
  return undefined;
}

/** True when the line asks for JSON output (`--format json`): errors are then written as a JSON object too. */
export function wantsJson(argv: readonly string[]): boolean {
  return flagValue(argv, '--format') === 'json';
}

/** The token flag used on the line, without its value. */
export function tokenFlagUsed(argv: readonly string[]): string | undefined {
  for (const a of argv.slice(2)) {
    if (a === '--') return undefined;
    const flag = TOKEN_FLAGS.find((f) => a === f || a.startsWith(`${f}=`));
    if (flag) return flag;
  }
  return undefined;
}

/**
 * The answer to `--token VALUE`: where tokens come from and which variable to
 * set. The value is never repeated (it is the secret).
 */
export function tokenFlagMessage(argv: readonly string[], flag: string): string {
  const command = commandWord(argv);
  const named = flagValue(argv, '--token-env');
  // A token pasted as the name is not repeated either.
  const variable = named ? shownTokenEnv(named) : 'GITLAB_TOKEN';
  const where = command === 'doctor' && !named ? 'GITLAB_TOKEN (doctor also reads CI_JOB_TOKEN)' : variable;
  return `tokenscope${command ? ` ${command}` : ''}: there is no ${flag} option: tokens are read only from the environment, so that they ` +
    `stay out of shell history, process lists and CI logs; set ${where} to the token${named ? '' : ' (or name the variable that holds it with --token-env NAME)'}, ` +
    `and drop ${flag} and its value`;
}

/** `help policies apply` -> `policies apply --help`: commander's help command looks at one word only. */
export function helpArgv(argv: readonly string[]): string[] {
  const rest = argv.slice(2);
  if (rest[0] !== 'help' || rest.length < 3 || rest.slice(1).some((a) => a.startsWith('-'))) return [...argv];
  return [...argv.slice(0, 2), ...rest.slice(1), '--help'];
}

/**
 * The JSON error object written to stdout when a command run with
 * `--format json` fails: `{"error":{"command","message","exitCode"}}`. A
 * public contract (README, "The JSON error object"): keys are only ever added.
 */
export function errorJson(command: string | undefined, message: string, exitCode: number): string {
  return JSON.stringify({ error: { command: command ?? null, message, exitCode } }, null, 2) + '\n';
}
