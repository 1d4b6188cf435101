/**
 * `npm run bench:pipelines`: wall time of each pipeline of the CI template
 * under gitlab-ci-local, for the acme demo org (11 projects plus the ops
 * project), on the rig of the pipeline tests (__tests__/pipelines/rig.ts: ops
 * repo made by `tokenscope init` from the packed tarball, sandbox, provider
 * stand-in, real Terraform). No goal: it is the time a user waits for.
 * Baseline, measured in the same run: gitlab-ci-local running a one-job
 * pipeline whose job does nothing (its own start, parse and schema check).
 *
 *   npm run bench:pipelines
 *   npm run bench:pipelines -- --runs 5
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PipelineRun, runPipeline, describeRun } from '../../__tests__/pipelines/gcl';
import { git } from '../../__tests__/pipelines/ops-repo';
import { PipelineKind, PipelineRig, startPipelineRig } from '../../__tests__/pipelines/rig';
import { CHANGES } from '../../__tests__/pipelines/seed';
import { replaceSection } from '../results';

const RESULTS = path.join(__dirname, '..', 'RESULTS.md');

const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const sec = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const UNIT_MS: Record<string, number> = { h: 3_600_000, min: 60_000, s: 1000, ms: 1, 'μs': 1e-3, ns: 1e-6 };

/** Per job, from gitlab-ci-local's `<job> finished in 4.72 s` lines. */
function jobTimes(r: PipelineRun): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of `${r.out}\n${r.err}`.split('\n')) {
    const m = /^(.+?) finished in ((?:\d+(?:\.\d+)? (?:h|min|s|ms|μs|ns) ?)+)/.exec(line);
    if (!m || m[1] === 'pipeline') continue;
    const ms = [...m[2].matchAll(/(\d+(?:\.\d+)?) (h|min|s|ms|μs|ns)/g)].reduce((a, x) => a + Number(x[1]) * UNIT_MS[x[2]], 0);
    out.set(m[1].trim(), ms);
  }
  return out;
}

interface Row { readonly pipeline: string; readonly jobs: string[]; readonly runs: PipelineRun[] }

async function timed(rig: PipelineRig, label: string, kind: PipelineKind, jobs: string[], o: { branch?: string; manual?: string[] } = {}): Promise<PipelineRun> {
  const r = await rig.run(label, kind, o);
  const failed = jobs.filter((j) => !r.jobs.get(j)?.passed);
  if (failed.length > 0 || r.jobs.size !== jobs.length) throw new Error(`${label}: expected ${jobs.join(', ')} to pass\n${describeRun(r)}`);
  return r;
}

async function baseline(work: string, runs: number): Promise<number[]> {
  const dir = path.join(work, 'noop');
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, '.gitlab-ci.yml'), 'noop:\n  image: node:20-bookworm\n  script:\n    - "true"\n');
  await git(dir, 'init', '-q', '-b', 'main');
  await git(dir, 'remote', 'add', 'origin', 'http://127.0.0.1:9/acme/noop.git');
  await git(dir, 'symbolic-ref', 'refs/remotes/origin/HEAD', 'refs/remotes/origin/main');
  await git(dir, 'add', '-A');
  await git(dir, 'commit', '-q', '-m', 'noop');
  const out: number[] = [];
  for (let i = 0; i < runs; i++) out.push((await runPipeline(dir, { vars: {} })).ms);
  return out;
}

async function main(): Promise<void> {
  const a = process.argv.slice(2);
  const runs = a.includes('--runs') ? Number(a[a.indexOf('--runs') + 1]) : 3;
  const loadStart = os.loadavg()[0];
  const started = Date.now();
  const rig = await startPipelineRig();
  const setupMs = Date.now() - started;
  try {
    const base = await baseline(rig.work, runs);
    const rows: Row[] = [];

    rig.repo.edit(CHANGES.main.file, CHANGES.main.from, CHANGES.main.to);
    await rig.repo.commit('Let the warehouse take jobs from etl');
    const deployJobs = ['tokenscope-synth', 'tokenscope-deploy'];
    const first = await timed(rig, 'first deploy', 'default-branch', deployJobs, { manual: ['tokenscope-deploy'] });
    rows.push({ pipeline: 'default branch, first deploy (12 scopes imported, 1 replaced)', jobs: deployJobs, runs: [first] });
    const again: PipelineRun[] = [];
    for (let i = 0; i < runs; i++) again.push(await timed(rig, `deploy ${i}`, 'default-branch', deployJobs, { manual: ['tokenscope-deploy'] }));
    rows.push({ pipeline: 'default branch, deploy with nothing to change', jobs: deployJobs, runs: again });

    await rig.repo.checkout('bench-mr', true);
    rig.repo.edit(CHANGES.mr1.file, CHANGES.mr1.from, CHANGES.mr1.to);
    await rig.repo.commit('Let secrets take jobs from the scanner');
    const mrJobs = ['tokenscope-synth', 'tokenscope-plan'];
    const mr: PipelineRun[] = [];
    for (let i = 0; i < runs; i++) mr.push(await timed(rig, `mr ${i}`, 'merge-request', mrJobs, { branch: 'bench-mr' }));
    rows.push({ pipeline: 'merge request (plan of 1 replacement, note created, then updated)', jobs: mrJobs, runs: mr });

    await rig.repo.checkout('main');
    const driftJobs = ['tokenscope-synth', 'tokenscope-drift: [1/2]', 'tokenscope-drift: [2/2]'];
    const sched: PipelineRun[] = [];
    for (let i = 0; i < runs; i++) sched.push(await timed(rig, `schedule ${i}`, 'schedule', driftJobs));
    rows.push({ pipeline: 'schedule (drift in 2 shards, in sync)', jobs: driftJobs, runs: sched });

    const lines = [
      'The CI template\'s three pipelines under gitlab-ci-local 4.65.1 (`--force-shell-executor --shell-isolation`),',
      'for the acme demo org (11 projects) plus the ops project, on the rig of the pipeline tests: an ops repo made by',
      '`tokenscope init --group acme` from the packed tarball (installed once; each job links that install, the',
      'template\'s `install` input), the sandbox and the provider stand-in in this process, real Terraform 1.11.4.',
      'Wall time from starting gitlab-ci-local to its exit; job times as gitlab-ci-local reports them (jobs of one',
      'stage run side by side). The baseline is gitlab-ci-local running one job that does nothing.',
      '',
      `Run: ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${os.cpus().length} cores, load average ${loadStart.toFixed(1)} at the start`,
      `and ${os.loadavg()[0].toFixed(1)} at the end, on a machine shared with other sessions (numbers vary with their load).`,
      `Setup (npm pack with its build, init with its import, npm install, sandbox, git host): ${sec(setupMs)}.`,
      '',
      '| pipeline | runs | wall time (median) | min – max | median per job |',
      '|---|---:|---:|---:|---|',
      `| baseline: one empty job | ${base.length} | ${sec(median(base))} | ${sec(Math.min(...base))} – ${sec(Math.max(...base))} | |`,
    ];
    for (const row of rows) {
      const ms = row.runs.map((r) => r.ms);
      const perJob = row.jobs.map((j) => `${j} ${sec(median(row.runs.map((r) => jobTimes(r).get(j) ?? NaN)))}`).join('; ');
      lines.push(`| ${row.pipeline} | ${ms.length} | ${sec(median(ms))} | ${sec(Math.min(...ms))} – ${sec(Math.max(...ms))} | ${perJob} |`);
    }
    lines.push('', 'Synth (ts-node type-checks main.ts and the imported scopes, then cdktf writes the stack) is the larger part',
      'of every pipeline, and it runs in each of them. On GitLab add what gitlab-ci-local leaves out: a runner picking',
      'up each job, the image pull, and `npm ci` (the `install` input\'s default) in every job.');
    replaceSection(RESULTS, 'pipelines', lines.join('\n'));
    process.stdout.write(lines.join('\n') + '\n');
  } finally {
    await rig.stop();
  }
}

main().catch((e) => { process.stderr.write(`${(e as Error).stack ?? String(e)}\n`); process.exit(1); });
