import type { GitLabHttp } from '../gitlab/http';
import { estimateComplexity } from './complexity';
import { QueryUnit, UnitResult, runUnits } from './engine';
import { chunk, dedupe, fitBatch, halves } from './reader';
import { GITLAB_LIMITS, QueryLimits } from './types';

/** A project of a group: its path and, when GitLab gave it, its visibility. */
export interface GroupProject {
  readonly fullPath: string;
  readonly visibility?: string;
}

/** The projects of one group, or why they could not be listed. */
export type GroupProjectsResult =
  | { readonly fullPath: string; readonly projects: readonly GroupProject[] }
  | { readonly error: 'not_found' | 'error'; readonly message: string };

export interface GroupProjectsOptions {
  /** Projects of subgroups too, at any depth (what a group allowlist entry covers). @default true */
  readonly includeSubgroups?: boolean;
  readonly concurrency?: number;
  readonly limits?: Partial<QueryLimits>;
  /** Page size of `Group.projects`. @default 100 */
  readonly pageSize?: number;
  /** Called with each page's projects as it arrives, so a caller can start on them before the listing ends. */
  readonly onPage?: (group: string, projects: readonly GroupProject[]) => void;
}

const PROJECTS_PAGE = 'nodes { fullPath visibility } pageInfo { hasNextPage endCursor }';

/** Several groups in one query, as aliased `group(fullPath:)` fields, each with the first page of its projects. */
export function groupsProjectsQuery(count: number): string {
  const vars = Array.from({ length: count }, (_, i) => `$g${i}: ID!`).join(', ');
  const fields = Array.from({ length: count }, (_, i) =>
    `  g${i}: group(fullPath: $g${i}) { fullPath projects(includeSubgroups: $sub, first: $n) { ${PROJECTS_PAGE} } }`).join('\n');
  return `query TokenscopeGroupsProjects(${vars}, $sub: Boolean, $n: Int) {\n${fields}\n}`;
}

/** The next page of one group's projects. */
export const GROUP_PROJECTS_PAGE_QUERY = `query TokenscopeGroupProjectsPage($group: ID!, $sub: Boolean, $n: Int, $after: String) {
  group(fullPath: $group) { fullPath projects(includeSubgroups: $sub, first: $n, after: $after) { ${PROJECTS_PAGE} } }
}`;

/**
 * The projects of many groups (a group allowlist entry's reach), in few
 * requests: several groups per query as aliases, several queries per request
 * under GitLab's limits (the shared engine), further pages only for groups
 * that have more. Keyed by the lower-cased requested path. Throws
 * `FatalReadError` when GitLab refuses the token.
 */
export async function readGroupProjects(
  http: GitLabHttp,
  groups: readonly string[],
  opts: GroupProjectsOptions = {},
): Promise<Map<string, GroupProjectsResult>> {
  const limits: QueryLimits = { ...GITLAB_LIMITS, ...(opts.limits ?? {}) };
  const sub = opts.includeSubgroups ?? true;
  const n = Math.min(limits.maxPageSize, opts.pageSize ?? limits.maxPageSize);
  const found = new Map<string, { fullPath: string; projects: GroupProject[] }>();
  const failed = new Map<string, GroupProjectsResult>();

  const take = (key: string, node: { fullPath?: unknown; projects?: unknown } | null | undefined, requested: string): string | undefined => {
    if (!node || typeof node.fullPath !== 'string') {
      failed.set(key, { error: 'not_found', message: `GitLab has no group ${requested}, or the token cannot see it` });
      return undefined;
    }
    const conn = node.projects as { nodes?: unknown[]; pageInfo?: { hasNextPage?: boolean; endCursor?: string | null } } | null | undefined;
    const entry = found.get(key) ?? { fullPath: node.fullPath, projects: [] };
    found.set(key, entry);
    const page: GroupProject[] = [];
    for (const raw of conn?.nodes ?? []) {
      const p = raw as { fullPath?: unknown; visibility?: unknown } | null;
      if (p && typeof p.fullPath === 'string') page.push({ fullPath: p.fullPath, ...(typeof p.visibility === 'string' ? { visibility: p.visibility } : {}) });
    }
    entry.projects.push(...page);
    opts.onPage?.(requested, page);
    return conn?.pageInfo?.hasNextPage && conn.pageInfo.endCursor ? conn.pageInfo.endCursor : undefined;
  };

  const fail = (requested: string, message: string) => {
    failed.set(requested.toLowerCase(), { error: 'error', message: `listing the projects of ${requested}: ${message}` });
  };

  const pageUnit = (requested: string, fullPath: string, after: string): QueryUnit => {
    const variables = { group: fullPath, sub, n, after };
    return {
      query: GROUP_PROJECTS_PAGE_QUERY,
      variables,
      cost: estimateComplexity(GROUP_PROJECTS_PAGE_QUERY, variables),
      split: () => undefined,
      fail: (m) => fail(requested, m),
      handle: (r: UnitResult) => {
        if (!r.data?.group && r.errors[0]) { fail(requested, r.errors[0].message); return []; }
        const next = take(requested.toLowerCase(), r.data?.group as never, requested);
        return next ? [pageUnit(requested, fullPath, next)] : [];
      },
    };
  };

  const firstUnit = (batch: string[]): QueryUnit => {
    const query = groupsProjectsQuery(batch.length);
    const variables: Record<string, unknown> = { sub, n, ...Object.fromEntries(batch.map((g, i) => [`g${i}`, g])) };
    return {
      query,
      variables,
      cost: estimateComplexity(query, variables),
      split: () => (batch.length > 1 ? halves(batch).map(firstUnit) : undefined),
      fail: (m) => { for (const g of batch) fail(g, m); },
      handle: (r: UnitResult) => {
        if (!r.data) { for (const g of batch) fail(g, r.errors[0]?.message ?? 'GitLab returned no data'); return []; }
        const more: QueryUnit[] = [];
        batch.forEach((g, i) => {
          const node = r.data?.[`g${i}`] as { fullPath?: unknown } | null | undefined;
          const next = take(g.toLowerCase(), node as never, g);
          if (next) more.push(pageUnit(g, node?.fullPath as string, next));
        });
        return more;
      },
    };
  };

  const unique = dedupe(groups);
  const units: QueryUnit[] = [];
  for (const batch of chunk(unique, limits.maxQueriesPerRequest)) units.push(...fitBatch(batch, firstUnit, limits));
  await runUnits(http, units, { concurrency: Math.max(1, opts.concurrency ?? 4), limits });

  const out = new Map<string, GroupProjectsResult>();
  for (const g of unique) {
    const key = g.toLowerCase();
    const f = failed.get(key);
    const ok = found.get(key);
    out.set(key, f ?? (ok ? { fullPath: ok.fullPath, projects: uniqueProjects(ok.projects) } : { error: 'error', message: `${g} was not read` }));
  }
  return out;
}

function uniqueProjects(list: readonly GroupProject[]): GroupProject[] {
  const seen = new Set<string>();
  return list.filter((p) => { const k = p.fullPath.toLowerCase(); if (seen.has(k)) return false; seen.add(k); return true; });
}
