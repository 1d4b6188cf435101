/**
 * `npm run bench:drift`: tokenscope drift against the real thing, Terraform:
 * `terraform plan -refresh-only` through the provider stand-in (which makes the
 * REST requests gitlabhq/gitlab 18.6.1 makes), same sandbox, same latency, same
 * run. Also `terraform plan` with ids from data sources against literal ids (a
 * lock file). tokenscope runs in its own child process so that its peak RSS is
 * its own; the sandbox and the stand-in run here; Terraform is its own process.
 *
 *   npm run bench:drift                 # 1,000 projects (tokenscope and Terraform), 10,000 (tokenscope)
 *   npm run bench:drift -- --sizes 1000 # only some sizes (Terraform runs at sizes up to 1,000)
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { startSandbox } from '../../lib/sandbox';
import { startProviderStandIn } from '../../lib/sandbox/provider';
import { terraformVersion } from '../../lib/terraform/cli';
import { replaceSection, runLines } from '../results';
import { BENCH_TOKEN, benchOrg, BenchOrg } from './org';
import { driftedInOutput, IdSource, terraformDir } from './terraform';

const LATENCY_MS = 30;
const CONCURRENCY = 4;
/** Terraform's default -parallelism, as a user runs it. */
const TF_PARALLELISM = 10;
const TERRAFORM_MAX = 1000;
const ROOT = path.join(__dirname, '..', '..');
const RESULTS = path.join(ROOT, 'bench', 'RESULTS.md');

interface Measure {
  requests: number;
  wallMs: number;
  maxRssMb?: number;
  drifted: number;
}

function args(): { sizes: number[] } {
  const a = process.argv.slice(2);
  const i = a.indexOf('--sizes');
  return { sizes: i >= 0 ? a[i + 1].split(',').map(Number) : [1000, 10000] };
}

/** Runs the child asynchronously (the sandbox in this process must keep serving). */
function runChild(dir: string, url: string): Promise<{ wallMs: number; maxRssMb: number; drifted: number; unreadable: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'run-ts.js'), path.join(__dirname, 'child.ts'), 'tokenscope', dir, url, String(CONCURRENCY)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c) => { out += c; });
    child.stderr.on('data', (c) => { err += c; });
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`tokenscope child failed (${code}): ${err}`));
      else resolve(JSON.parse(out.trim().split('\n').pop() as string));
    });
  });
}

/** A fresh sandbox with the org (30 ms latency) for one measured run; `fn` gets its URL and returns the reader's own numbers. */
async function onSandbox(org: BenchOrg, fn: (url: string) => Promise<Omit<Measure, 'requests'>>): Promise<Measure> {
  const sandbox = await startSandbox({ seed: org.seed as never, port: 0, latencyMs: LATENCY_MS });
  try {
    const before = sandbox.stats().httpRequests;
    const r = await fn(sandbox.url);
    if (sandbox.stats().mutations !== 0) throw new Error('a reader sent a mutation');
    return { requests: sandbox.stats().httpRequests - before, ...r };
  } finally {
    await sandbox.stop();
  }
}

async function tokenscope(org: BenchOrg, n: number, tmp: string): Promise<Measure> {
  const dir = path.join(tmp, `tokenscope-${n}`);
  for (const [name, json] of Object.entries(org.stacks)) {
    fs.mkdirSync(path.join(dir, 'cdktf.out', 'stacks', name), { recursive: true });
    fs.writeFileSync(path.join(dir, 'cdktf.out', 'stacks', name, 'cdk.tf.json'), JSON.stringify(json));
  }
  fs.writeFileSync(path.join(dir, 'tokenscope.lock.json'), JSON.stringify(org.lock));
  const m = await onSandbox(org, async (url) => {
    const r = await runChild(dir, url);
    if (r.unreadable !== 0) throw new Error(`tokenscope at ${n}: ${r.unreadable} unreadable`);
    return r;
  });
  if (m.drifted !== org.drifted) throw new Error(`tokenscope at ${n}: found ${m.drifted} drifted, expected ${org.drifted}`);
  return m;
}

/** `terraform <plan args>` in a prepared dir; the sandbox and a stand-in pointed at it are fresh, init is not timed. */
async function terraform(org: BenchOrg, n: number, tmp: string, ids: IdSource, planArgs: string[]): Promise<Measure> {
  return onSandbox(org, async (url) => {
    const standIn = await startProviderStandIn({ env: { GITLAB_TOKEN: BENCH_TOKEN, GITLAB_BASE_URL: url } });
    try {
      const run = await terraformDir(path.join(tmp, `tf-${ids}-${planArgs.join('')}-${n}`), org, ids, standIn.reattach);
      const started = process.hrtime.bigint();
      const r = await run(['plan', '-input=false', '-detailed-exitcode', '-lock=false', `-parallelism=${TF_PARALLELISM}`, ...planArgs]);
      const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
      if (r.code !== 2) throw new Error(`terraform plan ${planArgs.join(' ')} (${ids}) exited ${r.code}, expected 2:\n${r.output.slice(-4000)}`);
      return { wallMs, drifted: driftedInOutput(r.stdout) };
    } finally {
      await standIn.stop();
    }
  });
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const x = (a: number, b: number) => `${(a / b).toFixed(1)}x`;
const met = (ok: boolean) => (ok ? 'met' : '**not met**');

async function main(): Promise<void> {
  const { sizes } = args();
  const version = await terraformVersion();
  if (!version) throw new Error('terraform is not on PATH: bench:drift measures Terraform too');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tokenscope-bench-drift-'));
  const load = os.loadavg()[0];
  const rows: string[] = [];
  const planRows: string[] = [];
  const goals: string[] = [];
  try {
    for (const n of sizes) {
      const org = benchOrg(n);
      process.stderr.write(`bench drift: ${n} projects, tokenscope drift...\n`);
      const ts = await tokenscope(org, n, tmp);
      rows.push(`| ${fmt(n)} | tokenscope drift | ${fmt(ts.requests)} | ${secs(ts.wallMs)} | ${ts.maxRssMb!.toFixed(0)} MB | ${ts.drifted} |`);
      if (n > TERRAFORM_MAX) {
        goals.push(`- ${fmt(n)} projects: ${secs(ts.wallMs)} (goal under 30 s): ${met(ts.wallMs < 30_000)}; peak RSS ${ts.maxRssMb!.toFixed(0)} MB ` +
          `(goal under 300 MB): ${met(ts.maxRssMb! < 300)}.`);
        continue;
      }
      process.stderr.write(`bench drift: ${n} projects, terraform plan -refresh-only...\n`);
      const refresh = await terraform(org, n, tmp, 'lock', ['-refresh-only']);
      if (refresh.drifted !== org.drifted) throw new Error(`terraform -refresh-only at ${n}: ${refresh.drifted} changed outside Terraform, expected ${org.drifted}`);
      rows.push(
        `| ${fmt(n)} | terraform plan -refresh-only | ${fmt(refresh.requests)} | ${secs(refresh.wallMs)} | (Go process) | ${refresh.drifted} |`,
        `| ${fmt(n)} | ratio | ${x(refresh.requests, ts.requests)} fewer | ${x(refresh.wallMs, ts.wallMs)} faster | | |`,
      );
      goals.push(`- ${fmt(n)} projects against terraform plan -refresh-only: ${x(refresh.requests, ts.requests)} fewer HTTP requests (goal 50x): ` +
        `${met(refresh.requests / ts.requests >= 50)}; ${x(refresh.wallMs, ts.wallMs)} less wall time (goal 10x): ${met(refresh.wallMs / ts.wallMs >= 10)}.`);
      process.stderr.write(`bench drift: ${n} scopes, terraform plan with the lock file and with data sources...\n`);
      const lock = await terraform(org, n, tmp, 'lock', []);
      const data = await terraform(org, n, tmp, 'data', []);
      planRows.push(
        `| ${fmt(n)} | literal ids (lock file) | ${fmt(lock.requests)} | ${secs(lock.wallMs)} |`,
        `| ${fmt(n)} | data sources | ${fmt(data.requests)} | ${secs(data.wallMs)} |`,
        `| ${fmt(n)} | data sources / lock file | ${x(data.requests, lock.requests)} | ${x(data.wallMs, lock.wallMs)} |`,
      );
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  const section = [
    `Sandbox with ${LATENCY_MS} ms latency per request (a fresh one per run), each declared project allowing 5 projects and 2 groups,`,
    'every tenth project drifted (toggle off, entry missing or added). HTTP requests are counted by the sandbox (retries included;',
    'tokenscope\'s count includes its one token preflight request, Terraform\'s the provider\'s `GET /user` at configure time).',
    '',
    `- **tokenscope drift** (concurrency ${CONCURRENCY}, lock file): wall time from the start of the read to the finished report,`,
    '  inside its own process; peak RSS is that process\'s (Node, the TypeScript transpiler and the reader).',
    `- **terraform plan -refresh-only** (Terraform ${version}, default -parallelism=${TF_PARALLELISM}, local state as an apply of the declaration`,
    '  leaves it, literal ids so no data sources): through the provider stand-in, which makes the requests gitlabhq/gitlab 18.6.1',
    '  makes to refresh a scope (GET job_token_scope, then allowlist and groups_allowlist at per_page=20, page by page). Wall time',
    '  of the `terraform` process (`init` done before, not timed); "drifted found" counts the scopes it reports as changed outside',
    '  of Terraform. The stand-in and the sandbox run in the bench process.',
    '',
    ...runLines(load),
    '',
    '| projects | reader | HTTP requests | wall time | peak RSS | drifted found |',
    '|---:|---|---:|---:|---:|---:|',
    ...rows,
    '',
    ...(goals.length ? ['Goals:', '', ...goals, ''] : []),
    ...(planRows.length ? [
      `\`terraform plan\` (not refresh-only) of the same ${fmt(TERRAFORM_MAX)} scopes, same state, same latency: ids as literals (what synth`,
      'writes with tokenscope.lock.json) against ids from `gitlab_project` / `gitlab_group` data sources (without a lock file: one',
      'data source per distinct project and group, read on every plan: `GET /projects/:path` and `GET /projects/:id/push_rules` as the',
      'provider reads a project, `GET /groups/:path`). Plans also make the provider\'s `GET /application/settings` per scope (its ModifyPlan).',
      '',
      '| scopes | ids | HTTP requests | wall time |',
      '|---:|---|---:|---:|',
      ...planRows,
      '',
    ] : []),
    'Most of tokenscope\'s peak RSS is Node with the TypeScript transpiler that loads the sources (about 170 MB before the first request). '
      + 'tokenscope\'s count includes the batched lookup in which GitLab names every id it compares (the lock file is checked, never trusted).',
  ].join('\n');
  process.stdout.write(section + '\n');
  replaceSection(RESULTS, 'drift', section);
}

main().catch((e) => { process.stderr.write(String(e && e.stack || e) + '\n'); process.exit(1); });
