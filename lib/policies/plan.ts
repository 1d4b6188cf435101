import {
  DeclaredPolicyScope,
  EntryKind,
  LivePolicyResult,
  Permissions,
  isLivePolicyError,
  samePermissions,
} from './types';

/** One entry whose live permissions differ from the declared ones. */
export interface PolicyChange {
  readonly stack: string;
  readonly project: string;
  readonly kind: EntryKind;
  readonly target: string;
  readonly from: Permissions;
  readonly to: Permissions;
}

/**
 * Why a declared entry is not planned. `not_on_allowlist` is a warning (the
 * membership is Terraform's job); the others are errors.
 */
export type SkipReason = 'not_on_allowlist' | 'unknown_policy' | 'project_not_found' | 'permission_denied' | 'unreadable';

export interface PolicySkip {
  readonly stack: string;
  readonly project: string;
  readonly kind?: EntryKind;
  readonly target?: string;
  readonly reason: SkipReason;
  readonly message: string;
}

export interface PolicyPlan {
  readonly changes: readonly PolicyChange[];
  readonly skipped: readonly PolicySkip[];
  /** Declared entries whose live permissions already match. */
  readonly unchanged: number;
  /**
   * Declared projects with entries declaring policies where GitLab has
   * fine-grained permissions switched off (feature flag
   * `add_policies_to_ci_job_token`): nothing is planned for them, and they are
   * reported once, not entry by entry.
   */
  readonly flagOff: readonly FlagOffProject[];
}

export interface FlagOffProject {
  readonly stack: string;
  readonly project: string;
  /** Declared entries with policies, which GitLab does not apply. */
  readonly entries: number;
}

export interface PlanOptions {
  /** The instance's `CiJobTokenScopePolicies` values; declared policies outside it are not planned. */
  readonly knownPolicies?: ReadonlySet<string>;
  /** How to name the instance in messages, e.g. `this GitLab (version 18.2.1-ee)`. */
  readonly instance?: string;
}

export function isWarning(s: PolicySkip): boolean {
  return s.reason === 'not_on_allowlist';
}

/**
 * Declared against live permissions. The declaration is authoritative for the
 * entries it lists, and only for those: an entry declared without policies is
 * set back to the default permissions even when someone granted policies in
 * the UI; entries the stacks do not declare (hand-added, autopopulated) are
 * left alone, as is every project no stack declares. Pure.
 *
 * `live` is keyed by the lower-cased project path.
 */
export function planPolicies(
  declared: readonly DeclaredPolicyScope[],
  live: ReadonlyMap<string, LivePolicyResult>,
  opts: PlanOptions = {},
): PolicyPlan {
  const changes: PolicyChange[] = [];
  const skipped: PolicySkip[] = [];
  const flagOff: FlagOffProject[] = [];
  let unchanged = 0;
  const instance = opts.instance ?? 'this GitLab';
  for (const scope of declared) {
    if (scope.entries.length === 0) continue;
    const result = live.get(scope.project.toLowerCase());
    if (result === undefined || isLivePolicyError(result)) {
      const reason: SkipReason = result === undefined ? 'unreadable'
        : result.error === 'not_found' ? 'project_not_found'
        : result.error === 'permission_denied' ? 'permission_denied' : 'unreadable';
      skipped.push({ stack: scope.stack, project: scope.project, reason, message: result?.message ?? `${scope.project} was not read` });
      continue;
    }
    if (result.policiesEnabled === false) {
      const restricted = scope.entries.filter((e) => !e.permissions.defaultPermissions || e.permissions.policies.length > 0).length;
      // Entries declared with the default permissions are what GitLab applies anyway.
      unchanged += scope.entries.length - restricted;
      if (restricted > 0) flagOff.push({ stack: scope.stack, project: scope.project, entries: restricted });
      continue;
    }
    const byKey = new Map(result.entries.map((e) => [entryKey(e.kind, e.target), e]));
    for (const entry of scope.entries) {
      const base = { stack: scope.stack, project: scope.project, kind: entry.kind, target: entry.target };
      const unknown = opts.knownPolicies ? entry.permissions.policies.filter((p) => !opts.knownPolicies?.has(p)) : [];
      if (unknown.length > 0) {
        skipped.push({
          ...base,
          reason: 'unknown_policy',
          message: `${scope.project} <- ${entry.kind} ${entry.target}: ${instance} does not know the ` +
            `polic${unknown.length === 1 ? 'y' : 'ies'} ${unknown.join(', ')} (not in its CiJobTokenScopePolicies); ` +
            `remove ${unknown.length === 1 ? 'it' : 'them'} or upgrade GitLab`,
        });
        continue;
      }
      const current = byKey.get(entryKey(entry.kind, entry.target));
      if (!current) {
        skipped.push({
          ...base,
          reason: 'not_on_allowlist',
          message: `${scope.project} <- ${entry.kind} ${entry.target}: not on the allowlist yet: run cdktf deploy first`,
        });
        continue;
      }
      if (samePermissions(current.permissions, entry.permissions)) unchanged++;
      else changes.push({ ...base, target: current.target, from: current.permissions, to: entry.permissions });
    }
  }
  return { changes, skipped, unchanged, flagOff };
}

function entryKey(kind: EntryKind, target: string): string {
  return `${kind}:${target.toLowerCase()}`;
}
