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

/** The declared scopes that survive a shard filter, in the same order as the resolved ones. */
export function declaredFor(declared: readonly DeclaredScope[], scopes: readonly ResolvedScope[], mine: readonly ResolvedScope[]): DeclaredScope[] {
  const keep = new Set(mine);
  return declared.filter((_, i) => keep.has(scopes[i]));
}
