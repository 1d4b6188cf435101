import type { CommandModule } from '../command';
import { planSummaryCommand } from './plan-summary';
import { doctorCommand } from './doctor';
import { driftModule } from './drift';
import { resolveModule } from './resolve';
import { demoModule } from './demo';
import { sandboxCommand } from './sandbox';
import { importModule } from './import';
import { suggestModule } from './suggest';
import { policiesCommand } from './policies';
import { reachModule } from './reach';

/** The registered subcommands, in the order `--help` lists them. */
export const commandModules: readonly CommandModule[] = [planSummaryCommand, doctorCommand, driftModule, resolveModule, demoModule, sandboxCommand, importModule, suggestModule, policiesCommand, reachModule];
