/**
 * Who may see and manage what: roles inherited from parent groups, project and
 * group visibility, and the Maintainer rule for the job-token scope.
 */
import type { Group, Project, SandboxState, Token, User } from './state';
import { GUEST, MAINTAINER } from './state';

/** The authenticated caller of a request; `user` null means anonymous. */
export interface Principal {
  readonly user: User | null;
  readonly token: Token | null;
  readonly scopes: readonly string[];
}

export const ANONYMOUS: Principal = { user: null, token: null, scopes: [] };

/** Highest access level of a user on a group, counting memberships of its ancestors. */
export function groupAccessLevel(group: Group, userId: number): number {
  let level = 0;
  for (let g: Group | null = group; g; g = g.parent) level = Math.max(level, g.members.get(userId) ?? 0);
  return level;
}

/** Highest access level on a project: direct membership or inherited from its groups. */
export function projectAccessLevel(project: Project, userId: number): number {
  return Math.max(project.members.get(userId) ?? 0, groupAccessLevel(project.namespace, userId));
}

export function canReadProject(p: Principal, project: Project): boolean {
  if (project.visibility === 'public') return true;
  if (!p.user) return false;
  if (p.user.admin) return true;
  if (project.visibility === 'internal' && !p.user.bot) return true;
  return projectAccessLevel(project, p.user.id) >= GUEST;
}

/** Whether the user has at least Guest on the project (needed to add a non-public target to an allowlist). */
export function isMemberOrAdmin(p: Principal, project: Project): boolean {
  if (!p.user) return false;
  return p.user.admin || projectAccessLevel(project, p.user.id) >= GUEST;
}

export function canReadGroup(p: Principal, group: Group, state?: SandboxState): boolean {
  if (group.visibility === 'public') return true;
  if (!p.user) return false;
  if (p.user.admin) return true;
  if (group.visibility === 'internal' && !p.user.bot) return true;
  if (groupAccessLevel(group, p.user.id) >= GUEST) return true;
  // Members of something inside a private group can see the group itself.
  if (!state) return false;
  return state.memoize(`member-below:${p.user.id}:${group.id}`,
    () => state.groupProjects(group, true).some((proj) => projectAccessLevel(proj, p.user!.id) >= GUEST));
}

/** Maintainer (GitLab's `admin_project`): needed to read or change the job-token scope. */
export function canAdminProject(p: Principal, project: Project): boolean {
  if (!p.user) return false;
  return p.user.admin || projectAccessLevel(project, p.user.id) >= MAINTAINER;
}

export function hasScope(p: Principal, ...scopes: string[]): boolean {
  return scopes.some((s) => p.scopes.includes(s));
}
