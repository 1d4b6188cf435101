import { GitLabHttp, gitlabErrorText } from '../gitlab/http';
import type { IdNames, KnownName } from './names';
import type { AuthLogEntry, AuthLogs } from './risks';

/** GitLab accepts at most 50 full paths per `projects(...)` call; ids are held to the same bound. */
export const PROJECT_IDS_PER_QUERY = 50;
/** Auth-log reads per GraphQL query: about 20 complexity points each with `first: 100`, well under 250. */
export const AUTH_LOGS_PER_QUERY = 5;
const AUTH_LOG_PAGE = 100;
const AUTH_LOG_MAX_PAGES = 20;
const GROUP_LOOKUP_CONCURRENCY = 4;

export interface Lookup<T> {
  readonly value: T;
  /** What could not be read; the caller shows these and goes on. */
  readonly warnings: readonly string[];
}

const PROJECTS_BY_ID = `query tokenscopeProjectsById($ids: [ID!], $first: Int) {
  projects(ids: $ids, first: $first) { nodes { id fullPath } }
}`;

/**
 * Names ids over GitLab: projects with GraphQL `projects(ids:)` (global ids
 * `gid://gitlab/Project/N`), groups with REST `GET /groups/:id`. An id GitLab
 * does not show stays unnamed (the summary prints the id).
 */
export async function resolveIdsFromGitLab(
  http: GitLabHttp,
  ids: { projects: readonly number[]; groups: readonly number[] },
): Promise<Lookup<IdNames>> {
  const projects = new Map<number, KnownName>();
  const groups = new Map<number, KnownName>();
  const warnings: string[] = [];
  for (let i = 0; i < ids.projects.length; i += PROJECT_IDS_PER_QUERY) {
    const batch = ids.projects.slice(i, i + PROJECT_IDS_PER_QUERY);
    try {
      const res = await http.graphql({
        query: PROJECTS_BY_ID,
        operationName: 'tokenscopeProjectsById',
        variables: { ids: batch.map((id) => `gid://gitlab/Project/${id}`), first: batch.length },
      });
      const body = res.json as { data?: { projects?: { nodes?: Array<{ id?: string; fullPath?: string } | null> } | null }; errors?: Array<{ message?: string }> };
      if (res.status !== 200 || !body?.data?.projects) {
        warnings.push(`could not resolve project ids over GraphQL: HTTP ${res.status}${errText(res)}`);
        continue;
      }
      for (const n of body.data.projects.nodes ?? []) {
        const id = gidNumber(n?.id, 'Project');
        if (id !== undefined && typeof n?.fullPath === 'string') projects.set(id, { path: n.fullPath, source: 'gitlab' });
      }
    } catch (e) {
      warnings.push(`could not resolve project ids over GraphQL: ${(e as Error).message}`);
    }
  }
  await forEachLimited(ids.groups, GROUP_LOOKUP_CONCURRENCY, async (id) => {
    try {
      const res = await http.request('GET', `/api/v4/groups/${id}`, { query: { with_projects: false } });
      const body = res.json as { full_path?: unknown } | undefined;
      if (res.status === 200 && typeof body?.full_path === 'string') groups.set(id, { path: body.full_path, source: 'gitlab' });
      else if (res.status !== 404) warnings.push(`could not resolve group id ${id}: HTTP ${res.status}${errText(res)}`);
    } catch (e) {
      warnings.push(`could not resolve group id ${id}: ${(e as Error).message}`);
    }
  });
  const missing = [
    ...ids.projects.filter((id) => !projects.has(id)).map((id) => `project ${id}`),
    ...ids.groups.filter((id) => !groups.has(id)).map((id) => `group ${id}`),
  ];
  if (missing.length > 0 && warnings.length === 0) {
    warnings.push(`GitLab did not name ${missing.join(', ')} (deleted, or not visible to the token); shown as ids`);
  }
  return { value: { projects, groups }, warnings };
}

interface AuthLogField {
  count?: number;
  nodes?: Array<{ originProject?: { fullPath?: string } | null; lastAuthorizedAt?: string } | null>;
  pageInfo?: { hasNextPage?: boolean; endCursor?: string | null };
}
interface GraphQLError { message?: string; path?: Array<string | number> }

function authLogQuery(count: number): string {
  const vars = Array.from({ length: count }, (_, i) => `$p${i}: ID!`).join(', ');
  const fields = Array.from({ length: count }, (_, i) =>
    `  p${i}: project(fullPath: $p${i}) { fullPath ciJobTokenAuthLogs(first: ${AUTH_LOG_PAGE}, after: $after${i}) { count nodes { originProject { fullPath } lastAuthorizedAt } pageInfo { hasNextPage endCursor } } }`,
  ).join('\n');
  const afters = Array.from({ length: count }, (_, i) => `$after${i}: String`).join(', ');
  return `query tokenscopeAuthLogs(${vars}, ${afters}) {\n${fields}\n}`;
}

/**
 * Reads `Project.ciJobTokenAuthLogs` for each path (needs Maintainer; an
 * experiment since 17.6). A project whose log cannot be read gets a warning,
 * never a guess.
 */
export async function fetchAuthLogs(http: GitLabHttp, paths: readonly string[]): Promise<Lookup<AuthLogs>> {
  const logs = new Map<string, AuthLogEntry[]>();
  const warnings: string[] = [];
  const unique = [...new Set(paths.map((p) => p.toLowerCase()))];
  let pending = unique.map((p) => ({ path: p, after: null as string | null, pages: 0 }));
  while (pending.length > 0) {
    const next: typeof pending = [];
    for (let i = 0; i < pending.length; i += AUTH_LOGS_PER_QUERY) {
      const batch = pending.slice(i, i + AUTH_LOGS_PER_QUERY);
      const variables: Record<string, string | null> = {};
      batch.forEach((b, j) => { variables[`p${j}`] = b.path; variables[`after${j}`] = b.after; });
      let body: { data?: Record<string, { fullPath?: string; ciJobTokenAuthLogs?: AuthLogField | null } | null> | null; errors?: GraphQLError[] };
      try {
        const res = await http.graphql({ query: authLogQuery(batch.length), operationName: 'tokenscopeAuthLogs', variables });
        body = res.json as typeof body;
        if (res.status !== 200 || !body?.data) {
          for (const b of batch) warnings.push(`auth log of ${b.path} unreadable: HTTP ${res.status}${errText(res)}`);
          continue;
        }
      } catch (e) {
        for (const b of batch) warnings.push(`auth log of ${b.path} unreadable: ${(e as Error).message}`);
        continue;
      }
      batch.forEach((b, j) => {
        const alias = `p${j}`;
        const project = body.data?.[alias];
        const fieldError = (body.errors ?? []).find((e) => Array.isArray(e.path) && e.path[0] === alias);
        if (!project) {
          warnings.push(`auth log of ${b.path} unreadable: ${fieldError?.message ?? 'project not found or not visible to the token'}`);
          return;
        }
        const field = project.ciJobTokenAuthLogs;
        if (!field) {
          warnings.push(`auth log of ${b.path} unreadable: ${fieldError?.message ?? 'GitLab returned no auth log'} (needs Maintainer and GitLab 17.6+)`);
          return;
        }
        const list = logs.get(b.path) ?? [];
        for (const n of field.nodes ?? []) {
          const origin = n?.originProject?.fullPath;
          if (typeof origin === 'string' && typeof n?.lastAuthorizedAt === 'string') list.push({ origin, lastAuthorizedAt: n.lastAuthorizedAt });
        }
        logs.set(b.path, list);
        if (field.pageInfo?.hasNextPage && field.pageInfo.endCursor) {
          if (b.pages + 1 < AUTH_LOG_MAX_PAGES) next.push({ path: b.path, after: field.pageInfo.endCursor, pages: b.pages + 1 });
          else warnings.push(`auth log of ${b.path}: read the first ${AUTH_LOG_MAX_PAGES * AUTH_LOG_PAGE} of ${field.count ?? 'more'} origins only`);
        }
      });
    }
    pending = next;
  }
  return { value: logs, warnings };
}

function gidNumber(gid: unknown, type: string): number | undefined {
  if (typeof gid !== 'string') return undefined;
  const m = new RegExp(`^gid://gitlab/${type}/(\\d+)$`).exec(gid);
  return m ? Number(m[1]) : undefined;
}

function errText(res: Parameters<typeof gitlabErrorText>[0]): string {
  const t = gitlabErrorText(res);
  return t ? ` (${t})` : '';
}

async function forEachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++];
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
