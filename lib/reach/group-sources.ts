import type { GroupProjectsResult } from '../live/group-projects';
import type { GroupMembers } from './types';

/**
 * Members of groups taken from a list of project paths already at hand (the
 * projects listed for the graph, or the lock file's): every path under the
 * group, at any depth. GitLab paths nest, so this is the group's reach as far
 * as the list knows its projects.
 */
export function localMembers(groups: readonly string[], projects: readonly string[], source: GroupMembers['source']): Map<string, GroupMembers> {
  const out = new Map<string, GroupMembers>();
  if (groups.length === 0) return out;
  const byPrefix = new Map<string, string[]>();
  for (const g of groups) byPrefix.set(g.toLowerCase(), []);
  for (const p of projects) {
    const parts = p.toLowerCase().split('/');
    for (let i = 1; i < parts.length; i++) byPrefix.get(parts.slice(0, i).join('/'))?.push(p);
  }
  for (const g of groups) out.set(g.toLowerCase(), { group: g, projects: byPrefix.get(g.toLowerCase()) ?? [], source });
  return out;
}

/** Local members plus GitLab's answers; a group GitLab could not list has no members and a warning. */
export function mergeGroups(
  local: Map<string, GroupMembers>,
  remote: readonly string[],
  found: ReadonlyMap<string, GroupProjectsResult>,
  warnings: string[],
): Map<string, GroupMembers> {
  const out = new Map(local);
  for (const g of remote) {
    const r = found.get(g.toLowerCase());
    if (!r || 'error' in r) {
      const error = r ? r.message : `${g} was not listed`;
      warnings.push(`group entry ${g}: its projects could not be listed (${error}); no edges are drawn for it`);
      out.set(g.toLowerCase(), { group: g, projects: [], source: 'gitlab', error });
      continue;
    }
    out.set(g.toLowerCase(), { group: r.fullPath, projects: r.projects.map((p) => p.fullPath), source: 'gitlab' });
  }
  return out;
}
