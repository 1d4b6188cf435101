import { lockInstanceProblem } from '../constructs/lock-instance';
import type { LockFile } from '../lockfile';
import type { ResolveResult } from './resolve';

/** One way a lock file and GitLab disagree. */
export type LockDifference =
  | { readonly what: 'id_changed'; readonly kind: 'project' | 'group'; readonly path: string; readonly locked: number; readonly live: number }
  | { readonly what: 'not_in_lock'; readonly kind: 'project' | 'group'; readonly path: string; readonly live: number }
  | { readonly what: 'unknown_to_gitlab'; readonly kind: 'project' | 'group'; readonly path: string; readonly locked?: number }
  | { readonly what: 'other_instance'; readonly locked: string; readonly live: string };

/**
 * Compares a lock file with what `resolveLock` found in GitLab: the lock is
 * right when resolving now would write the same ids for the same paths, for the
 * same instance. Pure. Paths are the lock's lower-cased keys.
 */
export function lockDifferences(current: LockFile, resolved: ResolveResult, baseUrl: string): LockDifference[] {
  const out: LockDifference[] = [];
  if (current.gitlabUrl && lockInstanceProblem(current, baseUrl) !== undefined) {
    out.push({ what: 'other_instance', locked: current.gitlabUrl, live: baseUrl });
  }
  for (const kind of ['projects', 'groups'] as const) {
    const k = kind === 'projects' ? 'project' : 'group';
    const live = resolved.lock[kind];
    const locked = current[kind];
    for (const [path, id] of Object.entries(live).sort(([a], [b]) => a.localeCompare(b))) {
      if (locked[path] === undefined) out.push({ what: 'not_in_lock', kind: k, path, live: id });
      else if (locked[path] !== id) out.push({ what: 'id_changed', kind: k, path, locked: locked[path], live: id });
    }
    const unknown = new Set([...resolved.missing[kind], ...resolved.dropped[kind]].map((p) => p.toLowerCase()));
    for (const path of [...unknown].sort()) {
      out.push({ what: 'unknown_to_gitlab', kind: k, path, ...(locked[path] !== undefined ? { locked: locked[path] } : {}) });
    }
  }
  return out;
}

export function describeDifference(d: LockDifference): string {
  switch (d.what) {
    case 'other_instance': return `gitlabUrl: the lock file is for ${d.locked}, checked against ${d.live}`;
    case 'id_changed': return `${d.kind.padEnd(7)} ${d.path}: lock file ${d.locked}, GitLab ${d.live}`;
    case 'not_in_lock': return `${d.kind.padEnd(7)} ${d.path}: not in the lock file (GitLab: ${d.live})`;
    case 'unknown_to_gitlab':
      return `${d.kind.padEnd(7)} ${d.path}: ${d.locked !== undefined ? `in the lock file (${d.locked}), ` : 'named by the app, '}unknown to GitLab (or not visible to the token)`;
  }
}
