import { GitLabHttp } from '../gitlab/http';
import { estimateComplexity } from './complexity';
import { QueryUnit, UnitResult, runUnits } from './engine';
import { gidNumber, groupGid, projectGid } from './gid';
import { chunk, dedupe, fitBatch, halves } from './reader';
import { groupIdsQuery, groupPathsQuery, projectIdsQuery, projectPathsQuery } from './scope-query';
import { GITLAB_LIMITS, QueryLimits } from './types';
import { LockFile, reverseLock } from '../lockfile';
import { LockMismatch, lockMismatches, lockSuspects } from './lock-check';

export interface LookupOptions {
  readonly concurrency?: number;
  /** `lookupIds`: read each project's visibility too. */
  readonly visibility?: boolean;
  readonly limits?: Partial<QueryLimits>;
}

/** Ids of projects and groups by full path; keys are lower-cased paths, absent when GitLab does not know the path. */
export interface PathIds {
  readonly projects: Map<string, { id: number; fullPath: string; visibility?: string }>;
  readonly groups: Map<string, { id: number; fullPath: string }>;
  /** Lookups that failed for a reason other than "not found" (network, refused query). */
  readonly errors: string[];
}

/**
 * Resolves project and group full paths to ids in the same batched way as the
 * scope reader: projects 50 per `projects(fullPaths:)`, groups as aliased
 * `group(fullPath:)` fields, several queries per request.
 */
export async function lookupIds(
  http: GitLabHttp,
  projectPaths: readonly string[],
  groupPaths: readonly string[],
  opts: LookupOptions = {},
): Promise<PathIds> {
  const limits: QueryLimits = { ...GITLAB_LIMITS, ...(opts.limits ?? {}) };
  const out: PathIds = { projects: new Map(), groups: new Map(), errors: [] };
  const units: QueryUnit[] = [];
  const projectUnit = (batch: string[], after: string | null = null): QueryUnit => {
    const query = projectIdsQuery(opts.visibility ?? false);
    const variables = { paths: batch, n: batch.length, after };
    return {
      query, variables, cost: estimateComplexity(query, variables),
      split: () => (batch.length > 1 ? halves(batch).map((b) => projectUnit(b)) : undefined),
      fail: (m) => { out.errors.push(m); },
      handle: (r) => collect(r, 'projects', out.projects, (cursor) => projectUnit(batch, cursor)),
    };
  };
  const groupUnit = (batch: string[]): QueryUnit => {
    const query = groupIdsQuery(batch.length);
    const variables = Object.fromEntries(batch.map((p, i) => [`g${i}`, p]));
    return {
      query, variables, cost: estimateComplexity(query, variables),
      split: () => (batch.length > 1 ? halves(batch).map(groupUnit) : undefined),
      fail: (m) => { out.errors.push(m); },
      handle: (r) => {
        batch.forEach((_, i) => {
          const g = r.data?.[`g${i}`] as { id?: unknown; fullPath?: unknown } | null | undefined;
          const id = gidNumber(g?.id);
          if (g && id !== undefined && typeof g.fullPath === 'string') out.groups.set(g.fullPath.toLowerCase(), { id, fullPath: g.fullPath });
        });
        if (!r.data && r.errors[0]) out.errors.push(r.errors[0].message);
      },
    };
  };
  for (const b of chunk(dedupe(projectPaths), limits.maxFullPaths)) units.push(...fitBatch(b, projectUnit, limits));
  for (const b of chunk(dedupe(groupPaths), 50)) units.push(...fitBatch(b, groupUnit, limits));
  await runUnits(http, units, { concurrency: opts.concurrency ?? 4, limits });
  return out;
}

/** Full paths of projects and groups by numeric id; ids GitLab does not return stay absent. */
export interface IdPaths {
  readonly projects: Map<number, string>;
  readonly groups: Map<number, string>;
  readonly errors: string[];
}

/** Resolves numeric ids to paths through `projects(ids:)` and `groups(ids:)` (global ids). */
export async function lookupPaths(
  http: GitLabHttp,
  projectIds: readonly number[],
  groupIds: readonly number[],
  opts: LookupOptions = {},
): Promise<IdPaths> {
  const limits: QueryLimits = { ...GITLAB_LIMITS, ...(opts.limits ?? {}) };
  const out: IdPaths = { projects: new Map(), groups: new Map(), errors: [] };
  const make = (kind: 'projects' | 'groups') => {
    const unit = (batch: number[], after: string | null = null): QueryUnit => {
      const query = kind === 'projects' ? projectPathsQuery() : groupPathsQuery();
      const variables = { ids: batch.map(kind === 'projects' ? projectGid : groupGid), n: batch.length, after };
      const target = kind === 'projects' ? out.projects : out.groups;
      return {
        query, variables, cost: estimateComplexity(query, variables),
        split: () => (batch.length > 1 ? halves(batch).map((b) => unit(b)) : undefined),
        fail: (m) => { out.errors.push(m); },
        handle: (r) => {
          const byPath = new Map<string, { id: number; fullPath: string }>();
          const more = collect(r, kind, byPath, (cursor) => unit(batch, cursor));
          for (const v of byPath.values()) target.set(v.id, v.fullPath);
          if (!r.data?.[kind] && r.errors[0]) out.errors.push(r.errors[0].message);
          return more;
        },
      };
    };
    return unit;
  };
  const units: QueryUnit[] = [];
  for (const b of chunk([...new Set(projectIds)], 50)) units.push(make('projects')(b));
  for (const b of chunk([...new Set(groupIds)], 50)) units.push(make('groups')(b));
  await runUnits(http, units, { concurrency: opts.concurrency ?? 4, limits });
  return out;
}

function collect(
  r: UnitResult,
  field: string,
  into: Map<string, { id: number; fullPath: string; visibility?: string }>,
  next: (cursor: string) => QueryUnit,
): QueryUnit[] {
  const conn = r.data?.[field] as { nodes?: unknown[]; pageInfo?: { hasNextPage?: boolean; endCursor?: string } } | null | undefined;
  for (const n of conn?.nodes ?? []) {
    const node = n as { id?: unknown; fullPath?: unknown; visibility?: unknown } | null;
    const id = gidNumber(node?.id);
    if (node && id !== undefined && typeof node.fullPath === 'string') {
      into.set(node.fullPath.toLowerCase(), { id, fullPath: node.fullPath, ...(typeof node.visibility === 'string' ? { visibility: node.visibility } : {}) });
    }
  }
  if (conn?.pageInfo?.hasNextPage && conn.pageInfo.endCursor) return [next(conn.pageInfo.endCursor)];
  return [];
}

/** Names for ids, plus the lock-file entries GitLab contradicts. */
export interface NamedIds extends IdPaths {
  readonly lockMismatches: readonly LockMismatch[];
  /** Ids the lock file names that GitLab could not be asked about (the lookup failed): named by the lock, unchecked. */
  readonly unchecked: { readonly projects: readonly number[]; readonly groups: readonly number[] };
}

/**
 * Names ids the way every reader of a declaration does. With `http`, GitLab
 * names every id (one batched lookup) and the lock file is only checked
 * against it, never taken on faith: an entry GitLab contradicts is reported in
 * `lockMismatches` (GitLab's ids for those paths come from a second lookup,
 * made only when there is a contradiction) and GitLab's name wins. The lock
 * names only what GitLab does not show. Without `http`, the lock names ids.
 */
export async function nameIds(
  http: GitLabHttp | undefined,
  lock: LockFile | undefined,
  projectIds: Iterable<number>,
  groupIds: Iterable<number>,
  opts: LookupOptions = {},
): Promise<NamedIds> {
  const locked = lock ? reverseLock(lock) : { projects: new Map<number, string>(), groups: new Map<number, string>() };
  const wantProjects = [...new Set(projectIds)];
  const wantGroups = [...new Set(groupIds)];
  if (!http || wantProjects.length + wantGroups.length === 0) {
    return { projects: locked.projects, groups: locked.groups, errors: [], lockMismatches: [], unchecked: { projects: [], groups: [] } };
  }
  const found = await lookupPaths(http, wantProjects, wantGroups, opts);
  const errors = [...found.errors];
  // A lookup that failed part way cannot tell "unknown to GitLab" from "not read": only contradictions count then.
  const answered = (live: ReadonlyMap<number, string>) => (id: number) => errors.length === 0 || live.has(id);
  const unchecked = (ids: number[], live: ReadonlyMap<number, string>, lockNames: ReadonlyMap<number, string>) =>
    ids.filter((id) => lockNames.has(id) && !answered(live)(id));
  const suspects = [
    ...lockSuspects('project', wantProjects.filter(answered(found.projects)), locked.projects, found.projects),
    ...lockSuspects('group', wantGroups.filter(answered(found.groups)), locked.groups, found.groups),
  ];
  let mismatches: LockMismatch[] = [];
  if (suspects.length > 0) {
    const byPath = await lookupIds(http, suspects.filter((x) => x.kind === 'project').map((x) => x.path),
      suspects.filter((x) => x.kind === 'group').map((x) => x.path), opts);
    errors.push(...byPath.errors);
    mismatches = lockMismatches(suspects, (kind, p) => (kind === 'project' ? byPath.projects : byPath.groups).get(p.toLowerCase())?.id);
  }
  const wrong = new Set(mismatches.map((m) => `${m.kind}:${m.lockedId}`));
  const name = (kind: 'project' | 'group', ids: number[], live: Map<number, string>, lockNames: Map<number, string>) => {
    const out = new Map<number, string>();
    for (const id of ids) {
      const p = live.get(id) ?? (wrong.has(`${kind}:${id}`) ? undefined : lockNames.get(id));
      if (p !== undefined) out.set(id, p);
    }
    return out;
  };
  return {
    projects: name('project', wantProjects, found.projects, locked.projects),
    groups: name('group', wantGroups, found.groups, locked.groups),
    errors,
    lockMismatches: mismatches,
    unchecked: { projects: unchecked(wantProjects, found.projects, locked.projects), groups: unchecked(wantGroups, found.groups, locked.groups) },
  };
}
