/**
 * The vocabulary of `tokenscope policies`: the permissions of one allowlist
 * entry, declared and live. JSON keys here are part of the `--format json`
 * contract.
 */
import { isLiveError, type LiveError, type LiveErrorKind } from '../live/types';

export type EntryKind = 'project' | 'group';

/** What a job token from the target may do in the project: GitLab's default permissions, or exactly `policies`. */
export interface Permissions {
  readonly defaultPermissions: boolean;
  /** Sorted, without duplicates. */
  readonly policies: readonly string[];
}

/** The default permissions: what an entry declared without `policies` means. */
export const DEFAULT_PERMISSIONS: Permissions = Object.freeze({ defaultPermissions: true, policies: Object.freeze([]) as readonly string[] });

export function permissionsOf(defaultPermissions: boolean, policies: readonly string[]): Permissions {
  return { defaultPermissions, policies: [...new Set(policies)].sort() };
}

export function samePermissions(a: Permissions, b: Permissions): boolean {
  return a.defaultPermissions === b.defaultPermissions
    && a.policies.length === b.policies.length
    && a.policies.every((p, i) => p === b.policies[i]);
}

/** `default permissions` or `READ_JOBS, READ_PACKAGES` (or both, when GitLab keeps policies next to the default). */
export function describePermissions(p: Permissions): string {
  if (p.defaultPermissions && p.policies.length === 0) return 'default permissions';
  if (p.defaultPermissions) return `default permissions + ${p.policies.join(', ')}`;
  if (p.policies.length === 0) return 'no permissions';
  return p.policies.join(', ');
}

/** One allowlist entry as the stack declares it, its target resolved to a full path. */
export interface DeclaredPolicyEntry {
  readonly kind: EntryKind;
  /** Full path (GitLab's spelling when it was looked up, else as written). */
  readonly target: string;
  /** As the construct was given it (path or numeric id), for messages and construct hints. */
  readonly written: string;
  readonly permissions: Permissions;
}

/** The entries of one declared scope. */
export interface DeclaredPolicyScope {
  readonly stack: string;
  readonly resource: string;
  /** Full path of the project whose allowlist this is. */
  readonly project: string;
  readonly entries: readonly DeclaredPolicyEntry[];
}

/** One live allowlist entry with its permissions. */
export interface LivePolicyEntry {
  readonly kind: EntryKind;
  readonly target: string;
  readonly permissions: Permissions;
  readonly autopopulated: boolean;
}

export interface LivePolicyScope {
  readonly project: string;
  readonly entries: readonly LivePolicyEntry[];
  /**
   * False when GitLab's answers show fine-grained permissions switched off for
   * the project (feature flag `add_policies_to_ci_job_token`): every entry
   * reads `defaultPermissions: true` with `jobTokenPolicies: null`. Undefined
   * when the project has no entries to tell by.
   */
  readonly policiesEnabled?: boolean;
}

/** Why a project's permissions could not be read: the live reader's error, same kinds and words. */
export type LivePolicyErrorKind = LiveErrorKind;
export type LivePolicyError = LiveError;

export type LivePolicyResult = LivePolicyScope | LivePolicyError;

export function isLivePolicyError(r: LivePolicyResult | undefined): r is LivePolicyError {
  return isLiveError(r);
}
