/**
 * `npm run bench:reach`: the reach graph of generated orgs of 1,000 and 10,000
 * projects (5 project and 2 group entries each) read from the sandbox with
 * 30 ms latency per request: HTTP requests (counted by the sandbox), wall time
 * and peak RSS of the reader's own process, size of the HTML report and its
 * time to first render in headless Chromium (median of 3 loads).
 *
 *   npm run bench:reach                  # 1,000 and 10,000 projects
 *   npm run bench:reach -- --sizes 1000
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { startSandbox } from '../../lib/sandbox';
import { replaceSection } from '../results';
import { launchChromium, openReport } from './chromium';
import { reachOrg, TEAM_SIZE } from './org';

const LATENCY_MS = 30;
const CONCURRENCY = 4;
const ROOT = path.join(__dirname, '..', '..');
const RESULTS = path.join(ROOT, 'bench', 'RESULTS.md');

interface Child { wallMs: number; maxRssMb: number; bytes: number; summary: string }

function sizes(): number[] {
  const a = process.argv.slice(2);
  const i = a.indexOf('--sizes');
  return i >= 0 ? a[i + 1].split(',').map(Number) : [1000, 10000];
}

function runChild(url: string, dir: string): Promise<Child> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'run-ts.js'), path.join(__dirname, 'child.ts'), url, dir, 'html', String(CONCURRENCY)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c) => { out += c; });
    child.stderr.on('data', (c) => { err += c; });
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop() as string)) : reject(new Error(`child failed (${code}): ${err}`))));
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function main(): Promise<void> {
  const rows: string[] = [];
  const goals: string[] = [];
  const { browser, close } = await launchChromium();
  try {
    for (const n of sizes()) {
      const org = reachOrg(n);
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), `tokenscope-bench-reach-${n}-`));
      const sb = await startSandbox({ seed: org.seed as never, port: 0, latencyMs: LATENCY_MS });
      let r: Child;
      let requests: number;
      try {
        process.stderr.write(`bench reach: ${n} projects...\n`);
        const before = sb.stats().httpRequests;
        r = await runChild(sb.url, dir);
        requests = sb.stats().httpRequests - before;
        if (sb.stats().mutations !== 0) throw new Error('reach sent a mutation');
      } finally {
        await sb.stop();
      }
      const renders: number[] = [];
      let nodes = 0;
      let edges = 0;
      for (let i = 0; i < 3; i++) {
        const opened = await openReport(browser, path.join(dir, 'report.html'), 180_000);
        if (opened.blocked.length > 0 || opened.errors.length > 0) throw new Error(`the report page misbehaved: ${[...opened.blocked, ...opened.errors].join('; ')}`);
        renders.push(opened.renderMs);
        nodes = opened.nodes;
        edges = opened.edges;
        await opened.page.close();
      }
      fs.rmSync(dir, { recursive: true, force: true });
      const render = median(renders);
      rows.push(`| ${fmt(n)} | ${fmt(requests)} | ${secs(r.wallMs)} | ${r.maxRssMb.toFixed(0)} MB | ${(r.bytes / 1e6).toFixed(1)} MB | ${fmt(nodes)} / ${fmt(edges)} | ${secs(render)} |`);
      const met = (ok: boolean) => (ok ? 'met' : '**not met**');
      if (n === 10000) goals.push(`- 10,000 projects: ${secs(r.wallMs)} (goal under 10 s): ${met(r.wallMs < 10_000)}; peak RSS ${r.maxRssMb.toFixed(0)} MB (goal under 300 MB): ${met(r.maxRssMb < 300)}.`);
      if (n === 1000) goals.push(`- 1,000 projects: the HTML report's first render ${secs(render)} (goal under 2 s): ${met(render < 2000)}.`);
    }
  } finally {
    await close();
  }
  const table = [
    '| projects | HTTP requests | wall time | peak RSS | HTML size | drawn nodes / edges | first render (Chromium) |',
    '|---:|---:|---:|---:|---:|---:|---:|',
    ...rows,
  ].join('\n');
  const body = [
    `Generated org (bench/reach/org.ts): teams of ${TEAM_SIZE} projects, each project allowing 5 projects and 2 team groups; every`,
    '100th project open, every 50th internal, every 200th also allowing the whole `org` group. Sandbox with',
    `${LATENCY_MS} ms latency per request, concurrency ${CONCURRENCY}. \`tokenscope reach --group org --include-subgroups --format html`,
    '--output FILE` runs in its own process (Node and the TypeScript transpiler included in its RSS; the sandbox runs in the parent);',
    'wall time is from the start of the command (token preflight included) to the written report. HTTP requests are the',
    'sandbox\'s count. First render: `performance.now()` at cytoscape\'s first `render` event after loading the file (fresh page,',
    'median of 3), headless Chromium with --disable-gpu; the HTML draws one node per project and group entry and one edge per entry.',
    '',
    `Run: ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${os.cpus().length} cores, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' / ')} at the end, on a machine shared with other sessions (numbers vary with their load).`,
    '',
    table,
    '',
    ...(goals.length ? ['Goals:', '', ...goals, ''] : []),
  ].join('\n');
  process.stdout.write(table + '\n');
  replaceSection(RESULTS, 'reach', body);
}

main().catch((e) => { process.stderr.write(String(e && e.stack || e) + '\n'); process.exit(1); });
