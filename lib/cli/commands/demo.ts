import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Command, Option } from 'commander';
import type { CommandModule } from '../command';
import { noProgressOption } from '../options';
import type { CliIO } from '../io';
import { helpPage } from '../help';
import { summaryOf } from './index';
import { startSandbox } from '../../sandbox';
import { FORMATS, Format } from '../../drift/report';
import { driftCommand } from './drift';

/** The demo org's read-only ops token (a fake, only the sandbox knows it): read_api, Maintainer on acme. */
export const DEMO_TOKEN = 'glpat-sandbox-ops-readonly-00000000002';

/**
 * The demo org's clock: its authentication log and token expiry dates are set
 * around this day, so the sandbox and drift both run on it and the demo shows
 * the same report whenever it is run.
 */
export const DEMO_NOW = new Date('2026-11-23T12:00:00Z');

export interface DemoOptions {
  format: Format;
  faultRate: string;
  randomSeed?: string;
  progress: boolean;
}

/**
 * `npm start`: the embedded sandbox with the acme demo org, `main.ts`
 * synthesized in-process, and `tokenscope drift --auth-log` against it. Exits 0
 * when the demo ran (drift found is the point of the demo); it prints the exit
 * code a real run would have had.
 */
export async function demoCommand(opts: DemoOptions, io: CliIO): Promise<number> {
  const faultRate = Number(opts.faultRate);
  if (!Number.isFinite(faultRate) || faultRate < 0 || faultRate >= 1) {
    io.stderr.write(`tokenscope demo: --fault-rate "${opts.faultRate}" must be a number from 0 to below 1\n`);
    return 1;
  }
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'tokenscope-demo-'));
  const sandbox = await startSandbox({
    port: 0,
    now: () => DEMO_NOW,
    faultRate,
    ...(opts.randomSeed !== undefined ? { randomSeed: Number(opts.randomSeed) } : {}),
  });
  try {
    // Loaded here, not at the top: cdktf and the provider bindings are heavy and only the demo synthesizes.
    const { App } = await import('cdktf');
    const { buildAcme } = await import('../../../main');
    const app = new App({ outdir });
    buildAcme(app, { lockFile: false });
    app.synth();
    const say = (s: string) => { if (opts.format === 'text') io.stdout.write(s); };
    say(`tokenscope demo: sandbox GitLab at ${sandbox.url} with the acme org; ${exampleApp(io.cwd)} synthesized to ${outdir} (temporary)\n` +
      `running: tokenscope drift --auth-log --synth-dir ${outdir}\n\n`);
    const env = { ...io.env, GITLAB_URL: sandbox.url, GITLAB_TOKEN: DEMO_TOKEN, CI_NODE_INDEX: undefined, CI_NODE_TOTAL: undefined };
    const code = await driftCommand(
      {
        synthDir: outdir, stack: [], format: opts.format, authLog: true, authLogDays: '30', concurrency: '4', progress: opts.progress,
      },
      { ...io, env, cwd: outdir },
      { now: DEMO_NOW },
    );
    const stats = sandbox.stats();
    say(`\nThe demo org's live state differs from the example app on purpose. A real run would exit ${code} ` +
      `(0 in sync, 2 drift, 1 unreadable or error). Sandbox: ${stats.httpRequests} HTTP requests, ${stats.mutations} mutations.\n`);
    return code === 1 ? 1 : 0;
  } finally {
    await sandbox.stop();
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

/**
 * Which app the demo synthesizes, said plainly: always tokenscope's own acme
 * example (shipped in the package), never the main.ts of the directory it runs
 * in, which an ops repo has too.
 */
export function exampleApp(cwd: string): string {
  const file = require.resolve('../../../main');
  const rel = path.relative(cwd, file);
  const shown = rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
  const own = fs.existsSync(path.join(cwd, 'main.ts')) && path.resolve(cwd, 'main.ts') !== file
    ? ' (not ./main.ts: the demo always checks this example against the demo org; `tokenscope drift` checks your app)'
    : '';
  return `tokenscope's built-in acme example app (${shown})${own}`;
}

export const demoModule: CommandModule = {
  name: 'demo',
  register(program: Command, io: CliIO, state) {
    program
      .command('demo')
      .description(summaryOf('demo'))
      .addOption(new Option('--format <format>', 'report format').choices([...FORMATS]).default('text'))
      .option('--fault-rate <rate>', 'share of sandbox requests that fail (HTTP 500 or connection reset), to watch the retries', '0')
      .option('--random-seed <n>', 'seed for the sandbox faults')
      .addOption(noProgressOption())
      .addHelpText('after', helpPage('demo'))
      .action(async (opts: DemoOptions) => {
        state.exitCode = await demoCommand(opts, io);
      });
  },
};
