import type { LockFile } from '../lockfile';
import { reverseLock } from '../lockfile';
import type { PlanJson, PlanModule, PlanStateResource } from './plan-file';

/** Where a path for an id came from, weakest last: the plan itself, the lock file, a GitLab lookup. */
export type NameSource = 'plan' | 'lock' | 'gitlab';

export interface KnownName {
  readonly path: string;
  readonly source: NameSource;
}

/** id -> full path for projects and groups, as far as they are known. */
export interface IdNames {
  readonly projects: ReadonlyMap<number, KnownName>;
  readonly groups: ReadonlyMap<number, KnownName>;
}

export function emptyNames(): IdNames {
  return { projects: new Map(), groups: new Map() };
}

/** Merges name tables; an earlier table wins for an id both know. */
export function mergeNames(...tables: IdNames[]): IdNames {
  const projects = new Map<number, KnownName>();
  const groups = new Map<number, KnownName>();
  for (const t of tables) {
    for (const [id, n] of t.projects) if (!projects.has(id)) projects.set(id, n);
    for (const [id, n] of t.groups) if (!groups.has(id)) groups.set(id, n);
  }
  return { projects, groups };
}

export function namesFromLock(lock: LockFile): IdNames {
  const r = reverseLock(lock);
  const tag = (m: Map<number, string>) => new Map([...m].map(([id, p]) => [id, { path: p, source: 'lock' as const }]));
  return { projects: tag(r.projects), groups: tag(r.groups) };
}

/**
 * Ids the plan itself names: `gitlab_project` / `gitlab_group` data sources (and
 * resources) in the prior state, the planned values, and data sources read
 * during this plan (`resource_changes` with action `read`, values in `change.after`).
 */
export function namesFromPlan(plan: PlanJson): IdNames {
  const projects = new Map<number, KnownName>();
  const groups = new Map<number, KnownName>();
  const take = (type: string | undefined, values: unknown) => {
    if (!values || typeof values !== 'object') return;
    const v = values as Record<string, unknown>;
    if (type === 'gitlab_project') {
      const id = toId(v.id);
      const p = v.path_with_namespace;
      if (id !== undefined && typeof p === 'string' && p && !projects.has(id)) projects.set(id, { path: p, source: 'plan' });
    } else if (type === 'gitlab_group') {
      const id = toId(v.group_id) ?? toId(v.id);
      const p = v.full_path;
      if (id !== undefined && typeof p === 'string' && p && !groups.has(id)) groups.set(id, { path: p, source: 'plan' });
    }
  };
  const walk = (m: PlanModule | undefined) => {
    if (!m) return;
    for (const r of m.resources ?? []) take((r as PlanStateResource).type, r.values);
    for (const c of m.child_modules ?? []) walk(c);
  };
  walk(plan.prior_state?.values?.root_module);
  walk(plan.planned_values?.root_module);
  for (const rc of plan.resource_changes) {
    if (rc.type === 'gitlab_project' || rc.type === 'gitlab_group') {
      take(rc.type, rc.change.after);
      take(rc.type, rc.change.before);
    }
  }
  return { projects, groups };
}

/** A GitLab numeric id given as a number or a numeric string (the provider's `id` attributes are strings). */
export function toId(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isSafeInteger(v) && v > 0) return v;
  if (typeof v === 'string' && /^[1-9][0-9]*$/.test(v)) {
    const n = Number(v);
    return Number.isSafeInteger(n) ? n : undefined;
  }
  return undefined;
}
