/**
 * One measured run in its own process, so that its peak RSS is its own (the
 * sandbox runs in the parent). Prints one JSON line: wall time of the run
 * (from before the first request to the report), peak RSS, and the result.
 *
 *   node bin/run-ts.js bench/drift/child.ts tokenscope|rest DIR URL CONCURRENCY
 */
import * as fs from 'fs';
import * as path from 'path';
import { runCli } from '../../lib/cli/main';
import { memoryIO } from '../../lib/cli/io';
import { GitLabHttp } from '../../lib/gitlab/http';
import { readDeclared } from '../../lib/drift/declared';
import { resolveDeclaredIds } from '../../lib/drift/resolve-targets';
import { compareScope } from '../../lib/drift/compare';
import { readLockFile } from '../../lib/lockfile';
import { BENCH_TOKEN } from './org';
import { readPerProjectRest } from './rest-reader';

async function main(): Promise<void> {
  const [mode, dir, url, conc] = process.argv.slice(2);
  const concurrency = Number(conc);
  const started = process.hrtime.bigint();
  let drifted = 0;
  let unreadable = 0;
  if (mode === 'tokenscope') {
    const io = memoryIO({ GITLAB_URL: url, GITLAB_TOKEN: BENCH_TOKEN }, dir);
    const code = await runCli(['node', 'tokenscope', 'drift', '--synth-dir', 'cdktf.out', '--format', 'json', '--output', 'report.json',
      '--concurrency', String(concurrency), '--no-progress'], io);
    if (code === 1) throw new Error(`drift failed: ${io.err()}`);
    const report = JSON.parse(fs.readFileSync(path.join(dir, 'report.json'), 'utf8')) as { summary: { drifted: number; unreadable: number } };
    drifted = report.summary.drifted;
    unreadable = report.summary.unreadable;
  } else {
    const http = new GitLabHttp({ baseUrl: url, token: BENCH_TOKEN });
    const declared = readDeclared(path.join(dir, 'cdktf.out'));
    const lock = readLockFile(dir);
    if (!lock) throw new Error(`no lock file in ${dir}`);
    const { scopes } = await resolveDeclaredIds(declared, lock, undefined);
    const live = await readPerProjectRest(http, scopes.map((s) => ({ path: s.project, id: lock.projects[s.project.toLowerCase()] })), concurrency);
    for (const s of scopes) {
      const r = compareScope(s, live.get(s.project));
      if (r.status === 'drifted') drifted++;
      if (r.status === 'unreadable') unreadable++;
    }
  }
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  const maxRssMb = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(JSON.stringify({ wallMs, maxRssMb, drifted, unreadable }) + '\n');
}

main().catch((e) => { process.stderr.write(String(e && e.stack || e) + '\n'); process.exit(1); });
