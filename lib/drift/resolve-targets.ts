import type { GitLabHttp } from '../gitlab/http';
import { nameIds } from '../live/lookup';
import type { LockMismatch } from '../live/lock-check';
import type { LockFile } from '../lockfile';
import type { ResolvedScope, TargetRef } from './compare';
import { DeclaredReadError, declaredTwice, type DeclaredRef, type DeclaredScope } from './declared';

export interface IdResolution {
  readonly scopes: ResolvedScope[];
  /** Ids neither the lock file nor GitLab turned into paths (they still match live entries by id). */
  readonly unresolved: { projects: number[]; groups: number[] };
  /** Lock-file entries GitLab contradicts (checked only when `http` is given); GitLab's names are used. */
  readonly lockMismatches: readonly LockMismatch[];
}

/**
 * Turns literal ids in the declaration into paths: with `http`, GitLab names
 * every id in one batched lookup and the lock file is checked against it (and
 * names only what GitLab does not show); without, the lock file names them.
 */
export async function resolveDeclaredIds(
  declared: readonly DeclaredScope[],
  lock: LockFile | undefined,
  http: GitLabHttp | undefined,
  opts: { concurrency?: number } = {},
): Promise<IdResolution> {
  const wantProjects = new Set<number>();
  const wantGroups = new Set<number>();
  for (const d of declared) {
    for (const r of [d.project, ...d.projects]) if (r.path === undefined) wantProjects.add(r.id);
    for (const r of d.groups) if (r.path === undefined) wantGroups.add(r.id);
  }
  const rev = await nameIds(http, lock, wantProjects, wantGroups, opts);
  const resolve = (r: DeclaredRef, map: Map<number, string>): TargetRef =>
    r.path !== undefined ? { path: r.path, ...(r.id !== undefined ? { id: r.id } : {}) } : { id: r.id, ...(map.has(r.id) ? { path: map.get(r.id) } : {}) };
  const scopes = declared.map((d): ResolvedScope => {
    const project = resolve(d.project, rev.projects);
    return {
      stack: d.stack,
      project: project.path ?? `#${project.id}`,
      ...(project.id !== undefined ? { projectId: project.id } : {}),
      enabled: d.enabled,
      projects: d.projects.map((r) => resolve(r, rev.projects)),
      groups: d.groups.map((r) => resolve(r, rev.groups)),
    };
  });
  assertNamedOnce(declared, scopes);
  return {
    scopes,
    unresolved: {
      projects: [...wantProjects].filter((id) => !rev.projects.has(id)),
      groups: [...wantGroups].filter((id) => !rev.groups.has(id)),
    },
    lockMismatches: rev.lockMismatches,
  };
}

/** A project declared by path in one stack and by id in another is only seen twice once the id is named. */
function assertNamedOnce(declared: readonly DeclaredScope[], scopes: readonly ResolvedScope[]): void {
  const first = new Map<string, number>();
  scopes.forEach((s, i) => {
    const key = s.project.toLowerCase();
    const prev = first.get(key);
    if (prev === undefined) {
      first.set(key, i);
      return;
    }
    const at = (d: DeclaredScope) => ({ scope: d, file: d.file ?? d.stack });
    throw new DeclaredReadError(declaredTwice(s.project, at(declared[prev]), at(declared[i])));
  });
}
