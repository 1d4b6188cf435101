import type { CommandModule } from '../command';

/** The registered subcommands, in the order `--help` lists them. */
export const commandModules: readonly CommandModule[] = [];
