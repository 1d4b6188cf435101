/**
 * GitLab's `CiJobTokenScopePolicies` enum (fine-grained job-token permissions,
 * GA in 18.3; facts sheet, section 2).
 */
export const JOB_TOKEN_POLICIES = [
  'READ_DEPLOYMENTS', 'ADMIN_DEPLOYMENTS',
  'READ_ENVIRONMENTS', 'ADMIN_ENVIRONMENTS',
  'READ_JOBS', 'ADMIN_JOBS',
  'READ_PACKAGES', 'ADMIN_PACKAGES',
  'READ_RELEASES', 'ADMIN_RELEASES',
  'READ_SECURE_FILES', 'ADMIN_SECURE_FILES',
  'READ_TERRAFORM_STATE', 'ADMIN_TERRAFORM_STATE',
  'READ_CONTAINERS', 'ADMIN_CONTAINERS',
  'READ_MERGE_REQUESTS',
  'READ_PIPELINES', 'ADMIN_PIPELINES',
  'READ_REPOSITORIES',
  'READ_WORK_ITEMS',
] as const;

export type JobTokenPolicy = (typeof JOB_TOKEN_POLICIES)[number];

/** Deprecated by GitLab (~18.4); declaring them is refused so they never reach a plan. */
export const DEPRECATED_POLICIES: ReadonlySet<string> = new Set(['READ_CONTAINERS', 'ADMIN_CONTAINERS']);

const KNOWN: ReadonlySet<string> = new Set(JOB_TOKEN_POLICIES);

export function isJobTokenPolicy(x: string): x is JobTokenPolicy {
  return KNOWN.has(x);
}

/** Problems with a declared policy set, each a full sentence fragment; empty when valid. */
export function policyProblems(policies: readonly unknown[]): string[] {
  const problems: string[] = [];
  if (policies.length === 0) {
    problems.push('has an empty policies list; omit `policies` to keep the default permissions, or name at least one policy');
    return problems;
  }
  const seen = new Set<string>();
  for (const p of policies) {
    if (typeof p !== 'string' || !KNOWN.has(p)) {
      problems.push(`names unknown policy ${JSON.stringify(p)} (GitLab's CiJobTokenScopePolicies are ${JOB_TOKEN_POLICIES.filter((x) => !DEPRECATED_POLICIES.has(x)).join(', ')})`);
    } else if (DEPRECATED_POLICIES.has(p)) {
      problems.push(`names deprecated policy ${p} (GitLab deprecated the CONTAINERS policies in 18.4); remove it`);
    } else if (seen.has(p)) {
      problems.push(`names policy ${p} twice`);
    }
    if (typeof p === 'string') seen.add(p);
  }
  return problems;
}
