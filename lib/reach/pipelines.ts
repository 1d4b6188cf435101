import type { ReachEdge } from './types';

/**
 * Fine-grained policies under which a job token may start pipelines in the
 * target, for `--transitive`.
 *
 * From GitLab's source: the pipelines API (`POST /projects/:id/pipeline`) does
 * not accept job tokens at all; the trigger API (`POST
 * /projects/:id/trigger/pipeline` with `token=$CI_JOB_TOKEN`) authenticates the
 * job inside `Ci::PipelineTriggerService` and runs the pipeline as the job's
 * user, limited by the target's allowlist; and among `CiJobTokenScopePolicies`
 * only `ADMIN_PIPELINES` ("Pipelines: Read and write", which GitLab documents
 * for `PUT /projects/:id/pipelines/:pipeline_id/metadata`) is about writing
 * pipelines. So an entry with the default permissions chains, and so does one
 * whose policies include ADMIN_PIPELINES; an entry restricted to other policies
 * does not. Being an upper bound, the chain assumes the job's user may create
 * pipelines in the target (Developer) and that the target's CI uses its token.
 */
export const PIPELINE_POLICIES: readonly string[] = ['ADMIN_PIPELINES'];

/** Whether a job token allowed in over this edge may start the target's pipelines (whose jobs' tokens then reach further). */
export function canCreatePipelines(edge: Pick<ReachEdge, 'via' | 'policies'>): boolean {
  if (edge.via === 'open' || edge.policies === undefined) return true;
  return edge.policies.some((p) => PIPELINE_POLICIES.includes(p));
}

/** The sentence every transitive answer carries. */
export const UPPER_BOUND_NOTE =
  'transitive reach is an upper bound: each hop assumes the token may start the next project\'s pipelines ' +
  '(the trigger API accepts CI_JOB_TOKEN; an entry with default permissions or ADMIN_PIPELINES) and that those ' +
  'pipelines\' jobs, which run the next project\'s own CI configuration with what the trigger passes, use their token ' +
  'against every project they may reach; the job\'s user must also be a member with the needed role';
