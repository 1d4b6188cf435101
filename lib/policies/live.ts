import { GitLabHttp } from '../gitlab/http';
import { estimateComplexity } from '../live/complexity';
import { GraphQLError, QueryUnit, UnitResult, runUnits } from '../live/engine';
import { PERMISSION_TEXT, chunk, dedupe, errorsAt, fitBatch, halves, permissionMessage } from '../live/reader';
import { GITLAB_LIMITS, QueryLimits } from '../live/types';
import { EntryKind, LivePolicyEntry, LivePolicyResult, permissionsOf } from './types';

const ENTRY_PAGE = 'count nodes { target { ... on CiJobTokenAccessibleProject { fullPath } ... on CiJobTokenAccessibleGroup { fullPath } } ' +
  'defaultPermissions jobTokenPolicies autopopulated } pageInfo { hasNextPage endCursor }';

/** Up to 50 projects by full path, each with the first page of both allowlists and each entry's permissions. */
export const POLICIES_QUERY = `query TokenscopePolicies($paths: [String!]!, $n: Int!, $after: String, $pf: Int!, $gf: Int!) {
  queryComplexity { score limit }
  projects(fullPaths: $paths, first: $n, after: $after) {
    nodes {
      fullPath
      ciJobTokenScopeAllowlist {
        projectsAllowlist(first: $pf) { ${ENTRY_PAGE} }
        groupsAllowlist(first: $gf) { ${ENTRY_PAGE} }
      }
    }
    pageInfo { hasNextPage endCursor }
  }
}`;

type ListName = 'projectsAllowlist' | 'groupsAllowlist';

export function policiesPageQuery(list: ListName): string {
  return `query TokenscopePoliciesPage($path: ID!, $n: Int!, $after: String) {
  project(fullPath: $path) { ciJobTokenScopeAllowlist { ${list}(first: $n, after: $after) { ${ENTRY_PAGE} } } }
}`;
}

export interface ReadPoliciesOptions {
  readonly concurrency?: number;
  readonly limits?: Partial<QueryLimits>;
  /** Declared entry counts, to size the first page of each list. */
  readonly expectedEntries?: (fullPath: string) => { projects: number; groups: number } | undefined;
}

export interface ReadPoliciesStats {
  graphqlRequests: number;
  queries: number;
}

interface Draft {
  readonly fullPath: string;
  readonly entries: LivePolicyEntry[];
  /** Entries whose `jobTokenPolicies` came back null: what GitLab answers with the feature flag off. */
  flagOffEntries: number;
  open: number;
  failed?: LivePolicyResult;
}

/**
 * Reads the permissions of every allowlist entry of many projects
 * (`Project.ciJobTokenScopeAllowlist`), batched and paginated like the drift
 * reader: 50 projects per `projects(fullPaths:)`, several per request under
 * GitLab's limits, further pages only where a list has more. Keyed by the
 * lower-cased requested path. Throws `FatalReadError` when GitLab refuses the token.
 */
export async function readLivePolicies(
  http: GitLabHttp,
  paths: readonly string[],
  opts: ReadPoliciesOptions = {},
  stats?: ReadPoliciesStats,
): Promise<Map<string, LivePolicyResult>> {
  const limits: QueryLimits = { ...GITLAB_LIMITS, ...(opts.limits ?? {}) };
  const results = new Map<string, LivePolicyResult>();
  const unique = dedupe(paths);

  const pageSize = (batch: string[], pick: 'projects' | 'groups') => {
    let max = 0;
    for (const p of batch) max = Math.max(max, opts.expectedEntries?.(p)?.[pick] ?? 0);
    // A little slack so that a few undeclared entries do not cost a second page.
    return Math.min(limits.maxPageSize, max + 3);
  };

  const finish = (d: Draft) => {
    const enabled = d.entries.length === 0 ? {} : { policiesEnabled: d.flagOffEntries < d.entries.length };
    results.set(d.fullPath.toLowerCase(), d.failed ?? { project: d.fullPath, entries: d.entries, ...enabled });
  };

  const scopeUnit = (batch: string[], after: string | null = null): QueryUnit => {
    const variables = { paths: batch, n: batch.length, after, pf: pageSize(batch, 'projects'), gf: pageSize(batch, 'groups') };
    return {
      query: POLICIES_QUERY,
      variables,
      cost: estimateComplexity(POLICIES_QUERY, variables),
      split: () => (batch.length > 1 ? halves(batch).map((b) => scopeUnit(b)) : undefined),
      fail: (message) => {
        for (const p of batch) if (!results.has(p.toLowerCase())) results.set(p.toLowerCase(), { error: 'error', message });
      },
      handle: (r) => handleScopes(batch, r, after),
    };
  };

  const handleScopes = (batch: string[], r: UnitResult, after: string | null): QueryUnit[] => {
    const conn = r.data?.projects as { nodes?: unknown[]; pageInfo?: { hasNextPage?: boolean; endCursor?: string } } | null | undefined;
    if (!conn || !Array.isArray(conn.nodes)) {
      scopeUnit(batch, after).fail(r.errors[0]?.message ?? 'GitLab returned no data');
      return [];
    }
    const left = new Map(batch.map((p) => [p.toLowerCase(), p]));
    const followUps: QueryUnit[] = [];
    conn.nodes.forEach((node, index) => {
      const n = node as { fullPath?: unknown; ciJobTokenScopeAllowlist?: Record<string, unknown> | null } | null;
      if (!n || typeof n.fullPath !== 'string' || !left.has(n.fullPath.toLowerCase())) return;
      left.delete(n.fullPath.toLowerCase());
      const d: Draft = { fullPath: n.fullPath, entries: [], flagOffEntries: 0, open: 0 };
      const allowlist = n.ciJobTokenScopeAllowlist;
      if (!allowlist) {
        d.failed = failure(n.fullPath, errorsAt(r.errors, ['projects', 'nodes', index]));
        finish(d);
        return;
      }
      for (const list of ['projectsAllowlist', 'groupsAllowlist'] as const) {
        const page = entryPage(allowlist[list], list);
        d.entries.push(...page.items);
        d.flagOffEntries += page.flagOff;
        if (page.next) {
          d.open++;
          followUps.push(pageUnit(d, list, page.next, Math.min(limits.maxPageSize, Math.max(1, (page.count ?? limits.maxPageSize) - page.items.length))));
        }
      }
      if (d.open === 0) finish(d);
    });
    if (conn.pageInfo?.hasNextPage && conn.pageInfo.endCursor && left.size > 0) {
      followUps.push(scopeUnit([...left.values()], conn.pageInfo.endCursor));
      return followUps;
    }
    for (const [key, p] of left) {
      results.set(key, { error: 'not_found', message: `GitLab has no project ${p}, or the token cannot see it` });
    }
    return followUps;
  };

  const pageUnit = (d: Draft, list: ListName, after: string, n: number): QueryUnit => {
    const query = policiesPageQuery(list);
    const variables = { path: d.fullPath, n, after };
    const done = () => { d.open--; if (d.open === 0) finish(d); };
    return {
      query,
      variables,
      cost: estimateComplexity(query, variables),
      split: () => (n > 1 ? [pageUnit(d, list, after, Math.ceil(n / 2))] : undefined),
      fail: (message) => { d.failed = { error: 'error', message: `reading ${list} of ${d.fullPath}: ${message}` }; done(); },
      handle: (r) => {
        const allowlist = (r.data?.project as { ciJobTokenScopeAllowlist?: Record<string, unknown> | null } | null | undefined)?.ciJobTokenScopeAllowlist;
        if (!allowlist?.[list]) {
          d.failed = failure(d.fullPath, r.errors);
          done();
          return [];
        }
        const page = entryPage(allowlist[list], list);
        d.entries.push(...page.items);
        d.flagOffEntries += page.flagOff;
        if (page.next) {
          return [pageUnit(d, list, page.next, Math.min(limits.maxPageSize, Math.max(1, (page.count ?? limits.maxPageSize) - page.items.length)))];
        }
        done();
        return [];
      },
    };
  };

  const units: QueryUnit[] = [];
  for (const batch of chunk(unique, limits.maxFullPaths)) units.push(...fitBatch(batch, scopeUnit, limits));
  const engine = await runUnits(http, units, { concurrency: Math.max(1, opts.concurrency ?? 4), limits });
  if (stats) { stats.graphqlRequests = engine.graphqlRequests; stats.queries = engine.queries; }

  const ordered = new Map<string, LivePolicyResult>();
  for (const p of unique) {
    const key = p.toLowerCase();
    ordered.set(key, results.get(key) ?? { error: 'error', message: `${p} was not read` });
  }
  return ordered;
}

function failure(fullPath: string, errors: readonly GraphQLError[]): LivePolicyResult {
  if (errors.length === 0 || errors.some((e) => e.message.includes(PERMISSION_TEXT))) {
    return { error: 'permission_denied', message: permissionMessage(fullPath) };
  }
  return { error: 'error', message: `reading ${fullPath}: ${errors[0].message}` };
}

interface EntryPage {
  items: LivePolicyEntry[];
  /** Items with `jobTokenPolicies: null` (the feature flag is off). */
  flagOff: number;
  count: number | undefined;
  next: string | undefined;
}

/** One page of entries; entries without a readable target (a target the token cannot see) are dropped. */
export function entryPage(conn: unknown, list: ListName): EntryPage {
  const c = conn as { count?: unknown; nodes?: unknown[]; pageInfo?: { hasNextPage?: boolean; endCursor?: string | null } } | null | undefined;
  const kind: EntryKind = list === 'projectsAllowlist' ? 'project' : 'group';
  const items: LivePolicyEntry[] = [];
  let flagOff = 0;
  for (const raw of c?.nodes ?? []) {
    const n = raw as { target?: { fullPath?: unknown } | null; defaultPermissions?: unknown; jobTokenPolicies?: unknown; autopopulated?: unknown } | null;
    if (!n || typeof n.target?.fullPath !== 'string') continue;
    // allowlist_entry_type.rb: with add_policies_to_ci_job_token off, jobTokenPolicies is null (on, it is a list, [] included).
    if (n.jobTokenPolicies === null) flagOff++;
    const policies = Array.isArray(n.jobTokenPolicies) ? n.jobTokenPolicies.filter((p): p is string => typeof p === 'string') : [];
    items.push({
      kind,
      target: n.target.fullPath,
      // GitLab stores true unless the entry was given policies; a null (older row) means the default.
      permissions: permissionsOf(n.defaultPermissions !== false, policies),
      autopopulated: n.autopopulated === true,
    });
  }
  const more = !!c?.pageInfo?.hasNextPage && typeof c.pageInfo.endCursor === 'string';
  return {
    items,
    flagOff,
    count: typeof c?.count === 'number' ? c.count : undefined,
    next: more ? (c?.pageInfo?.endCursor as string) : undefined,
  };
}
