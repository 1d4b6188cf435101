import type { GitLabHttp } from '../gitlab/http';
import { FatalReadError } from '../live/engine';

/** A page of a group's projects; paths only, so 100 per page stays far under GitLab's complexity limit. */
export const GROUP_PROJECTS_QUERY = `query TokenscopeGroupProjects($group: ID!, $sub: Boolean, $n: Int, $after: String) {
  group(fullPath: $group) {
    fullPath
    projects(includeSubgroups: $sub, first: $n, after: $after) {
      nodes { fullPath }
      pageInfo { hasNextPage endCursor }
    }
  }
}`;

export class GroupReadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GroupReadError';
  }
}

/**
 * Full paths of the projects in `group` (and its subgroups when asked), sorted.
 * Throws `GroupReadError` when the group does not exist or is invisible, and
 * `FatalReadError` when GitLab refuses the token.
 */
export async function listGroupProjects(http: GitLabHttp, group: string, includeSubgroups: boolean): Promise<string[]> {
  const out: string[] = [];
  let after: string | null = null;
  for (let page = 0; page < 10_000; page++) {
    const res = await http.graphql({
      query: GROUP_PROJECTS_QUERY,
      variables: { group, sub: includeSubgroups, n: 100, after },
      operationName: 'TokenscopeGroupProjects',
    });
    const body = res.json as { data?: { group?: GroupNode | null } | null; errors?: Array<{ message?: string }>; message?: string } | undefined;
    const firstError = body?.errors?.[0]?.message ?? body?.message;
    if (res.status === 401) throw new FatalReadError(firstError ?? 'Invalid token', 401);
    if (res.status !== 200) throw new GroupReadError(`listing the projects of ${group}: HTTP ${res.status}${firstError ? `: ${firstError}` : ''}`);
    const node = body?.data?.group;
    if (node === null || (node === undefined && !firstError)) {
      throw new GroupReadError(`GitLab has no group ${group}, or the token cannot see it`);
    }
    if (!node) throw new GroupReadError(`listing the projects of ${group}: ${firstError}`);
    for (const p of node.projects?.nodes ?? []) if (p && typeof p.fullPath === 'string') out.push(p.fullPath);
    const info = node.projects?.pageInfo;
    if (!info?.hasNextPage || !info.endCursor) break;
    after = info.endCursor;
  }
  return [...new Set(out)].sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : a.toLowerCase() > b.toLowerCase() ? 1 : 0));
}

interface GroupNode {
  fullPath?: string;
  projects?: { nodes?: Array<{ fullPath?: unknown } | null>; pageInfo?: { hasNextPage?: boolean; endCursor?: string | null } } | null;
}
