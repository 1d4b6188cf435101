import { GitLabHttp, gitlabErrorText } from '../gitlab/http';
import { estimateComplexity } from './complexity';
import { GraphQLError, QueryUnit, UnitResult, runUnits } from './engine';
import { gidNumber } from './gid';
import { ListName, pageQuery, scopesQuery } from './scope-query';
import { AuthLogEntry, GITLAB_LIMITS, LiveEntry, LiveResult, LiveScope, QueryLimits, ReadLiveOptions } from './types';
import { mapPool } from './pool';

export const PERMISSION_TEXT =
  "The resource that you are attempting to access does not exist or you don't have permission to perform this action";

/** What the last read cost; `httpRequests` counts every exchange, retries included. */
export interface ReadStats {
  httpRequests: number;
  graphqlRequests: number;
  restRequests: number;
  queries: number;
  splits: number;
}

interface Page<T> {
  items: T[];
  hasNextPage: boolean;
  endCursor: string | null;
}

/** A project being assembled from its first page and any further pages. */
interface Draft {
  readonly requested: string;
  fullPath: string;
  id: number | undefined;
  raw: boolean | null;
  visibility?: string;
  createdAt?: string;
  projects: Array<{ fullPath: string; id: number | undefined }>;
  groups: Array<{ fullPath: string; id: number | undefined }>;
  autoProjects: Set<number>;
  autoGroups: Set<number>;
  authLog?: AuthLogEntry[];
  failed?: LiveResult;
}

/**
 * Reads the inbound job-token scope of many projects in few requests:
 * `projects(fullPaths:)` batches of up to 50, several batches multiplexed per
 * HTTP request under GitLab's complexity and size limits, list pages sized
 * from the declaration and continued only where a list has more. Results are
 * keyed by the path as given. It never throws for one project; it throws
 * `FatalReadError` when GitLab refuses the token.
 */
export async function readLiveScopes(
  http: GitLabHttp,
  paths: readonly string[],
  opts: ReadLiveOptions = {},
  stats?: ReadStats,
): Promise<Map<string, LiveResult>> {
  const limits: QueryLimits = { ...GITLAB_LIMITS, ...(opts.limits ?? {}) };
  const concurrency = Math.max(1, opts.concurrency ?? 4);
  const authLog = opts.authLog ?? false;
  const visibility = opts.visibility ?? false;
  const startRequests = http.requestCount;
  const unique = dedupe(paths);
  const drafts = new Map<string, Draft>();
  const results = new Map<string, LiveResult>();
  let done = 0;
  const total = unique.length;
  const progress = () => opts.onProgress?.(done, total);

  const pageSize = (list: string[], pick: (e: { projects: number; groups: number }) => number, slack: number) => {
    let max = 0;
    for (const p of list) max = Math.max(max, pick(opts.expectedEntries?.(p) ?? { projects: 0, groups: 0 }));
    return Math.min(limits.maxPageSize, Math.max(1, max + slack));
  };

  const pending = new Map<string, number>(); // lower path -> open follow-up pages
  const finish = (d: Draft) => {
    if (d.failed) results.set(d.requested, d.failed);
    else results.set(d.requested, toScope(d));
    done++;
    progress();
  };
  const pageDone = (d: Draft) => {
    const key = d.requested.toLowerCase();
    const left = (pending.get(key) ?? 1) - 1;
    if (left <= 0) { pending.delete(key); finish(d); } else pending.set(key, left);
  };

  const scopeUnit = (batch: string[], after: string | null = null): QueryUnit => {
    const variables: Record<string, unknown> = {
      paths: batch,
      n: batch.length,
      after,
      // +1: GitLab lists the project itself in inboundAllowlist; +2 leaves room for small drift without a second page.
      pf: pageSize(batch, (e) => e.projects, 3),
      gf: pageSize(batch, (e) => e.groups, 2),
      ...(authLog ? { af: 20 } : {}),
    };
    const query = scopesQuery(authLog, visibility);
    return {
      query,
      variables,
      cost: estimateComplexity(query, variables),
      split: () => (batch.length > 1 ? halves(batch).map((b) => scopeUnit(b)) : undefined),
      fail: (message) => {
        for (const p of batch) {
          if (results.has(p)) continue;
          results.set(p, { error: 'error', message });
          done++;
        }
        progress();
      },
      handle: (r) => handleScopes(batch, r, after),
    };
  };

  const handleScopes = (batch: string[], r: UnitResult, after: string | null): QueryUnit[] => {
    const conn = (r.data?.projects ?? null) as { nodes?: unknown[]; pageInfo?: { hasNextPage?: boolean; endCursor?: string } } | null;
    if (!conn || !Array.isArray(conn.nodes)) {
      const msg = r.errors[0]?.message ?? 'GitLab returned no data';
      const unit = scopeUnit(batch, after);
      unit.fail(msg);
      return [];
    }
    const byLower = new Map(batch.map((p) => [p.toLowerCase(), p]));
    const followUps: QueryUnit[] = [];
    conn.nodes.forEach((node, index) => {
      const n = node as Record<string, unknown> | null;
      if (!n || typeof n.fullPath !== 'string') return;
      const requested = byLower.get(n.fullPath.toLowerCase());
      if (!requested || results.has(requested) || drafts.has(requested.toLowerCase())) return;
      byLower.delete(n.fullPath.toLowerCase());
      const d = draftFrom(requested, n, errorsAt(r.errors, ['projects', 'nodes', index]));
      drafts.set(requested.toLowerCase(), d);
      const more = d.failed ? [] : followUpsFor(d, n);
      if (more.length === 0) finish(d);
      else { pending.set(requested.toLowerCase(), more.length); followUps.push(...more); }
    });
    if (conn.pageInfo?.hasNextPage && conn.pageInfo.endCursor) {
      const rest = [...byLower.values()];
      if (rest.length > 0) followUps.push(scopeUnit(rest, conn.pageInfo.endCursor));
      return followUps;
    }
    for (const missing of byLower.values()) {
      results.set(missing, {
        error: 'not_found',
        message: `GitLab has no project ${missing}, or the token cannot see it`,
      });
      done++;
    }
    progress();
    return followUps;
  };

  const followUpsFor = (d: Draft, n: Record<string, unknown>): QueryUnit[] => {
    const scope = n.ciJobTokenScope as Record<string, unknown>;
    const out: QueryUnit[] = [];
    const lists: Array<[ListName, unknown, number | undefined]> = [
      ['inboundAllowlist', scope.inboundAllowlist, num(scope.inboundAllowlistCount)],
      ['groupsAllowlist', scope.groupsAllowlist, num(scope.groupsAllowlistCount)],
    ];
    if (authLog) {
      const logs = n.ciJobTokenAuthLogs as { count?: unknown } | null;
      lists.push(['ciJobTokenAuthLogs', logs, num(logs?.count)]);
    }
    for (const [list, conn, count] of lists) {
      const info = (conn as { pageInfo?: { hasNextPage?: boolean; endCursor?: string } } | null)?.pageInfo;
      if (info?.hasNextPage && info.endCursor) {
        const have = ((conn as { nodes?: unknown[] }).nodes ?? []).length;
        out.push(pageUnit(d, list, info.endCursor, sizeFromCount(count, have, limits.maxPageSize), count));
      }
    }
    return out;
  };

  const fetched = (d: Draft, list: ListName) =>
    list === 'ciJobTokenAuthLogs' ? (d.authLog?.length ?? 0) : list === 'inboundAllowlist' ? d.projects.length : d.groups.length;

  /** The next page of one list; `count` (GitLab's count field) sizes it so that the last page asks for what is left. */
  const pageUnit = (d: Draft, list: ListName, after: string, n: number, count: number | undefined): QueryUnit => {
    const query = pageQuery(list);
    const variables = { path: d.fullPath, n, after };
    return {
      query,
      variables,
      cost: estimateComplexity(query, variables),
      split: () => (n > 1 ? [pageUnit(d, list, after, Math.ceil(n / 2), count)] : undefined),
      fail: (message) => { d.failed = { error: 'error', message: `reading ${list} of ${d.fullPath}: ${message}` }; pageDone(d); },
      handle: (r) => {
        const project = r.data?.project as Record<string, unknown> | null | undefined;
        const conn = list === 'ciJobTokenAuthLogs'
          ? (project?.ciJobTokenAuthLogs as Record<string, unknown> | null | undefined)
          : ((project?.ciJobTokenScope as Record<string, unknown> | null | undefined)?.[list] as Record<string, unknown> | null | undefined);
        if (!conn) {
          const denied = r.errors.some((e) => e.message.includes(PERMISSION_TEXT));
          d.failed = denied
            ? { error: 'permission_denied', message: permissionMessage(d.fullPath) }
            : { error: 'error', message: `reading ${list} of ${d.fullPath}: ${r.errors[0]?.message ?? 'no data'}` };
          pageDone(d);
          return [];
        }
        const page = list === 'ciJobTokenAuthLogs' ? authLogPage(conn) : entryPage(conn);
        if (list === 'ciJobTokenAuthLogs') (d.authLog ??= []).push(...(page.items as AuthLogEntry[]));
        else if (list === 'inboundAllowlist') d.projects.push(...(page.items as Draft['projects']));
        else d.groups.push(...(page.items as Draft['groups']));
        if (page.hasNextPage && page.endCursor) {
          const total = list === 'ciJobTokenAuthLogs' ? (num(conn.count) ?? count) : count;
          return [pageUnit(d, list, page.endCursor, sizeFromCount(total, fetched(d, list), limits.maxPageSize), total)];
        }
        pageDone(d);
        return [];
      },
    };
  };

  const units: QueryUnit[] = [];
  for (const batch of chunk(unique, limits.maxFullPaths)) units.push(...fitBatch(batch, scopeUnit, limits));
  progress();
  // A FatalReadError (token refused) propagates: nothing else can be read.
  const engine = await runUnits(http, units, { concurrency, limits });
  if (stats) { stats.graphqlRequests = engine.graphqlRequests; stats.queries = engine.queries; stats.splits = engine.splits; }

  let restRequests = 0;
  if (opts.effective) {
    const closed = [...results.entries()].filter(([, r]) => !('error' in r) && r.inboundJobTokenScopeEnabled === false);
    await mapPool(closed, concurrency, async ([key, r]) => {
      const scope = r as LiveScope;
      restRequests++;
      const where = `/api/v4/projects/${scope.id ?? encodeURIComponent(scope.fullPath)}/job_token_scope`;
      const res = await http.request('GET', where).catch((e: Error) => e);
      const body = res instanceof Error ? undefined : (res.json as { inbound_enabled?: unknown } | undefined);
      if (!(res instanceof Error) && res.status === 200 && typeof body?.inbound_enabled === 'boolean') {
        results.set(key, { ...scope, effectiveInboundEnabled: body.inbound_enabled });
        return;
      }
      // Unknown, the project's own "off" might be overridden by the instance: not read, rather than reported open.
      const why = res instanceof Error ? res.message : `HTTP ${res.status}${gitlabErrorText(res) ? `: ${gitlabErrorText(res)}` : ''}`;
      results.set(key, {
        error: 'error',
        message: `could not read whether the instance enforces the allowlist of ${scope.fullPath} (GET ${where}: ${why})`,
      });
    });
  }

  if (stats) {
    stats.httpRequests = http.requestCount - startRequests;
    stats.restRequests = restRequests;
  }
  // Keep the caller's order.
  const ordered = new Map<string, LiveResult>();
  for (const p of unique) {
    const r = results.get(p);
    ordered.set(p, r ?? { error: 'error', message: `${p} was not read` });
  }
  return ordered;
}

function draftFrom(requested: string, n: Record<string, unknown>, errors: GraphQLError[]): Draft {
  const fullPath = n.fullPath as string;
  const scope = n.ciJobTokenScope as Record<string, unknown> | null | undefined;
  const settings = n.ciCdSettings as Record<string, unknown> | null | undefined;
  const d: Draft = {
    requested,
    fullPath,
    id: gidNumber(n.id),
    raw: typeof settings?.inboundJobTokenScopeEnabled === 'boolean' ? settings.inboundJobTokenScopeEnabled : null,
    ...(typeof n.visibility === 'string' ? { visibility: n.visibility } : {}),
    ...(typeof n.createdAt === 'string' ? { createdAt: n.createdAt } : {}),
    projects: [],
    groups: [],
    autoProjects: new Set(),
    autoGroups: new Set(),
  };
  if (!scope || !settings) {
    const denied = errors.length === 0 || errors.some((e) => e.message.includes(PERMISSION_TEXT));
    d.failed = denied
      ? { error: 'permission_denied', message: permissionMessage(fullPath) }
      : { error: 'error', message: `reading ${fullPath}: ${errors[0].message}` };
    return d;
  }
  d.projects.push(...entryPage(scope.inboundAllowlist).items);
  d.groups.push(...entryPage(scope.groupsAllowlist).items);
  for (const g of (scope.inboundAllowlistAutopopulatedIds as unknown[] | null) ?? []) { const i = gidNumber(g); if (i !== undefined) d.autoProjects.add(i); }
  for (const g of (scope.groupAllowlistAutopopulatedIds as unknown[] | null) ?? []) { const i = gidNumber(g); if (i !== undefined) d.autoGroups.add(i); }
  if ('ciJobTokenAuthLogs' in n) {
    const logs = n.ciJobTokenAuthLogs;
    if (logs) {
      d.authLog = authLogPage(logs).items;
    } else {
      // A null log is a permission problem only when GitLab says so; anything else keeps GitLab's words.
      const logErrors = errors.filter((e) => (e.path ?? []).includes('ciJobTokenAuthLogs'));
      const denied = logErrors.length === 0 || logErrors.some((e) => e.message.includes(PERMISSION_TEXT));
      d.failed = denied
        ? { error: 'permission_denied', message: permissionMessage(fullPath) }
        : { error: 'error', message: `reading the authentication log of ${fullPath}: ${logErrors[0].message}` };
    }
  }
  return d;
}

function toScope(d: Draft): LiveScope {
  const self = d.fullPath.toLowerCase();
  const entry = (auto: Set<number>) => (e: { fullPath: string; id: number | undefined }): LiveEntry => ({
    fullPath: e.fullPath,
    id: e.id,
    autopopulated: e.id !== undefined && auto.has(e.id),
  });
  return {
    fullPath: d.fullPath,
    id: d.id,
    inboundJobTokenScopeEnabled: d.raw,
    ...(d.visibility !== undefined ? { visibility: d.visibility } : {}),
    // GitLab lists the project itself in its own inbound allowlist.
    projects: uniqueBy(d.projects.filter((e) => e.fullPath.toLowerCase() !== self && (d.id === undefined || e.id !== d.id))).map(entry(d.autoProjects)),
    groups: uniqueBy(d.groups).map(entry(d.autoGroups)),
    ...(d.authLog ? { authLog: d.authLog } : {}),
    ...(d.createdAt !== undefined ? { createdAt: d.createdAt } : {}),
  };
}

function entryPage(conn: unknown): Page<{ fullPath: string; id: number | undefined }> {
  const c = conn as { nodes?: unknown[]; pageInfo?: { hasNextPage?: boolean; endCursor?: string | null } } | null;
  const items = (c?.nodes ?? [])
    .filter((x): x is { fullPath: string; id?: unknown } => !!x && typeof (x as { fullPath?: unknown }).fullPath === 'string')
    .map((x) => ({ fullPath: x.fullPath, id: gidNumber(x.id) }));
  return { items, hasNextPage: !!c?.pageInfo?.hasNextPage, endCursor: c?.pageInfo?.endCursor ?? null };
}

function authLogPage(conn: unknown): Page<AuthLogEntry> {
  const c = conn as { nodes?: unknown[]; pageInfo?: { hasNextPage?: boolean; endCursor?: string | null } } | null;
  const items: AuthLogEntry[] = [];
  for (const x of c?.nodes ?? []) {
    const n = x as { originProject?: { fullPath?: unknown }; lastAuthorizedAt?: unknown } | null;
    if (n && typeof n.originProject?.fullPath === 'string' && typeof n.lastAuthorizedAt === 'string') {
      items.push({ fullPath: n.originProject.fullPath, lastAuthorizedAt: n.lastAuthorizedAt });
    }
  }
  return { items, hasNextPage: !!c?.pageInfo?.hasNextPage, endCursor: c?.pageInfo?.endCursor ?? null };
}

export function errorsAt(errors: readonly GraphQLError[], prefix: Array<string | number>): GraphQLError[] {
  return errors.filter((e) => e.path && prefix.every((p, i) => e.path?.[i] === p));
}

export function permissionMessage(fullPath: string): string {
  return `the token may not read the job-token settings of ${fullPath}; it needs the Maintainer role on the project`;
}

function sizeFromCount(count: number | undefined, have: number, max: number): number {
  if (count === undefined) return max;
  return Math.max(1, Math.min(max, count - have));
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

function uniqueBy<T extends { fullPath: string }>(list: T[]): T[] {
  const seen = new Set<string>();
  return list.filter((e) => { const k = e.fullPath.toLowerCase(); if (seen.has(k)) return false; seen.add(k); return true; });
}

/** The paths once each, case-insensitively, first spelling kept. */
export function dedupe(paths: readonly string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const p of paths) { const k = p.toLowerCase(); if (!seen.has(k)) { seen.add(k); out.push(p); } }
  return out;
}

export function chunk<T>(list: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

export function halves<T>(list: T[]): T[][] {
  const mid = Math.ceil(list.length / 2);
  return [list.slice(0, mid), list.slice(mid)].filter((l) => l.length > 0);
}

/** Splits a batch until each unit's estimated complexity fits the limit. */
export function fitBatch(batch: string[], make: (b: string[]) => QueryUnit, limits: QueryLimits): QueryUnit[] {
  const unit = make(batch);
  if (unit.cost <= limits.maxComplexity || batch.length <= 1) return [unit];
  return halves(batch).flatMap((b) => fitBatch(b, make, limits));
}
