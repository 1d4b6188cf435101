/**
 * One measured `tokenscope reach` in its own process, so that its peak RSS is
 * its own (the sandbox runs in the parent). Prints one JSON line.
 *
 *   node bin/run-ts.js bench/reach/child.ts URL DIR FORMAT CONCURRENCY
 */
import * as fs from 'fs';
import * as path from 'path';
import { runCli } from '../../lib/cli/main';
import { memoryIO } from '../../lib/cli/io';
import { REACH_BENCH_TOKEN } from './org';

async function main(): Promise<void> {
  const [url, dir, format, conc] = process.argv.slice(2);
  const out = `report.${format}`;
  const started = process.hrtime.bigint();
  const io = memoryIO({ GITLAB_URL: url, GITLAB_TOKEN: REACH_BENCH_TOKEN }, dir);
  const code = await runCli(['node', 'tokenscope', 'reach', '--group', 'org', '--include-subgroups', '--format', format, '--output', out,
    '--concurrency', conc, '--no-progress'], io);
  if (code !== 0) throw new Error(`reach failed (${code}): ${io.err()}`);
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  const maxRssMb = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(JSON.stringify({ wallMs, maxRssMb, bytes: fs.statSync(path.join(dir, out)).size, summary: io.out().trim() }) + '\n');
}

main().catch((e) => { process.stderr.write(String(e && e.stack || e) + '\n'); process.exit(1); });
