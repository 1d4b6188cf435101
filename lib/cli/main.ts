import { Command, CommanderError } from 'commander';
import { CliIO, processIO } from './io';
import { helpPage } from './help';
import type { CommandModule, CommandState } from './command';
import { commandModules } from './commands';

function packageVersion(): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('../../package.json') as { version: string }).version;
}

/** Usage errors (unknown flag, missing argument) exit 1, like any other error: pipelines only need 0/1/2. */
export const EXIT_USAGE = 1;

export function buildProgram(io: CliIO, state: CommandState, modules: readonly CommandModule[] = commandModules): Command {
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

/** Runs the CLI and resolves to the process exit code; never calls process.exit itself. */
export async function runCli(argv: string[], io: CliIO = processIO()): Promise<number> {
  const state: CommandState = { exitCode: 0 };
  const program = buildProgram(io, state);
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return 0;
      return EXIT_USAGE;
    }
    throw err;
  }
  return state.exitCode;
}
