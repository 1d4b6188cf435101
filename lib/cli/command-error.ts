import type { GitLabTarget } from '../gitlab/config';
import { describeSecret, envMasker } from '../gitlab/secrets';
import { refusedTokenMessage } from '../doctor';
import { FatalReadError } from '../live/engine';
import { GitLabHttpError } from '../gitlab/http';
import { terminalText } from '../util/escape';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type ErrorClass = abstract new (...args: any[]) => Error;

export interface CommandErrorOptions {
  /** The command's name, as in `tokenscope <name>: ...`. */
  readonly command: string;
  /** Error classes whose message is already written for a person; anything else is reported as unexpected. */
  readonly expected: readonly ErrorClass[];
  readonly need?: 'read_api' | 'api';
  /** Role the token's user needs, for the refused-token wording. */
  readonly role?: string;
  /** The environment, so that secrets are masked even when no target was resolved yet. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** `--token-env` of the command, if any. */
  readonly tokenEnv?: string;
}

/**
 * The one wording for a command's failure: a token GitLab refuses mid-run gets
 * doctor's words, errors written for people pass through, everything else is
 * "unexpected"; all of it masked.
 */
export function commandErrorMessage(err: unknown, target: GitLabTarget | undefined, opts: CommandErrorOptions): string {
  const fromEnv = envMasker(opts.env ?? {}, [opts.tokenEnv]);
  const mask = (text: string) => fromEnv(target ? target.mask(text) : text);
  let msg: string;
  if (err instanceof FatalReadError && err.status === 401 && target) {
    msg = refusedTokenMessage(
      opts.command, opts.need ?? 'read_api', target.tokenSource ?? 'GITLAB_TOKEN', target.token ? describeSecret(target.token) : 'no token', opts.role,
    );
  } else if (err instanceof FatalReadError || err instanceof GitLabHttpError || opts.expected.some((cls) => err instanceof cls)) {
    msg = (err as Error).message;
  } else {
    msg = `unexpected error: ${err instanceof Error ? err.message : String(err)}`;
  }
  // Cleaned before it is masked: control characters between a token's letters would otherwise hide it from the
  // masker and be removed after it, leaving the token whole.
  return errorLine(opts.command, mask(terminalText(msg)));
}

/**
 * `tokenscope <command>: <message>`, unless the message already names the
 * command (the shared token-requirement wording does), so it is never doubled.
 * Server text in the message loses escape sequences and control characters.
 */
export function errorLine(command: string, message: string): string {
  const text = terminalText(message).replace(/\n+$/, '');
  return text.startsWith('tokenscope ') ? `${text}\n` : `tokenscope ${command}: ${text}\n`;
}
