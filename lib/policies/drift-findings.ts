import type { GitLabHttp } from '../gitlab/http';
import type { LockFile } from '../lockfile';
import { readDeclaredPolicySources } from './declared';
import { checkPolicies } from './run';
import type { FlagOffProject, PolicyChange } from './plan';
import { instanceLabel, POLICIES_FLAG, POLICIES_MIN_VERSION } from './feature';
import type { Permissions } from './types';

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
  readonly findings: ReadonlyMap<string, PolicyFinding[]>;
  /** Why permissions were not (fully) compared; for the report's reader, not failures of drift itself. */
  readonly notes: readonly string[];
}

/**
 * The `policies_not_enforced` drift finding: GitLab has fine-grained
 * permissions switched off for the project (feature flag
 * `add_policies_to_ci_job_token`), so none of its declared policies is in force.
 * One per project, instead of a `policy_mismatch` per entry.
 */
export interface PoliciesNotEnforced {
  readonly kind: 'policies_not_enforced';
  readonly message: string;
}

export type PolicyFinding = PolicyMismatch | PoliciesNotEnforced;

/** Pure: plan changes (and projects with the feature switched off) as drift findings, by project. */
export function mismatchesFrom(changes: readonly PolicyChange[], flagOff: readonly FlagOffProject[] = []): Map<string, PolicyFinding[]> {
  const out = new Map<string, PolicyFinding[]>();
  const add = (project: string, f: PolicyFinding) => {
    const key = project.toLowerCase();
    out.set(key, [...(out.get(key) ?? []), f]);
  };
  for (const c of changes) add(c.project, { kind: 'policy_mismatch', target: c.target, entry: c.kind, declared: c.to, live: c.from });
  for (const p of flagOff) {
    add(p.project, {
      kind: 'policies_not_enforced',
      message: `${p.entries} entr${p.entries === 1 ? 'y declares' : 'ies declare'} fine-grained permissions, but GitLab has them switched off ` +
        `(feature flag ${POLICIES_FLAG}): every entry has the default permissions`,
    });
  }
  return out;
}

/**
 * Declared against live permissions for drift. Runs only when some entry in
 * the checked stacks declares policies, so stacks that do not use the feature
 * cost no extra request. Read-only. On a GitLab without the feature, or with
 * it switched off for a project, every live entry has the default permissions:
 * each such project gets one `policies_not_enforced` finding.
 */
export async function policyDrift(opts: PolicyDriftOptions): Promise<PolicyDrift> {
  const only = opts.projects;
  const sources = readDeclaredPolicySources(opts.synthDir, opts.stacks ?? [])
    .filter((s) => !only || s.project.path === undefined || only.has(s.project.path.toLowerCase()));
  if (!sources.some((s) => s.policies.length > 0)) return { findings: new Map(), notes: [] };
  const check = await checkPolicies(opts.http, sources, { lock: opts.lock, concurrency: opts.concurrency, knownPoliciesOnly: false });
  if (!check.plan) {
    // No feature on this GitLab: every entry has the default permissions. One finding per project, not one per entry.
    const findings = new Map<string, PolicyFinding[]>();
    for (const s of sources) {
      if (s.project.path === undefined || s.policies.length === 0) continue;
      const n = s.policies.length;
      findings.set(s.project.path.toLowerCase(), [{
        kind: 'policies_not_enforced',
        message: `${n} entr${n === 1 ? 'y declares' : 'ies declare'} fine-grained permissions, but ${instanceLabel(check.feature)} has none ` +
          `(GitLab ${POLICIES_MIN_VERSION} or later): every entry has the default permissions`,
      }]);
    }
    return { findings, notes: check.problems };
  }
  return { findings: mismatchesFrom(check.plan.changes, check.plan.flagOff), notes: [...check.problems, ...check.warnings] };
}
