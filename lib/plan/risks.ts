import type { AccessState, ScopeAnalysis, TargetRef } from './analysis';
import { targetLabel } from './analysis';
import { relativeTime } from './relative-time';

/** One row of a project's job-token authentication log (`Project.ciJobTokenAuthLogs`). */
export interface AuthLogEntry {
  readonly origin: string;
  readonly lastAuthorizedAt: string;
}

/** Auth logs by lower-cased project path. */
export type AuthLogs = ReadonlyMap<string, readonly AuthLogEntry[]>;

export type RiskKind = 'allowlist_disabled' | 'blocks_recent_origin' | 'blocks_all_origins';
export type RiskReason =
  | 'allowlist_turned_off' | 'scope_created_off' | 'scope_destroyed'
  | 'entry_removed' | 'allowlist_turned_on' | 'scope_created' | 'scope_replaced';

export interface Risk {
  readonly kind: RiskKind;
  readonly reason: RiskReason;
  readonly stack: string;
  readonly project: string;
  readonly address: string;
  /** blocks_recent_origin: the origin project seen in the auth log. */
  readonly origin?: string;
  readonly lastAuthorizedAt?: string;
  /** `will`: certain from the plan; `may`: depends on what the plan cannot know (ids known after apply, unresolved ids, instance enforcement). */
  readonly certainty?: 'will' | 'may';
  readonly message: string;
}

const OPEN_TAIL = 'job tokens of any project can reach it (GitLab.com and instances that enforce the allowlist keep it on)';

/** Plans that turn an allowlist off or create one off. Needs no GitLab access. */
export function allowlistDisabledRisks(scopes: readonly ScopeAnalysis[]): Risk[] {
  const risks: Risk[] = [];
  for (const s of scopes) {
    const base = { kind: 'allowlist_disabled' as const, stack: s.stack, project: s.project.label, address: s.address };
    if (s.kind === 'destroy') continue;
    if (s.toggle === 'off' && s.kind === 'create') {
      risks.push({ ...base, reason: 'scope_created_off', message: `${s.project.label}: scope created with the allowlist off: ${OPEN_TAIL}` });
    } else if (s.toggle === 'off') {
      risks.push({ ...base, reason: 'allowlist_turned_off', message: `${s.project.label}: turns the allowlist off: ${OPEN_TAIL}` });
    }
  }
  return risks;
}

const SHUT_TAIL = 'so every other project\'s job token is blocked; only the project itself can reach it';

/**
 * Plans after which, or during which, a project's allowlist is on and empty:
 * the provider's Delete empties both lists and turns the allowlist on. A
 * destroyed scope, a scope that moves to another project (its old project), and
 * a replace of the same project (between its delete and its create, or after
 * both when the create runs first). Needs no GitLab access.
 */
export function allOriginsBlockedRisks(scopes: readonly ScopeAnalysis[]): Risk[] {
  const risks: Risk[] = [];
  for (const s of scopes) {
    const base = { kind: 'blocks_all_origins' as const, stack: s.stack, project: s.project.label, address: s.address, certainty: 'will' as const };
    if (s.kind === 'destroy') {
      risks.push({ ...base, reason: 'scope_destroyed', message: `${s.project.label}: scope destroyed: every entry is removed and the allowlist stays on, ${SHUT_TAIL}` });
    }
    if (s.kind !== 'replace') continue;
    if (s.previousProject) {
      const label = s.previousProject.label;
      risks.push({ ...base, project: label, reason: 'scope_destroyed', message: `${label}: scope destroyed (it moves to ${s.project.label}): every entry is removed and the allowlist stays on, ${SHUT_TAIL}` });
    } else if (s.actions[0] === 'delete') {
      risks.push({ ...base, reason: 'scope_replaced', message: `${s.project.label}: scope replaced (destroyed, then created): between the two steps the allowlist is on and empty, ${SHUT_TAIL}` });
    } else {
      risks.push({ ...base, reason: 'scope_replaced', message: `${s.project.label}: scope replaced (created, then the old one destroyed): the destroy empties what the create wrote; after apply the allowlist is on and empty, ${SHUT_TAIL}` });
    }
  }
  return risks;
}

/** Scopes whose change can block someone, i.e. those worth reading the auth log for. */
export function needsAuthLog(s: ScopeAnalysis): boolean {
  if (!s.project.path) return false;
  return s.kind === 'create' || s.kind === 'destroy' || s.kind === 'replace' || s.toggle === 'on' || s.toggle === 'unknown'
    || s.projects.removed.length > 0 || s.groups.removed.length > 0 || s.after.listsKnownAfterApply;
}

/**
 * Origin projects seen in a target's auth log that the plan stops allowing:
 * allowed (or maybe allowed) before, not (or maybe not) allowed after.
 */
export function blockingRisks(scopes: readonly ScopeAnalysis[], logs: AuthLogs, now: Date): Risk[] {
  const risks: Risk[] = [];
  for (const s of scopes) {
    if (!s.project.path || s.kind === 'forget') continue;
    const entries = logs.get(s.project.path.toLowerCase()) ?? [];
    for (const e of entries) {
      if (e.origin.toLowerCase() === s.project.path.toLowerCase()) continue;
      const beforeOk = allowed(e.origin, s.before);
      // A destroyed scope's allowlist is on and empty afterwards (the provider's Delete).
      const afterOk = allowed(e.origin, s.after);
      if (afterOk === true || beforeOk === false) continue;
      if (afterOk === 'unknown' && beforeOk === 'unknown') continue;
      const certainty = afterOk === false ? 'will' : 'may';
      const { reason, why } = blockReason(s, e.origin);
      const age = relativeTime(e.lastAuthorizedAt, now);
      risks.push({
        kind: 'blocks_recent_origin', reason, stack: s.stack, project: s.project.label, address: s.address,
        origin: e.origin, lastAuthorizedAt: e.lastAuthorizedAt, certainty,
        message: `${s.project.label}: ${certainty} block ${e.origin}, last used ${age} (${why})`,
      });
    }
  }
  return risks;
}

function blockReason(s: ScopeAnalysis, origin: string): { reason: RiskReason; why: string } {
  if (s.kind === 'destroy') return { reason: 'scope_destroyed', why: 'scope destroyed' };
  if (s.kind === 'create' || s.previousProject) return { reason: 'scope_created', why: 'scope created without it' };
  if (s.toggle === 'on') return { reason: 'allowlist_turned_on', why: 'allowlist turned on' };
  const removed = [...s.projects.removed, ...s.groups.removed].find((t) => covers(t, origin));
  const why = removed ? `${removed.kind} entry ${targetLabel(removed)} removed` : 'entry removed';
  return { reason: 'entry_removed', why };
}

function covers(t: TargetRef, origin: string): boolean {
  if (!t.path) return false;
  const o = origin.toLowerCase();
  const p = t.path.toLowerCase();
  return t.kind === 'project' ? o === p : o.startsWith(p + '/');
}

/** Whether `origin` may use a job token against the project in this state; 'unknown' where the plan cannot tell. */
export function allowed(origin: string, state: AccessState): boolean | 'unknown' {
  if (state.enabled === false) return true;
  if (state.enabled === null) return 'unknown';
  if ([...state.projects, ...state.groups].some((t) => covers(t, origin))) return true;
  const blind = state.enabled === 'unknown' || state.listsKnownAfterApply
    || [...state.projects, ...state.groups].some((t) => t.path === null);
  return blind ? 'unknown' : false;
}
