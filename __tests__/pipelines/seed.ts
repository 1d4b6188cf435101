/**
 * The sandbox org of the pipeline tests: the acme demo org (what `tokenscope
 * demo` and the benchmarks use) plus the ops repo's own project,
 * `acme/platform/job-token-scopes`, which keeps the GitLab-managed Terraform
 * state and has merge request !1, and the tokens a pipeline of that project
 * holds. `ops` is a Maintainer through the `acme` group, so its job token may
 * lock and write the state; the access tokens are its too.
 */
import demoSeed from '../../lib/sandbox/demo-seed.json';
import type { SeedFile } from '../../lib/sandbox';

export const OPS_PROJECT = 'acme/platform/job-token-scopes';
export const OPS_PROJECT_ID = 105;
export const MR_IID = 1;

/** Token bodies nothing else in the tree uses, so that a search for them finds only leaks. */
export const PIPELINE_TOKENS = {
  /** GITLAB_TOKEN of the pipelines: api scope, Maintainer on every acme project. */
  maintainer: 'glpat-pipeMaintQ7v2Kx9Tz4Lw8Rb3',
  /** What `tokenscope init --group acme` imports with (read_api). */
  read: 'glpat-pipeReadN5c8Hj2Wq6Ys1Fd7',
  /** CI_JOB_TOKEN of a running job of the ops project (legacy form: glcbt-<partition>_<20 characters>). */
  job: 'glcbt-64_pipeOpsJobRun7Xq2Mz5',
} as const;

const SCOPES = 'scopes/acme.ts';
/** The declared changes of the scenario (edits of what init imported): on main before the deploy, then the merge request's two commits. */
export const CHANGES = {
  main: { file: SCOPES, from: "project: 'acme/data/warehouse',\n    allowProjects: ['acme/platform/deployer'],", to: "project: 'acme/data/warehouse',\n    allowProjects: ['acme/platform/deployer', 'acme/data/etl'],", project: 'acme/data/warehouse', addProject: 'acme/data/etl' },
  mr1: { file: SCOPES, from: "project: 'acme/security/secrets',\n    allowProjects: ['acme/platform/deployer'],", to: "project: 'acme/security/secrets',\n    allowProjects: ['acme/platform/deployer', 'acme/security/scanner'],", project: 'acme/security/secrets', addProject: 'acme/security/scanner' },
  mr2: { file: SCOPES, from: "project: 'acme/platform/tools/lint',\n    allowGroups: ['acme/platform'],", to: "project: 'acme/platform/tools/lint',\n    allowGroups: ['acme/platform', 'acme/security'],", project: 'acme/platform/tools/lint', addGroup: 'acme/security' },
};

export function pipelinesSeed(): SeedFile {
  const demo = demoSeed as unknown as SeedFile;
  return {
    ...demo,
    projects: [
      ...(demo.projects ?? []),
      { path: OPS_PROJECT, id: OPS_PROJECT_ID, visibility: 'private' },
    ],
    tokens: [
      ...(demo.tokens ?? []),
      { token: PIPELINE_TOKENS.maintainer, type: 'personal', user: 'ops', scopes: ['api'], name: 'ops-repo-ci', expiresAt: '2027-06-30' },
      { token: PIPELINE_TOKENS.read, type: 'personal', user: 'ops', scopes: ['read_api'], name: 'ops-repo-import', expiresAt: '2027-06-30' },
      { token: PIPELINE_TOKENS.job, type: 'job', project: OPS_PROJECT, user: 'ops', jobStatus: 'running' },
    ],
    mergeRequests: [{ project: OPS_PROJECT, iid: MR_IID, title: 'Let secrets take jobs from the scanner' }],
  };
}
