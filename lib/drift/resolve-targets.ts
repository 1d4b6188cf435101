import type { GitLabHttp } from '../gitlab/http';
import { nameIds } from '../live/lookup';
import type { LockMismatch } from '../live/lock-check';
import { lockKey, type LockFile } from '../lockfile';
import type { ResolvedScope, TargetRef } from './compare';
import { DeclaredReadError, declaredTwice, type DeclaredRef, type DeclaredScope } from './declared';

export interface IdResolution {
  readonly scopes: ResolvedScope[];
  /** Ids neither the lock file nor GitLab turned into paths (they still match live entries by id). */
  readonly unresolved: { projects: number[]; groups: number[] };
  /** Lock-file entries GitLab contradicts (checked only when `http` is given); GitLab's names are used. */
  readonly lockMismatches: readonly LockMismatch[];
  /** Lock-named ids GitLab could not be asked about, and why: what drift would compare is unchecked. */
  readonly unchecked: { readonly projects: readonly number[]; readonly groups: readonly number[]; readonly error?: string };
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
    for (const r of [d.project, ...d.projects]) if (r.id !== undefined) wantProjects.add(r.id);
    for (const r of d.groups) if (r.id !== undefined) wantGroups.add(r.id);
  }
  const rev = await nameIds(http, withDeclaredPairs(lock, declared), wantProjects, wantGroups, opts);
  // An id is what Terraform applies: GitLab's name for it wins over the path written next to it.
  const resolve = (r: DeclaredRef, map: Map<number, string>): TargetRef => {
    if (r.id === undefined) return { path: r.path };
    const p = map.get(r.id) ?? r.path;
    return { id: r.id, ...(p !== undefined ? { path: p } : {}) };
  };
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
  // Two scopes GitLab names alike because a misnamed id made them one project are the lock's fault: lock_mismatch says so.
  const misnamed = new Set(rev.lockMismatches.filter((m) => m.kind === 'project').map((m) => m.lockedId));
  assertNamedOnce(declared, scopes, misnamed);
  return {
    scopes,
    unresolved: {
      projects: [...wantProjects].filter((id) => !rev.projects.has(id)),
      groups: [...wantGroups].filter((id) => !rev.groups.has(id)),
    },
    lockMismatches: rev.lockMismatches,
    unchecked: { ...rev.unchecked, ...(rev.errors.length > 0 ? { error: rev.errors[0] } : {}) },
  };
}

/**
 * The lock file plus the id-path pairs the synthesized stacks carry (a numeric
 * project with its path in the `//` metadata, written from the lock at synth):
 * every pair is a claim GitLab checks, the stacks' own winning over the file.
 */
function withDeclaredPairs(lock: LockFile | undefined, declared: readonly DeclaredScope[]): LockFile | undefined {
  const projects: Record<string, number> = { ...(lock?.projects ?? {}) };
  let added = false;
  for (const d of declared) {
    for (const r of [d.project, ...d.projects]) {
      if (r.id !== undefined && r.path !== undefined) {
        projects[lockKey(r.path)] = r.id;
        added = true;
      }
    }
  }
  if (!added) return lock;
  return { version: 1, ...(lock?.gitlabUrl ? { gitlabUrl: lock.gitlabUrl } : {}), projects, groups: lock?.groups ?? {} };
}

/** A project declared by path in one stack and by id in another is only seen twice once the id is named. */
function assertNamedOnce(declared: readonly DeclaredScope[], scopes: readonly ResolvedScope[], misnamed: ReadonlySet<number>): void {
  const first = new Map<string, number>();
  scopes.forEach((s, i) => {
    if (s.projectId !== undefined && misnamed.has(s.projectId)) return;
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
