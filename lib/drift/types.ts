/** The drift report's vocabulary. Statuses, finding kinds and JSON keys are a public contract (issue 4). */

export const STATUSES = ['in_sync', 'drifted', 'unreadable'] as const;
export type Status = (typeof STATUSES)[number];

export const FINDING_KINDS = [
  'limit_access_mismatch',
  'missing_project_entry',
  'unexpected_project_entry',
  'missing_group_entry',
  'unexpected_group_entry',
  'project_not_found',
  'permission_denied',
  'enforced_by_instance',
  'recently_used_but_not_allowed',
  'policy_mismatch',
  'policies_not_enforced',
  'lock_mismatch',
] as const;
export type FindingKind = (typeof FINDING_KINDS)[number];

/** An allowlist entry's job-token permissions (issue 8): the defaults, or exactly `policies`. */
export interface EntryPermissions {
  readonly defaultPermissions: boolean;
  readonly policies: readonly string[];
}

export interface Finding {
  readonly kind: FindingKind;
  /** The other project or group, for entry and auth-log findings. */
  readonly target?: string;
  readonly autopopulated?: true;
  /**
   * limit_access_mismatch / enforced_by_instance: the declared toggle and the project's own (raw) value.
   * policy_mismatch: the entry's declared and live fine-grained permissions.
   */
  readonly declared?: boolean | EntryPermissions;
  readonly live?: boolean | EntryPermissions;
  /** policy_mismatch: which allowlist the entry is on; lock_mismatch: whether the lock entry is a project or a group. */
  readonly entry?: 'project' | 'group';
  /** enforced_by_instance: the value in force (REST `inbound_enabled`). */
  readonly effective?: boolean;
  /** recently_used_but_not_allowed */
  readonly lastAuthorizedAt?: string;
  /** project_not_found / permission_denied: what GitLab said, in words; policies_not_enforced: why. */
  readonly message?: string;
  /** lock_mismatch: the lock file's id for `target` (the path it gives that id). */
  readonly lockedId?: number;
  /** lock_mismatch: GitLab's id for `target`; null when GitLab does not know the path. */
  readonly liveId?: number | null;
  /** lock_mismatch: GitLab's path for `lockedId`; null when GitLab does not know the id. */
  readonly livePath?: string | null;
  /** Listed in the baseline file: known, so it does not fail the run. */
  readonly accepted?: true;
}

export interface ProjectReport {
  readonly project: string;
  readonly stack: string;
  readonly status: Status;
  readonly findings: readonly Finding[];
  /** A read error that is neither "not found" nor "permission denied" (network, refused query). */
  readonly error?: string;
}

export interface DriftSummary {
  readonly projects: number;
  readonly inSync: number;
  readonly drifted: number;
  readonly unreadable: number;
  /** HTTP requests made to GitLab, retries included. */
  readonly requests: number;
}

export interface DriftReport {
  readonly summary: DriftSummary;
  readonly projects: readonly ProjectReport[];
}

/** Exit codes: 0 all read and in sync, 2 drift, 1 anything unreadable or any error (errors win). */
export const EXIT_IN_SYNC = 0;
export const EXIT_ERROR = 1;
export const EXIT_DRIFT = 2;

export function exitCodeFor(report: DriftReport): number {
  if (report.summary.unreadable > 0) return EXIT_ERROR;
  if (report.summary.drifted > 0) return EXIT_DRIFT;
  return EXIT_IN_SYNC;
}
