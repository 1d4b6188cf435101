import { policyDrift } from '../policies/drift-findings';
import type { LockFile } from '../lockfile';
import type { GitLabHttp } from '../gitlab/http';
import { sortFindings, statusOf } from './compare';
import type { ProjectReport } from './types';

/**
 * Adds `policy_mismatch` findings (issue 8) to readable project reports and
 * recomputes their status. The comparison itself lives in lib/policies.
 */
export async function withPolicyFindings(
  projects: ProjectReport[],
  opts: { synthDir: string; stacks?: readonly string[]; http: GitLabHttp; lock?: LockFile; concurrency?: number },
): Promise<ProjectReport[]> {
  // Only the projects this run reports on (a --shard reads its share, not every shard's).
  const drift = await policyDrift({ ...opts, projects: new Set(projects.map((p) => p.project.toLowerCase())) });
  if (drift.findings.size === 0) return projects;
  return projects.map((p) => {
    const extra = drift.findings.get(p.project.toLowerCase());
    if (!extra || p.status === 'unreadable') return p;
    const findings = sortFindings([...p.findings, ...extra]);
    return { ...p, findings, status: statusOf(findings) };
  });
}
