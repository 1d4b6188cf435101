/**
 * gitlab-ci-local (the devDependency) driven the way the pipeline tests and the
 * benchmark need it: one pipeline per call, in the ops repo, with the variables
 * GitLab would set passed as `--variable` (never through gitlab-ci-local's own
 * environment, which its shell jobs inherit), the shell executor forced (the
 * jobs name an image; no Docker here) and each job isolated in its own build
 * directory, so artifacts travel between jobs as they do on GitLab.
 *
 * What gitlab-ci-local itself reports is parsed into per-job results: PASS/FAIL
 * from its summary, the exit code from its `FAIL <code>` line, the log from
 * `.gitlab-ci-local/output/<job>.log`, the artifacts from
 * `.gitlab-ci-local/artifacts/<job>/`.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parse as parseYaml } from 'yaml';
import { npmEnv, REPO, run, Run } from '../package/helpers';

export const GCL_BIN = path.join(REPO, 'node_modules', '.bin', 'gitlab-ci-local');
export const STATE_DIR = '.gitlab-ci-local';
const PIPELINE_TIMEOUT_MS = 900_000;

/** Predefined variables the tests set on purpose (gitlab-ci-local warns about each otherwise). */
const OVERRIDDEN_PREDEFINED = [
  'CI_PIPELINE_SOURCE', 'CI_PROJECT_ID', 'CI_SERVER_URL', 'CI_API_V4_URL', 'CI_SERVER_HOST', 'CI_SERVER_PORT',
  'CI_SERVER_PROTOCOL', 'CI_SERVER_FQDN', 'CI_DEFAULT_BRANCH', 'CI_COMMIT_BRANCH', 'CI_COMMIT_REF_NAME',
];

export interface PipelineOptions {
  readonly vars: Readonly<Record<string, string>>;
  /** Predefined variables GitLab does not set for this pipeline (CI_COMMIT_BRANCH in merge request pipelines). */
  readonly unset?: readonly string[];
  /** Manual jobs to run, as when someone presses play. */
  readonly manual?: readonly string[];
  /** Only these jobs (their needs' artifacts come from earlier runs), as a retry on GitLab. */
  readonly jobs?: readonly string[];
  /** Another pipeline file than .gitlab-ci.yml, relative to the repo (gitlab-ci-local's --file). */
  readonly file?: string;
}

export interface JobResult {
  readonly name: string;
  readonly passed: boolean;
  /** 0 when passed; the script's exit code when failed. */
  readonly exitCode: number;
  readonly log: string;
  /** The job's exported artifacts directory (may not exist). */
  readonly artifactsDir: string;
  /** Where the job ran (--shell-isolation): what it left is here until the job runs again. */
  readonly buildDir: string;
}

export interface PipelineRun extends Run {
  readonly ms: number;
  readonly jobs: ReadonlyMap<string, JobResult>;
}

export interface ListedJob {
  readonly name: string;
  readonly stage: string;
  readonly when: string;
  readonly allow_failure: boolean;
  readonly needs?: ReadonlyArray<{ job: string }>;
}

/** gitlab-ci-local's job directory name (`Utils.safeDockerString`): runs of other characters base64url-encoded. */
export function safeJobName(name: string): string {
  return name.replace(/[^\w-]+/g, (m) => Buffer.from(m).toString('base64url'));
}

/** The environment gitlab-ci-local (and through it every shell job) starts from: no token, no CI or Terraform settings of ours. */
export function gclEnv(): NodeJS.ProcessEnv {
  const env = npmEnv({ FORCE_COLOR: '0', NO_COLOR: '1' });
  for (const k of Object.keys(env)) if (/^(CI_|GITLAB_|TF_|GCL_)/.test(k) || /TOKEN|PASSWORD|SECRET/i.test(k)) delete env[k];
  return env;
}

function baseArgs(o: PipelineOptions): string[] {
  const args = ['--no-color', '--max-job-name-padding', '0', '--ignore-predefined-vars', OVERRIDDEN_PREDEFINED.join(',')];
  for (const [k, v] of Object.entries(o.vars)) args.push('--variable', `${k}=${v}`);
  for (const k of o.unset ?? []) args.push('--unset-variable', k);
  if (o.file) args.push('--file', o.file);
  return args;
}

/** `--list-json` (gitlab-ci-local's schema check included) and the configuration it expanded (includes, inputs, extends). */
export async function listPipeline(repo: string, o: PipelineOptions): Promise<{ run: Run; jobs: ListedJob[]; expanded: Record<string, unknown> }> {
  const r = await run(GCL_BIN, ['--list-json', ...baseArgs(o)], repo, gclEnv());
  if (r.code !== 0) return { run: r, jobs: [], expanded: {} };
  const jobs = JSON.parse(r.out.slice(r.out.search(/^\[/m))) as ListedJob[];
  const expanded = parseYaml(fs.readFileSync(path.join(repo, STATE_DIR, 'expanded-gitlab-ci.yml'), 'utf8')) as Record<string, unknown>;
  return { run: r, jobs, expanded };
}

/** Runs a pipeline (or some of its jobs) to the end; never throws on a failed job. */
export async function runPipeline(repo: string, o: PipelineOptions): Promise<PipelineRun> {
  const args = [
    ...(o.jobs ?? []),
    '--force-shell-executor', '--shell-isolation', '--no-artifacts-to-source',
    ...(o.manual ?? []).flatMap((m) => ['--manual', m]),
    ...baseArgs(o),
  ];
  const started = process.hrtime.bigint();
  const r = await run(GCL_BIN, args, repo, gclEnv(), PIPELINE_TIMEOUT_MS);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  return { ...r, ms, jobs: jobResults(repo, r) };
}

/** Per job, from gitlab-ci-local's summary (` PASS  name` / ` FAIL  name` on stdout) and `name finished in ... FAIL <code>` (stderr). */
function jobResults(repo: string, r: Run): Map<string, JobResult> {
  const jobs = new Map<string, JobResult>();
  const codes = new Map<string, number>();
  for (const line of r.err.split('\n')) {
    const m = /^(.+?) finished in .*?\bFAIL (\d+)\s*$/.exec(line);
    if (m) codes.set(m[1].trim(), Number(m[2]));
  }
  for (const line of r.out.split('\n')) {
    const m = /^ (PASS|FAIL|WARN) {2}(.+?)\s*$/.exec(line);
    if (!m) continue;
    const name = m[2];
    const safe = safeJobName(name);
    const logFile = path.join(repo, STATE_DIR, 'output', `${safe}.log`);
    jobs.set(name, {
      name,
      passed: m[1] === 'PASS',
      exitCode: m[1] === 'PASS' ? 0 : codes.get(name) ?? -1,
      log: fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : '',
      artifactsDir: path.join(repo, STATE_DIR, 'artifacts', safe),
      buildDir: path.join(repo, STATE_DIR, 'builds', safe),
    });
  }
  return jobs;
}

/** Text of a job's artifact file, or undefined. */
export function artifact(job: JobResult | undefined, rel: string): string | undefined {
  if (!job) return undefined;
  const f = path.join(job.artifactsDir, rel);
  return fs.existsSync(f) ? fs.readFileSync(f, 'utf8') : undefined;
}

/**
 * A file the job left in its build directory. For `artifacts:reports` files:
 * gitlab-ci-local exports `artifacts:paths` (and dotenv reports) only, where
 * GitLab uploads every report file from the job's directory too.
 */
export function buildFile(job: JobResult | undefined, rel: string): string | undefined {
  if (!job) return undefined;
  const f = path.join(job.buildDir, rel);
  return fs.existsSync(f) ? fs.readFileSync(f, 'utf8') : undefined;
}

/** "Why did it fail" text for expectations: the command's tail and every failed job's log tail. */
export function describeRun(r: PipelineRun): string {
  const failed = [...r.jobs.values()].filter((j) => !j.passed).map((j) => `--- ${j.name} (exit ${j.exitCode})\n${j.log.slice(-3000)}`);
  return `gitlab-ci-local exited ${r.code}\n--- stdout\n${r.out.slice(-3000)}\n--- stderr\n${r.err.slice(-3000)}\n${failed.join('\n')}`;
}
