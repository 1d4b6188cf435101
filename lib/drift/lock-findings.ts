import { describeLockMismatch, type LockMismatch } from '../live/lock-check';
import { sortFindings, statusOf, type ResolvedScope } from './compare';
import type { DeclaredScope } from './declared';
import type { Finding, ProjectReport } from './types';

/**
 * Adds a `lock_mismatch` finding to the report of every scope whose
 * declaration uses an id the lock file names wrongly (as its project or as an
 * entry). Pure. `declared[i]`, `scopes[i]` and `projects[i]` are one scope.
 * An unreadable project stays unreadable; any other becomes drifted.
 */
export function withLockFindings(
  projects: readonly ProjectReport[],
  declared: readonly DeclaredScope[],
  mismatches: readonly LockMismatch[],
): ProjectReport[] {
  if (mismatches.length === 0) return [...projects];
  const byId = new Map(mismatches.map((m) => [`${m.kind}:${m.lockedId}`, m]));
  return projects.map((p, i) => {
    const d = declared[i];
    const ids = [
      ...[d.project, ...d.projects].filter((r) => r.id !== undefined).map((r) => `project:${r.id}`),
      ...d.groups.filter((r) => r.id !== undefined).map((r) => `group:${r.id}`),
    ];
    const found = [...new Set(ids)].map((k) => byId.get(k)).filter((m): m is LockMismatch => m !== undefined);
    if (found.length === 0) return p;
    const extra: Finding[] = found.map((m) => ({
      kind: 'lock_mismatch', entry: m.kind, target: m.path, lockedId: m.lockedId, liveId: m.liveId, livePath: m.livePath,
      message: describeLockMismatch(m),
    }));
    const findings = sortFindings([...p.findings, ...extra]);
    return { ...p, findings, status: p.status === 'unreadable' ? 'unreadable' : statusOf(findings) };
  });
}

/**
 * Makes unreadable every scope whose declaration uses an id the lock file (or
 * the stack's `//` path) names but GitLab could not be asked about: its name
 * was not checked, so no comparison through it may say "in sync". Pure.
 */
export function withUncheckedIds(
  projects: readonly ProjectReport[],
  declared: readonly DeclaredScope[],
  unchecked: { readonly projects: readonly number[]; readonly groups: readonly number[]; readonly error?: string },
): ProjectReport[] {
  if (unchecked.projects.length + unchecked.groups.length === 0) return [...projects];
  const ids = new Set([...unchecked.projects.map((id) => `project:${id}`), ...unchecked.groups.map((id) => `group:${id}`)]);
  return projects.map((p, i) => {
    const d = declared[i];
    const used = [
      ...[d.project, ...d.projects].filter((r) => r.id !== undefined).map((r) => ({ key: `project:${r.id}`, r })),
      ...d.groups.filter((r) => r.id !== undefined).map((r) => ({ key: `group:${r.id}`, r })),
    ].filter((u) => ids.has(u.key)).map((u) => `#${u.r.id}${u.r.path ? ` (${u.r.path})` : ''}`);
    if (used.length === 0) return p;
    const error = `the lock file's ${[...new Set(used)].join(', ')} could not be checked against GitLab` +
      `${unchecked.error ? ` (${unchecked.error})` : ''}; drift compares no id it could not check`;
    return { ...p, status: 'unreadable', error: p.error ? `${p.error}; ${error}` : error };
  });
}

/** The declared scopes that survive a shard filter, in the same order as the resolved ones. */
export function declaredFor(declared: readonly DeclaredScope[], scopes: readonly ResolvedScope[], mine: readonly ResolvedScope[]): DeclaredScope[] {
  const keep = new Set(mine);
  return declared.filter((_, i) => keep.has(scopes[i]));
}
