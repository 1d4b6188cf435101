/**
 * Everything the three pipelines run against, started once and shared (the
 * pipeline tests and `npm run bench:pipelines`):
 * - the sandbox (request log on) seeded with the acme demo org and the ops
 *   repo's own project, and the Terraform provider stand-in in this process,
 *   reading GITLAB_TOKEN (the Maintainer token) and GITLAB_BASE_URL from its own
 *   environment, as a reattached provider does;
 * - a git host holding tokenscope's project (for `include: component:`), which
 *   the ops repo's origin also names;
 * - the ops repo made by `tokenscope init` from the packed tarball, installed
 *   once. Its jobs reuse that install: a second commit sets the template's
 *   `install` input to link the installed node_modules into each job's build
 *   directory, as a runner image with the dependencies baked in would (the
 *   default, `npm ci`, would download every dependency again in every job).
 *
 * Every pipeline run is recorded (output, job logs, artifacts) for the token scan.
 */
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { packRepo, Packed } from '../package/helpers';
import { startTerraformRig, TerraformRig } from '../terraform/harness';
import { startGitHttp, GitHttpServer } from './git-http';
import { PipelineOptions, PipelineRun, runPipeline } from './gcl';
import { createOpsRepo, OpsRepo, publishComponentProject } from './ops-repo';
import { filesUnder } from '../support/leaks';
import { MR_IID, OPS_PROJECT_ID, PIPELINE_TOKENS, pipelinesSeed } from './seed';

export const RSYNC_MISSING = 'rsync is required for the pipeline tests: gitlab-ci-local copies builds and artifacts with it (Debian package rsync; .ci/run installs it)';

export type PipelineKind = 'default-branch' | 'merge-request' | 'schedule';

export interface RecordedRun {
  readonly label: string;
  readonly texts: ReadonlyArray<{ where: string; text: string }>;
}

export interface PipelineRig {
  readonly packed: Packed;
  readonly tf: TerraformRig;
  readonly git: GitHttpServer;
  readonly repo: OpsRepo;
  readonly work: string;
  /** The variables GitLab sets for a pipeline of this kind (and those it leaves unset). */
  gitlabVars(kind: PipelineKind, branch?: string): Pick<PipelineOptions, 'vars' | 'unset'>;
  /** Runs a pipeline of the ops repo as it is checked out, and records what it left. */
  run(label: string, kind: PipelineKind, o?: Omit<PipelineOptions, 'vars' | 'unset'> & { branch?: string; vars?: Record<string, string> }): Promise<PipelineRun>;
  readonly recorded: RecordedRun[];
  stop(): Promise<void>;
}

function requireRsync(): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile('rsync', ['--version'], (err) => (err ? reject(new Error(RSYNC_MISSING)) : resolve()));
  });
}

export async function startPipelineRig(): Promise<PipelineRig> {
  await requireRsync();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'tokenscope-pipelines-'));
  const packed = packRepo();
  const tf = await startTerraformRig({ seed: pipelinesSeed(), token: PIPELINE_TOKENS.maintainer });
  const gitRoot = path.join(work, 'git');
  await publishComponentProject(packed, work, gitRoot);
  const git = await startGitHttp(gitRoot);
  const dir = path.join(work, 'job-token-scopes');
  const repo = await createOpsRepo({ dir, packed, gitlabUrl: tf.sandbox.url, readToken: PIPELINE_TOKENS.read, gitUrl: git.url });
  repo.edit('.gitlab-ci.yml', '      drift_shards: 2\n', `      drift_shards: 2\n      # This runner has the dependencies installed already (npm install of this repo).\n      install: ln -sfn ${path.join(dir, 'node_modules')} node_modules\n`);
  await repo.commit('ci: reuse the dependencies installed on the runner');

  const sb = tf.sandbox;
  const gitlabVars: PipelineRig['gitlabVars'] = (kind, branch = 'main') => {
    const vars: Record<string, string> = {
      CI_SERVER_URL: sb.url, CI_API_V4_URL: `${sb.url}/api/v4`, CI_SERVER_PROTOCOL: 'http', CI_SERVER_HOST: '127.0.0.1',
      CI_SERVER_PORT: String(sb.port), CI_SERVER_FQDN: `127.0.0.1:${sb.port}`,
      CI_PROJECT_ID: String(OPS_PROJECT_ID), CI_DEFAULT_BRANCH: 'main', CI_COMMIT_REF_NAME: branch,
      CI_JOB_TOKEN: PIPELINE_TOKENS.job, GITLAB_TOKEN: PIPELINE_TOKENS.maintainer, TF_REATTACH_PROVIDERS: tf.provider.reattach,
    };
    if (kind === 'merge-request') {
      Object.assign(vars, {
        CI_PIPELINE_SOURCE: 'merge_request_event', CI_MERGE_REQUEST_IID: String(MR_IID), CI_MERGE_REQUEST_PROJECT_ID: String(OPS_PROJECT_ID),
        CI_MERGE_REQUEST_SOURCE_BRANCH_NAME: branch, CI_MERGE_REQUEST_TARGET_BRANCH_NAME: 'main',
      });
      // GitLab does not set CI_COMMIT_BRANCH in merge request pipelines.
      return { vars, unset: ['CI_COMMIT_BRANCH'] };
    }
    Object.assign(vars, { CI_PIPELINE_SOURCE: kind === 'schedule' ? 'schedule' : 'push', CI_COMMIT_BRANCH: branch });
    return { vars, unset: [] };
  };

  const recorded: RecordedRun[] = [];
  const rig: PipelineRig = {
    packed, tf, git, repo, work, gitlabVars, recorded,
    async run(label, kind, o = {}) {
      const base = gitlabVars(kind, o.branch);
      const r = await runPipeline(repo.dir, { ...o, vars: { ...base.vars, ...(o.vars ?? {}) }, unset: base.unset });
      const texts = [{ where: `${label}: stdout`, text: r.out }, { where: `${label}: stderr`, text: r.err }];
      for (const job of r.jobs.values()) {
        texts.push({ where: `${label}: ${job.name} log`, text: job.log });
        for (const f of filesUnder(job.artifactsDir)) {
          texts.push({ where: `${label}: ${job.name} artifact ${path.relative(job.artifactsDir, f)}`, text: fs.readFileSync(f).toString('latin1') });
        }
      }
      recorded.push({ label, texts });
      return r;
    },
    async stop() {
      await git.stop();
      await tf.stop();
      for (const d of [work, packed.dir]) fs.rmSync(d, { recursive: true, force: true });
    },
  };
  return rig;
}
