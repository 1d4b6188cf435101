import type { GitLabHttp } from '../gitlab/http';
import { lookupIds } from '../live/lookup';
import { LockFile, lockKey } from '../lockfile';
import type { DeclaredScope } from '../drift/declared';

/** Every project and group path an app names: scope projects, project targets, group targets. */
export interface AppPaths {
  readonly projects: string[];
  readonly groups: string[];
}

export function collectPaths(declared: readonly DeclaredScope[]): AppPaths {
  const projects = new Map<string, string>();
  const groups = new Map<string, string>();
  for (const d of declared) {
    for (const r of [d.project, ...d.projects]) if (r.path !== undefined && !projects.has(lockKey(r.path))) projects.set(lockKey(r.path), r.path);
    for (const r of d.groups) if (r.path !== undefined && !groups.has(lockKey(r.path))) groups.set(lockKey(r.path), r.path);
  }
  return { projects: [...projects.values()], groups: [...groups.values()] };
}

export interface ResolveResult {
  /** Written only when `missing` is empty. */
  readonly lock: LockFile;
  /** Paths the app names that GitLab does not know (or the token cannot see). */
  readonly missing: AppPaths;
  /** Paths only the previous lock file had, dropped because GitLab no longer knows them. */
  readonly dropped: AppPaths;
  /** Lookups that failed for another reason (network, refused query). */
  readonly errors: string[];
}

/**
 * Resolves the app's paths (plus those of the previous lock file, so that a
 * synth made with the lock, which has no paths left for targets, keeps them)
 * to ids in batched GraphQL lookups.
 */
export async function resolveLock(
  http: GitLabHttp,
  app: AppPaths,
  previous: LockFile | undefined,
  opts: { concurrency?: number; gitlabUrl?: string; now?: Date } = {},
): Promise<ResolveResult> {
  const appProjects = new Set(app.projects.map(lockKey));
  const appGroups = new Set(app.groups.map(lockKey));
  const oldProjects = Object.keys(previous?.projects ?? {}).filter((p) => !appProjects.has(p));
  const oldGroups = Object.keys(previous?.groups ?? {}).filter((g) => !appGroups.has(g));
  const found = await lookupIds(http, [...app.projects, ...oldProjects], [...app.groups, ...oldGroups], { concurrency: opts.concurrency });
  const projects: Record<string, number> = {};
  const groups: Record<string, number> = {};
  for (const [k, v] of found.projects) projects[k] = v.id;
  for (const [k, v] of found.groups) groups[k] = v.id;
  const lock: LockFile = {
    version: 1,
    ...(opts.gitlabUrl ? { gitlabUrl: opts.gitlabUrl } : {}),
    projects,
    groups,
  };
  return {
    lock,
    missing: {
      projects: app.projects.filter((p) => !found.projects.has(lockKey(p))),
      groups: app.groups.filter((g) => !found.groups.has(lockKey(g))),
    },
    dropped: {
      projects: oldProjects.filter((p) => !found.projects.has(p)),
      groups: oldGroups.filter((g) => !found.groups.has(g)),
    },
    errors: found.errors,
  };
}
