import type { LiveEntry, LiveResult, LiveScope } from '../live/types';
import { FINDING_KINDS, Finding, ProjectReport, Status } from './types';

/** A declared target after id -> path resolution; either part may be unknown. */
export interface TargetRef {
  readonly path?: string;
  readonly id?: number;
}

export interface ResolvedScope {
  readonly stack: string;
  /** Full path as declared (or as resolved from an id); `#<id>` when the id could not be resolved. */
  readonly project: string;
  readonly projectId?: number;
  readonly enabled: boolean;
  readonly projects: readonly TargetRef[];
  readonly groups: readonly TargetRef[];
}

export interface CompareOptions {
  /** Report auth-log origins used at or after this instant that the declaration does not allow. */
  readonly authLogSince?: Date;
}

/** How a target is shown when GitLab gave no path for it. */
export function showRef(ref: TargetRef): string {
  return ref.path ?? `#${ref.id}`;
}

/**
 * Compares one declared scope with what GitLab holds. Pure: no I/O. Paths
 * compare case-insensitively, ids match ids, and the project's own entry is
 * never a finding.
 */
export function compareScope(decl: ResolvedScope, live: LiveResult | undefined, opts: CompareOptions = {}): ProjectReport {
  const base = { project: decl.project, stack: decl.stack };
  if (!live) return { ...base, status: 'unreadable', findings: [], error: `${decl.project} was not read` };
  if ('error' in live) {
    if (live.error === 'not_found') return { ...base, status: 'unreadable', findings: [{ kind: 'project_not_found', message: live.message }] };
    if (live.error === 'permission_denied') return { ...base, status: 'unreadable', findings: [{ kind: 'permission_denied', message: live.message }] };
    return { ...base, status: 'unreadable', findings: [], error: live.message };
  }
  // Without the toggle the project was not fully read: never in_sync.
  if (live.inboundJobTokenScopeEnabled === null) {
    return { ...base, status: 'unreadable', findings: [], error: `GitLab did not return the allowlist toggle (ciCdSettings.inboundJobTokenScopeEnabled) of ${live.fullPath}` };
  }
  const findings: Finding[] = [
    ...toggleFindings(decl, live),
    ...entryFindings(decl.projects, live.projects, 'project', selfFilter(decl, live)),
    ...entryFindings(decl.groups, live.groups, 'group', () => true),
    ...(opts.authLogSince ? authLogFindings(decl, live, opts.authLogSince) : []),
  ];
  return { ...base, status: statusOf(findings), findings: sortFindings(findings) };
}

/** Drift unless every finding is accepted (baseline) or only informational. */
export function statusOf(findings: readonly Finding[]): Status {
  if (findings.some((f) => f.kind === 'project_not_found' || f.kind === 'permission_denied')) return 'unreadable';
  return findings.some(countsAsDrift) ? 'drifted' : 'in_sync';
}

/**
 * `enforced_by_instance` with the allowlist declared on is information only:
 * the project's own value is off but the instance keeps the allowlist on, so
 * what was declared is in force. Declared off, it is drift: it cannot take effect.
 */
export function countsAsDrift(f: Finding): boolean {
  if (f.accepted) return false;
  if (f.kind === 'enforced_by_instance') return f.declared === false;
  return true;
}

function toggleFindings(decl: ResolvedScope, live: LiveScope): Finding[] {
  const raw = live.inboundJobTokenScopeEnabled;
  if (raw === null) return []; // compareScope reports the project unreadable before this
  if (raw === false && live.effectiveInboundEnabled === true) {
    return [{ kind: 'enforced_by_instance', declared: decl.enabled, live: false, effective: true }];
  }
  if (raw !== decl.enabled) return [{ kind: 'limit_access_mismatch', declared: decl.enabled, live: raw }];
  return [];
}

function selfFilter(decl: ResolvedScope, live: LiveScope): (e: { path?: string; id?: number }) => boolean {
  const selfPaths = new Set([decl.project.toLowerCase(), live.fullPath.toLowerCase()]);
  const selfIds = new Set([decl.projectId, live.id].filter((x): x is number => x !== undefined));
  return (e) => !(e.path !== undefined && selfPaths.has(e.path.toLowerCase())) && !(e.id !== undefined && selfIds.has(e.id));
}

function entryFindings(
  declared: readonly TargetRef[],
  live: readonly LiveEntry[],
  what: 'project' | 'group',
  keep: (e: { path?: string; id?: number }) => boolean,
): Finding[] {
  const liveKept = live.filter((e) => keep({ path: e.fullPath, id: e.id }));
  const matched = new Set<LiveEntry>();
  const out: Finding[] = [];
  const seen = new Set<string>();
  for (const d of declared) {
    if (!keep(d)) continue;
    const key = d.path !== undefined ? `p:${d.path.toLowerCase()}` : `i:${d.id}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const hit = liveKept.find(
      (e) => (d.path !== undefined && e.fullPath.toLowerCase() === d.path.toLowerCase()) || (d.id !== undefined && e.id === d.id),
    );
    if (hit) matched.add(hit);
    else out.push({ kind: what === 'project' ? 'missing_project_entry' : 'missing_group_entry', target: showRef(d) });
  }
  for (const e of liveKept) {
    if (matched.has(e)) continue;
    out.push({
      kind: what === 'project' ? 'unexpected_project_entry' : 'unexpected_group_entry',
      target: e.fullPath,
      ...(e.autopopulated ? { autopopulated: true as const } : {}),
    });
  }
  return out;
}

function authLogFindings(decl: ResolvedScope, live: LiveScope, since: Date): Finding[] {
  // With the allowlist declared off, every project may reach this one.
  if (!decl.enabled || !live.authLog) return [];
  const allowedProjects = new Set(decl.projects.filter((p) => p.path).map((p) => (p.path as string).toLowerCase()));
  const allowedIds = new Set(decl.projects.map((p) => p.id).filter((x): x is number => x !== undefined));
  const groupPrefixes = decl.groups.filter((g) => g.path).map((g) => `${(g.path as string).toLowerCase()}/`);
  // An id-only declared entry that the live allowlist matches by id tells us its path.
  for (const e of live.projects) if (e.id !== undefined && allowedIds.has(e.id)) allowedProjects.add(e.fullPath.toLowerCase());
  for (const e of live.groups) {
    if (e.id !== undefined && decl.groups.some((g) => g.id === e.id)) groupPrefixes.push(`${e.fullPath.toLowerCase()}/`);
  }
  const self = new Set([decl.project.toLowerCase(), live.fullPath.toLowerCase()]);
  const latest = new Map<string, { fullPath: string; at: string }>();
  for (const entry of live.authLog) {
    const t = Date.parse(entry.lastAuthorizedAt);
    if (Number.isNaN(t) || t < since.getTime()) continue;
    const key = entry.fullPath.toLowerCase();
    if (self.has(key) || allowedProjects.has(key) || groupPrefixes.some((g) => key.startsWith(g))) continue;
    const prev = latest.get(key);
    if (!prev || Date.parse(prev.at) < t) latest.set(key, { fullPath: entry.fullPath, at: entry.lastAuthorizedAt });
  }
  return [...latest.values()].map((v) => ({ kind: 'recently_used_but_not_allowed' as const, target: v.fullPath, lastAuthorizedAt: v.at }));
}

export function sortFindings(list: readonly Finding[]): Finding[] {
  const order = (k: string) => FINDING_KINDS.indexOf(k as (typeof FINDING_KINDS)[number]);
  return [...list].sort((a, b) => order(a.kind) - order(b.kind) || (a.target ?? '').toLowerCase().localeCompare((b.target ?? '').toLowerCase()));
}
