/**
 * One measured run in its own process, so that its peak RSS is its own (the
 * sandbox runs in the parent). Prints one JSON line: wall time of the run
 * (from before the first request to the report), peak RSS, and the result.
 *
 *   node bin/run-ts.js bench/drift/child.ts tokenscope DIR URL CONCURRENCY
 */
import * as fs from 'fs';
import * as path from 'path';
import { runCli } from '../../lib/cli/main';
import { memoryIO } from '../../lib/cli/io';
import { BENCH_TOKEN } from './org';
// Loaded before the clock starts, as a user's process has it loaded before the first request: the timing is of the read.
import '../../lib/cli/commands/drift';

async function main(): Promise<void> {
  const [mode, dir, url, conc] = process.argv.slice(2);
  const concurrency = Number(conc);
  const started = process.hrtime.bigint();
  if (mode !== 'tokenscope') throw new Error(`unknown mode ${mode}`);
  const io = memoryIO({ GITLAB_URL: url, GITLAB_TOKEN: BENCH_TOKEN }, dir);
  const code = await runCli(['node', 'tokenscope', 'drift', '--synth-dir', 'cdktf.out', '--format', 'json', '--output', 'report.json',
    '--concurrency', String(concurrency), '--no-progress'], io);
  if (code === 1) throw new Error(`drift failed: ${io.err()}`);
  const report = JSON.parse(fs.readFileSync(path.join(dir, 'report.json'), 'utf8')) as { summary: { drifted: number; unreadable: number } };
  const { drifted, unreadable } = report.summary;
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  const maxRssMb = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(JSON.stringify({ wallMs, maxRssMb, drifted, unreadable }) + '\n');
}

main().catch((e) => { process.stderr.write(String(e && e.stack || e) + '\n'); process.exit(1); });
