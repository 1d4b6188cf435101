import type { GitLabHttp } from '../gitlab/http';
import { estimateComplexity } from '../live/complexity';
import { QueryUnit, runUnits } from '../live/engine';
import { byPath } from '../source/literals';
import { GITLAB_LIMITS } from '../live/types';

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

interface GroupNode {
  fullPath?: string;
  projects?: { nodes?: Array<{ fullPath?: unknown } | null>; pageInfo?: { hasNextPage?: boolean; endCursor?: string | null } } | null;
}

/**
 * Full paths of the projects in `group` (and its subgroups when asked), sorted.
 * Sent through the live reader's engine, so a refused token is handled as in
 * drift. Throws `GroupReadError` when the group does not exist, is invisible or
 * cannot be listed, and `FatalReadError` when GitLab refuses the token.
 */
export async function listGroupProjects(http: GitLabHttp, group: string, includeSubgroups: boolean): Promise<string[]> {
  const out: string[] = [];
  let failure: string | undefined;
  const page = (after: string | null): QueryUnit => {
    const variables = { group, sub: includeSubgroups, n: 100, after };
    return {
      query: GROUP_PROJECTS_QUERY,
      variables,
      cost: estimateComplexity(GROUP_PROJECTS_QUERY, variables),
      split: () => undefined,
      fail: (message) => { failure = `listing the projects of ${group}: ${message}`; },
      handle: (r) => {
        const node = r.data?.group as GroupNode | null | undefined;
        if (!node) {
          failure = r.errors[0] ? `listing the projects of ${group}: ${r.errors[0].message}` : `GitLab has no group ${group}, or the token cannot see it`;
          return [];
        }
        for (const p of node.projects?.nodes ?? []) if (p && typeof p.fullPath === 'string') out.push(p.fullPath);
        const info = node.projects?.pageInfo;
        return info?.hasNextPage && info.endCursor ? [page(info.endCursor)] : [];
      },
    };
  };
  await runUnits(http, [page(null)], { concurrency: 1, limits: GITLAB_LIMITS });
  if (failure) throw new GroupReadError(failure);
  return [...new Set(out)].sort(byPath);
}
