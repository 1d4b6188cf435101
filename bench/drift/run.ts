/**
 * `npm run bench:drift`: tokenscope drift against a per-project REST reader
 * (the way the Terraform provider refreshes), same sandbox, same latency, same
 * concurrency, same run. Each reader runs in its own child process so that
 * peak RSS is the reader's own; the sandbox runs here.
 *
 *   npm run bench:drift                 # 1,000 and 10,000 projects; REST at 10,000 extrapolated
 *   npm run bench:drift -- --full       # also run the REST reader at 10,000 (about 4 minutes)
 *   npm run bench:drift -- --sizes 1000 # only some sizes
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { startSandbox } from '../../lib/sandbox';
import { benchOrg } from './org';

const LATENCY_MS = 30;
const CONCURRENCY = 4;
const ROOT = path.join(__dirname, '..', '..');
const RESULTS = path.join(ROOT, 'bench', 'RESULTS.md');

interface Measure {
  requests: number;
  wallMs: number;
  maxRssMb: number;
  drifted: number;
  unreadable: number;
  extrapolated?: boolean;
}

function args(): { sizes: number[]; full: boolean } {
  const a = process.argv.slice(2);
  const i = a.indexOf('--sizes');
  const sizes = i >= 0 ? a[i + 1].split(',').map(Number) : [1000, 10000];
  return { sizes, full: a.includes('--full') };
}

/** Runs the child asynchronously (the sandbox in this process must keep serving). */
function runChild(mode: string, dir: string, url: string): Promise<{ wallMs: number; maxRssMb: number; drifted: number; unreadable: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'run-ts.js'), path.join(__dirname, 'child.ts'), mode, dir, url, String(CONCURRENCY)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c) => { out += c; });
    child.stderr.on('data', (c) => { err += c; });
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`${mode} child failed (${code}): ${err}`));
      else resolve(JSON.parse(out.trim().split('\n').pop() as string));
    });
  });
}

async function measure(n: number, mode: 'tokenscope' | 'rest'): Promise<Measure> {
  const org = benchOrg(n);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `tokenscope-bench-${n}-`));
  for (const [name, json] of Object.entries(org.stacks)) {
    fs.mkdirSync(path.join(dir, 'cdktf.out', 'stacks', name), { recursive: true });
    fs.writeFileSync(path.join(dir, 'cdktf.out', 'stacks', name, 'cdk.tf.json'), JSON.stringify(json));
  }
  fs.writeFileSync(path.join(dir, 'tokenscope.lock.json'), JSON.stringify(org.lock));
  const sandbox = await startSandbox({ seed: org.seed as never, port: 0, latencyMs: LATENCY_MS });
  try {
    const before = sandbox.stats().httpRequests;
    const r = await runChild(mode, dir, sandbox.url);
    const requests = sandbox.stats().httpRequests - before;
    if (sandbox.stats().mutations !== 0) throw new Error('a reader sent a mutation');
    if (r.drifted !== org.drifted || r.unreadable !== 0) {
      throw new Error(`${mode} at ${n}: found ${r.drifted} drifted / ${r.unreadable} unreadable, expected ${org.drifted} / 0`);
    }
    return { requests, ...r };
  } finally {
    await sandbox.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function main(): Promise<void> {
  const { sizes, full } = args();
  const rows: string[] = [];
  const goals: string[] = [];
  let perProjectRest: Measure | undefined;
  for (const n of sizes) {
    process.stderr.write(`bench drift: ${n} projects, tokenscope...\n`);
    const ts = await measure(n, 'tokenscope');
    let rest: Measure;
    if (n <= 1000 || full || !perProjectRest) {
      process.stderr.write(`bench drift: ${n} projects, per-project REST...\n`);
      rest = await measure(n, 'rest');
      if (!perProjectRest || n <= 1000) perProjectRest = { ...rest, requests: rest.requests / n, wallMs: rest.wallMs / n };
    } else {
      // Linear in the number of projects: 3 requests each at this org's list sizes.
      rest = { requests: perProjectRest.requests * n, wallMs: perProjectRest.wallMs * n, maxRssMb: NaN, drifted: 0, unreadable: 0, extrapolated: true };
    }
    const x = (a: number, b: number) => `${(a / b).toFixed(1)}x`;
    const met = (ok: boolean) => (ok ? 'met' : '**not met**');
    if (n === 1000) {
      goals.push(`- 1,000 projects: ${x(rest.requests, ts.requests)} fewer HTTP requests (goal 50x): ${met(rest.requests / ts.requests >= 50)}; ` +
        `${x(rest.wallMs, ts.wallMs)} less wall time (goal 10x): ${met(rest.wallMs / ts.wallMs >= 10)}.`);
    }
    if (n === 10000) {
      goals.push(`- 10,000 projects: ${secs(ts.wallMs)} (goal under 30 s): ${met(ts.wallMs < 30_000)}; peak RSS ${ts.maxRssMb.toFixed(0)} MB ` +
        `(goal under 300 MB): ${met(ts.maxRssMb < 300)}.`);
    }
    const est = rest.extrapolated ? ' (extrapolated)' : '';
    rows.push(
      `| ${fmt(n)} | tokenscope drift | ${fmt(ts.requests)} | ${secs(ts.wallMs)} | ${ts.maxRssMb.toFixed(0)} MB | ${ts.drifted} |`,
      `| ${fmt(n)} | per-project REST${est} | ${fmt(rest.requests)} | ${secs(rest.wallMs)} | ${Number.isNaN(rest.maxRssMb) ? 'n/a' : `${rest.maxRssMb.toFixed(0)} MB`} | ${rest.extrapolated ? 'n/a' : rest.drifted} |`,
      `| ${fmt(n)} | ratio | ${x(rest.requests, ts.requests)} fewer | ${x(rest.wallMs, ts.wallMs)} faster | | |`,
    );
  }
  const table = [
    '| projects | reader | HTTP requests | wall time | peak RSS | drifted found |',
    '|---:|---|---:|---:|---:|---:|',
    ...rows,
  ].join('\n');
  const section = [
    '## drift',
    '',
    `Sandbox with ${LATENCY_MS} ms latency per request, concurrency ${CONCURRENCY} for both readers, each declared project allowing`,
    '5 projects and 2 groups, every tenth project drifted (toggle off, entry missing or added). HTTP requests are counted by the',
    'sandbox (retries included; tokenscope\'s count includes its one token preflight request). Wall time runs from the start of the',
    'read to the finished report, inside the reader\'s own process; peak RSS is that process\'s (Node, the TypeScript transpiler and the reader; the',
    'sandbox runs in the parent). The REST reader reads like the Terraform provider\'s refresh: GET job_token_scope, then the',
    'allowlist and groups_allowlist at per_page=20, page by page. Rows marked extrapolated scale the 1,000-project REST',
    'run linearly (run with `--full` to measure them).',
    '',
    `Run: ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${os.cpus().length} cores.`,
    '',
    table,
    '',
    ...(goals.length ? ['Goals:', '', ...goals, ''] : []),
    'Most of the peak RSS is Node with the TypeScript transpiler that loads the sources (about 170 MB before the first request).',
    '',
  ].join('\n');
  process.stdout.write(table + '\n');
  writeSection(section);
}

/** Replaces only the `## drift` section of bench/RESULTS.md. */
function writeSection(section: string): void {
  const text = fs.existsSync(RESULTS) ? fs.readFileSync(RESULTS, 'utf8') : '# Benchmarks\n\n';
  const re = /## drift\n[\s\S]*?(?=\n## |$)/;
  const next = re.test(text) ? text.replace(re, section.trimEnd() + '\n') : `${text.trimEnd()}\n\n${section}`;
  fs.writeFileSync(RESULTS, next.endsWith('\n') ? next : next + '\n');
}

main().catch((e) => { process.stderr.write(String(e && e.stack || e) + '\n'); process.exit(1); });
