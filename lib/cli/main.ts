import { Command, CommanderError } from 'commander';
import { CliIO, processIO } from './io';
import { helpPage } from './help';
import { packageVersion } from '../util/package-root';
import type { CommandModule, CommandState } from './command';
import { COMMANDS } from './commands';
import { commandWord, errorJson, flagValue, helpArgv, tokenFlagMessage, tokenFlagUsed, wantsJson } from './argv';
import { envMasker } from '../gitlab/secrets';


/** Usage errors (unknown flag, missing argument) exit 1, like any other error: pipelines only need 0/1/2. */
export const EXIT_USAGE = 1;

/**
 * The modules a command line needs: only the named command's (loaded now), or,
 * when no known command is named (`--help`, `--version`, a typo), a bare entry
 * per command so that the list and commander's suggestions still show them all.
 */
export function modulesFor(argv: readonly string[]): CommandModule[] {
  const words = argv.slice(2).filter((a) => !a.startsWith('-'));
  const name = words[0] === 'help' ? words[1] : words[0];
  const entry = COMMANDS.find((c) => c.name === name);
  if (entry) return [entry.load()];
  return COMMANDS.map((c) => ({
    name: c.name,
    register: (program: Command) => { program.command(c.name).description(c.summary); },
  }));
}

export function buildProgram(io: CliIO, state: CommandState, modules: readonly CommandModule[]): Command {
  const program = new Command();
  program
    .name('tokenscope')
    .description('GitLab CI/CD job-token scope as code: declare, synthesize, review, check drift, diagnose tokens.')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    })
    .version(packageVersion(), '-V, --version', 'print the tokenscope version')
    .exitOverride()
    .addHelpText('after', helpPage('tokenscope'));
  for (const m of modules) m.register(program, io, state);
  return program;
}

/**
 * Runs the CLI and resolves to the process exit code; never calls process.exit itself.
 * With `--format json`, a failure that wrote nothing to stdout also writes the
 * JSON error object there (so a CI job's report file exists and says what happened);
 * stderr keeps the text.
 */
export async function runCli(argv: string[], io: CliIO = processIO()): Promise<number> {
  const json = wantsJson(argv);
  let wroteOut = false;
  let errText = '';
  // Commander quotes what it refuses (`unknown option '--tokne=glpat-...'`, a bad `--format` value): masked like any error.
  const mask = envMasker(io.env, [flagValue(argv, '--token-env')]);
  const watched: CliIO = {
    ...io,
    stdout: { write: (c: string) => { wroteOut = true; return io.stdout.write(c); }, isTTY: io.stdout.isTTY },
    stderr: { write: (c: string) => { const m = mask(c); errText += m; return io.stderr.write(m); }, isTTY: io.stderr.isTTY },
  };
  const code = await parseAndRun(helpArgv(argv), watched);
  // Exit 1 is an error in every command (2 and 3 are findings, which come with their report).
  if (json && code.exitCode === 1 && !wroteOut) {
    io.stdout.write(errorJson(commandWord(argv), mask(code.message ?? errorMessageOf(errText)), code.exitCode));
  }
  return code.exitCode;
}

async function parseAndRun(argv: string[], io: CliIO): Promise<{ exitCode: number; message?: string }> {
  const flag = tokenFlagUsed(argv);
  if (flag) {
    const message = tokenFlagMessage(argv, flag);
    io.stderr.write(`${message}\n`);
    return { exitCode: EXIT_USAGE, message };
  }
  const state: CommandState = { exitCode: 0 };
  const program = buildProgram(io, state, modulesFor(argv));
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return { exitCode: 0 };
      return { exitCode: EXIT_USAGE, message: err.message };
    }
    throw err;
  }
  return { exitCode: state.exitCode };
}

/** What a failed command said on stderr, warnings and progress left out. */
function errorMessageOf(stderr: string): string {
  const lines = stderr.split('\n').map((l) => l.replace(/^.*\r(?:\u001b\[2K)?/, '').trimEnd()).filter((l) => l !== '' && !/^tokenscope [a-z-]+: warning: /.test(l));
  return lines.join('\n') || 'failed (no message)';
}
