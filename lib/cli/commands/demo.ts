import { Command, Option } from 'commander';
import type { CommandModule, CommandState } from '../command';
import { noProgressOption } from '../options';
import type { CliIO } from '../io';
import { helpPage } from '../help';
import { summaryOf } from './index';
import { FORMATS, Format } from '../../drift/report';
import { runDemo } from '../../demo/run';
import type { DemoSteps } from '../../demo/run';
import { driftCommand } from './drift';
import { createPlanSummaryCommand } from './plan-summary';
import { buildProgram } from '../main';

export { DEMO_NOW, DEMO_TOKEN } from '../../demo/run';

export interface DemoOptions {
  format: Format;
  faultRate: string;
  randomSeed?: string;
  progress: boolean;
  /** `--no-terraform`: drift only. */
  terraform?: boolean;
}

/** drift and plan-summary as the user runs them, on the demo's clock. */
const steps: DemoSteps = {
  drift: (io, a) => driftCommand(
    { synthDir: a.synthDir, stack: [], format: a.format, authLog: a.authLog, authLogDays: '30', concurrency: '4', progress: a.progress },
    io,
    { now: a.now },
  ),
  planSummary: async (io, a) => {
    const state: CommandState = { exitCode: 0 };
    await buildProgram(io, state, [createPlanSummaryCommand({ now: () => a.now })])
      .parseAsync(['node', 'tokenscope', 'plan-summary', '--auth-log', ...a.files]);
    return state.exitCode;
  },
};

/**
 * `npm start`: the embedded sandbox with the acme demo org, main.ts
 * synthesized, drift; with terraform on PATH the whole loop (lib/demo/run.ts).
 * Exits 0 when the demo ran (drift found is the point of the demo).
 */
export async function demoCommand(opts: DemoOptions, io: CliIO): Promise<number> {
  const faultRate = Number(opts.faultRate);
  if (!Number.isFinite(faultRate) || faultRate < 0 || faultRate >= 1) {
    io.stderr.write(`tokenscope demo: --fault-rate "${opts.faultRate}" must be a number from 0 to below 1\n`);
    return 1;
  }
  return runDemo({
    format: opts.format, faultRate, progress: opts.progress, terraform: opts.terraform !== false,
    ...(opts.randomSeed !== undefined ? { randomSeed: Number(opts.randomSeed) } : {}),
  }, io, steps);
}

export const demoModule: CommandModule = {
  name: 'demo',
  register(program: Command, io: CliIO, state) {
    program
      .command('demo')
      .description(summaryOf('demo'))
      .addOption(new Option('--format <format>', 'drift report format; the whole Terraform loop runs with text').choices([...FORMATS]).default('text'))
      .option('--fault-rate <rate>', 'share of sandbox requests that fail (HTTP 500 or connection reset), to watch the retries (drift only)', '0')
      .option('--random-seed <n>', 'seed for the sandbox faults')
      .option('--no-terraform', 'drift only, even with terraform on PATH')
      .addOption(noProgressOption())
      .addHelpText('after', helpPage('demo'))
      .action(async (opts: DemoOptions) => {
        state.exitCode = await demoCommand(opts, io);
      });
  },
};
