import type { Command } from 'commander';
import type { CliIO } from './io';

/**
 * Every CLI command module exports one `CommandModule`. `register` adds the
 * subcommand to the program; its action stores its exit code in `state`.
 */
export interface CommandState {
  exitCode: number;
}

export interface CommandModule {
  readonly name: string;
  register(program: Command, io: CliIO, state: CommandState): void;
}
