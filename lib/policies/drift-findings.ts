import type { GitLabHttp } from '../gitlab/http';
import type { LockFile } from '../lockfile';
import { readDeclaredPolicySources } from './declared';
import { checkPolicies } from './run';
import type { PolicyChange } from './plan';
import { DEFAULT_PERMISSIONS, permissionsOf, type Permissions } from './types';

/** The `policy_mismatch` drift finding (issue 8): JSON keys are a public contract. */
export interface PolicyMismatch {
  readonly kind: 'policy_mismatch';
  readonly target: string;
  /** `project` or `group`: which allowlist the entry is on. */
  readonly entry: 'project' | 'group';
  readonly declared: Permissions;
  readonly live: Permissions;
}

export interface PolicyDriftOptions {
  readonly synthDir: string;
  readonly stacks?: readonly string[];
  readonly http: GitLabHttp;
  readonly lock?: LockFile;
  readonly concurrency?: number;
  /** Only these projects (lower-cased paths), e.g. drift's shard; scopes declared by id alone are always kept. */
  readonly projects?: ReadonlySet<string>;
}

export interface PolicyDrift {
  /** Keyed by lower-cased project path. */
  readonly findings: ReadonlyMap<string, PolicyMismatch[]>;
  /** Why permissions were not (fully) compared; for the report's reader, not failures of drift itself. */
  readonly notes: readonly string[];
}

/** Pure: plan changes as drift findings, by project. */
export function mismatchesFrom(changes: readonly PolicyChange[]): Map<string, PolicyMismatch[]> {
  const out = new Map<string, PolicyMismatch[]>();
  for (const c of changes) {
    const key = c.project.toLowerCase();
    const list = out.get(key) ?? [];
    list.push({ kind: 'policy_mismatch', target: c.target, entry: c.kind, declared: c.to, live: c.from });
    out.set(key, list);
  }
  return out;
}

/**
 * Declared against live permissions for drift. Runs only when some entry in
 * the checked stacks declares policies, so stacks that do not use the feature
 * cost no extra request. Read-only. On a GitLab without the feature every live
 * entry has the default permissions, so each entry declared with policies is
 * a mismatch.
 */
export async function policyDrift(opts: PolicyDriftOptions): Promise<PolicyDrift> {
  const only = opts.projects;
  const sources = readDeclaredPolicySources(opts.synthDir, opts.stacks ?? [])
    .filter((s) => !only || s.project.path === undefined || only.has(s.project.path.toLowerCase()));
  if (!sources.some((s) => s.policies.length > 0)) return { findings: new Map(), notes: [] };
  const check = await checkPolicies(opts.http, sources, { lock: opts.lock, concurrency: opts.concurrency, knownPoliciesOnly: false });
  if (!check.plan) {
    const findings = new Map<string, PolicyMismatch[]>();
    for (const s of sources) {
      if (s.project.path === undefined) continue;
      const list = s.policies
        .filter((p) => p.ref.path !== undefined)
        .map((p): PolicyMismatch => ({
          kind: 'policy_mismatch', target: p.ref.path as string, entry: p.kind,
          declared: permissionsOf(false, p.policies), live: DEFAULT_PERMISSIONS,
        }));
      if (list.length > 0) findings.set(s.project.path.toLowerCase(), list);
    }
    return { findings, notes: check.problems };
  }
  return { findings: mismatchesFrom(check.plan.changes), notes: [...check.problems, ...check.warnings] };
}
