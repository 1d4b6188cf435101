/**
 * A lock file names ids by path; GitLab is the authority on both. These are the
 * pure parts of checking one against the other: which lock entries GitLab
 * contradicts, and how to word it. The lookups themselves are in `lookup.ts`.
 */

/** A lock-file entry GitLab contradicts. JSON keys of the `lock_mismatch` finding. */
export interface LockMismatch {
  readonly kind: 'project' | 'group';
  /** The path the lock file gives `lockedId`. */
  readonly path: string;
  readonly lockedId: number;
  /** GitLab's id for `path`; null when GitLab does not know the path (or the token cannot see it). */
  readonly liveId: number | null;
  /** GitLab's path for `lockedId`; null when GitLab does not know the id. */
  readonly livePath: string | null;
}

/** A lock entry to look at again: GitLab names its id differently, or not at all. */
export interface LockSuspect {
  readonly kind: 'project' | 'group';
  readonly path: string;
  readonly lockedId: number;
  readonly livePath: string | null;
}

/**
 * Lock entries whose id GitLab names differently (or does not name) in an
 * id lookup that answered without errors. Paths compare case-insensitively.
 */
export function lockSuspects(
  kind: 'project' | 'group',
  ids: Iterable<number>,
  locked: ReadonlyMap<number, string>,
  live: ReadonlyMap<number, string>,
): LockSuspect[] {
  const out: LockSuspect[] = [];
  for (const id of new Set(ids)) {
    const path = locked.get(id);
    if (path === undefined) continue;
    const livePath = live.get(id);
    if (livePath !== undefined && livePath.toLowerCase() === path.toLowerCase()) continue;
    out.push({ kind, path, lockedId: id, livePath: livePath ?? null });
  }
  return out;
}

/**
 * Suspects made findings once GitLab's id for each path is known: an id GitLab
 * names otherwise is always a mismatch; an id GitLab does not show is one only
 * when the path turns out to have another id (a deleted or invisible project
 * cannot be checked, and keeps the lock's name).
 */
export function lockMismatches(suspects: readonly LockSuspect[], liveIdOf: (kind: 'project' | 'group', path: string) => number | undefined): LockMismatch[] {
  const out: LockMismatch[] = [];
  for (const s of suspects) {
    const liveId = liveIdOf(s.kind, s.path) ?? null;
    if (s.livePath === null && (liveId === null || liveId === s.lockedId)) continue;
    out.push({ kind: s.kind, path: s.path, lockedId: s.lockedId, liveId, livePath: s.livePath });
  }
  return out;
}

/** One sentence for a person: what the lock says, what GitLab says, the fix. */
export function describeLockMismatch(m: Pick<LockMismatch, 'kind' | 'path' | 'lockedId' | 'liveId' | 'livePath'>): string {
  const gitlabId = m.livePath === null ? `GitLab knows no ${m.kind} #${m.lockedId}` : `GitLab says #${m.lockedId} is ${m.livePath}`;
  const gitlabPath = m.liveId === null ? `knows no ${m.kind} ${m.path}` : `${m.path} is #${m.liveId}`;
  return `the lock file names ${m.kind} #${m.lockedId} ${m.path}, but ${gitlabId} and ${gitlabPath}: Terraform applies the ids, so ` +
    'the lock file is wrong (edited, or from another instance); resolve it again (`tokenscope resolve`) and review its diff';
}
