/**
 * Job-token scope operations (GitLab's Ci::JobTokenScope services) with
 * GitLab's validations and error texts. Shared by the GraphQL mutations and the
 * REST endpoints; neither checks the rules on its own.
 */
import { canAdminProject, canReadGroup, isMemberOrAdmin, Principal } from './access';
import type { Group, Project, SandboxState, ScopeLink } from './state';

export const MAX_PROJECT_LINKS = 200;
export const MAX_GROUP_LINKS = 200;

export const MSG = {
  self: "Validation failed: Target project can't be the same as the source project",
  projectLimit: 'Validation failed: Source project exceeds the allowable number of project links in this direction',
  groupLimit: 'Validation failed: Source project exceeds the allowable number of group links',
  projectDuplicate: 'Target project is already in the job token scope',
  groupDuplicate: 'Target group is already in the job token scope',
  insufficient: 'Insufficient permissions to modify the job token scope',
  targetProjectNotFound: "The target_project that you are attempting to access does not exist or you don't have permission to perform this action",
  targetGroupNotFound: "The target_group that you are attempting to access does not exist or you don't have permission to perform this action",
  targetDoesNotExist: 'The target does not exist',
  removeSelf: 'Source project cannot be removed from the job token scope',
  projectNotInScope: 'Target project is not in the job token scope',
  groupNotInScope: 'Target group is not in the job token scope',
  linkNotFound: 'Unable to find a job token scope link for the target',
} as const;

export type ScopeFailureReason = 'validation' | 'not_found' | 'forbidden';
export type ScopeResult<T> = { ok: true; value: T } | { ok: false; reason: ScopeFailureReason; message: string };

const fail = <T>(reason: ScopeFailureReason, message: string): ScopeResult<T> => ({ ok: false, reason, message });

export interface LinkOptions {
  readonly defaultPermissions?: boolean;
  readonly jobTokenPolicies?: readonly string[];
  readonly autopopulated?: boolean;
}

export class ScopeService {
  constructor(private readonly state: SandboxState) {}

  addProject(source: Project, target: Project, actor: Principal, opts: LinkOptions = {}): ScopeResult<ScopeLink> {
    if (!canAdminProject(actor, source)) return fail('forbidden', MSG.insufficient);
    if (target.visibility !== 'public' && !isMemberOrAdmin(actor, target)) return fail('not_found', MSG.targetProjectNotFound);
    if (source.projectLinks.has(target.id)) return fail('validation', MSG.projectDuplicate);
    if (source.id === target.id) return fail('validation', MSG.self);
    if (source.projectLinks.size >= MAX_PROJECT_LINKS) return fail('validation', MSG.projectLimit);
    const link = this.state.newLink('project', target.id, { ...opts, addedByUserId: actor.user?.id ?? null });
    source.projectLinks.set(target.id, link);
    return { ok: true, value: link };
  }

  addGroup(source: Project, target: Group, actor: Principal, opts: LinkOptions = {}): ScopeResult<ScopeLink> {
    if (!canAdminProject(actor, source)) return fail('forbidden', MSG.insufficient);
    if (!canReadGroup(actor, target, this.state)) return fail('not_found', MSG.targetGroupNotFound);
    if (source.groupLinks.has(target.id)) return fail('validation', MSG.groupDuplicate);
    if (source.groupLinks.size >= MAX_GROUP_LINKS) return fail('validation', MSG.groupLimit);
    const link = this.state.newLink('group', target.id, { ...opts, addedByUserId: actor.user?.id ?? null });
    source.groupLinks.set(target.id, link);
    return { ok: true, value: link };
  }

  removeProject(source: Project, target: Project, actor: Principal): ScopeResult<ScopeLink> {
    if (!canAdminProject(actor, source)) return fail('forbidden', MSG.insufficient);
    if (source.id === target.id) return fail('validation', MSG.removeSelf);
    const link = source.projectLinks.get(target.id);
    if (!link) return fail('not_found', MSG.projectNotInScope);
    source.projectLinks.delete(target.id);
    return { ok: true, value: link };
  }

  removeGroup(source: Project, target: Group, actor: Principal): ScopeResult<ScopeLink> {
    if (!canAdminProject(actor, source)) return fail('forbidden', MSG.insufficient);
    const link = source.groupLinks.get(target.id);
    if (!link) return fail('not_found', MSG.groupNotInScope);
    source.groupLinks.delete(target.id);
    return { ok: true, value: link };
  }

  updatePolicies(source: Project, target: Project | Group, isGroup: boolean, actor: Principal,
    defaultPermissions: boolean, jobTokenPolicies: readonly string[]): ScopeResult<ScopeLink> {
    if (!canAdminProject(actor, source)) return fail('forbidden', MSG.insufficient);
    const link = isGroup ? source.groupLinks.get(target.id) : source.projectLinks.get(target.id);
    if (!link) return fail('not_found', MSG.linkNotFound);
    link.defaultPermissions = defaultPermissions;
    link.jobTokenPolicies = [...new Set(jobTokenPolicies)];
    return { ok: true, value: link };
  }

  /** Stores the project's own toggle; the effective value also depends on the instance setting. */
  setInboundEnabled(project: Project, enabled: boolean): void {
    project.inboundEnabled = enabled;
  }

  /**
   * Adds every origin of the authentication log to the allowlist, marked
   * autopopulated. When they do not fit in the 200 project entries, origins are
   * compacted into their groups (the group covering most origins first).
   */
  autopopulate(source: Project, actor: Principal): ScopeResult<'complete'> {
    if (!canAdminProject(actor, source)) return fail('forbidden', MSG.insufficient);
    const origins = [...source.authLog.keys()]
      .filter((id) => id !== source.id && !source.projectLinks.has(id) && this.state.projects.has(id))
      .map((id) => this.state.projects.get(id)!)
      .filter((p) => !this.coveredByGroupLink(source, p));
    const room = MAX_PROJECT_LINKS - source.projectLinks.size;
    const groups: Group[] = [];
    let remaining = origins;
    while (remaining.length > room) {
      const counts = new Map<Group, number>();
      for (const p of remaining) for (const g of this.state.groupChain(p.namespace)) counts.set(g, (counts.get(g) ?? 0) + 1);
      // Deepest group that covers at least two origins, else the one covering most.
      const best = [...counts.entries()].sort((a, b) => b[1] - a[1] || b[0].fullPath.length - a[0].fullPath.length)[0];
      if (!best) break;
      groups.push(best[0]);
      remaining = remaining.filter((p) => !this.state.isUnder(p, best[0]));
    }
    if (source.groupLinks.size + groups.filter((g) => !source.groupLinks.has(g.id)).length > MAX_GROUP_LINKS) {
      return fail('validation', MSG.groupLimit);
    }
    for (const g of groups) {
      if (!source.groupLinks.has(g.id)) {
        source.groupLinks.set(g.id, this.state.newLink('group', g.id, { autopopulated: true, addedByUserId: actor.user?.id ?? null }));
      }
    }
    for (const p of remaining) {
      source.projectLinks.set(p.id, this.state.newLink('project', p.id, { autopopulated: true, addedByUserId: actor.user?.id ?? null }));
    }
    return { ok: true, value: 'complete' };
  }

  clearAutopopulated(source: Project, actor: Principal): ScopeResult<'complete'> {
    if (!canAdminProject(actor, source)) return fail('forbidden', MSG.insufficient);
    for (const [id, link] of source.projectLinks) if (link.autopopulated) source.projectLinks.delete(id);
    for (const [id, link] of source.groupLinks) if (link.autopopulated) source.groupLinks.delete(id);
    return { ok: true, value: 'complete' };
  }

  private coveredByGroupLink(source: Project, p: Project): boolean {
    for (const g of this.state.groupChain(p.namespace)) if (source.groupLinks.has(g.id)) return true;
    return false;
  }
}

/** Effective inbound enforcement: the project's own value OR the instance-wide enforcement. */
export function inboundEffective(state: SandboxState, project: Project): boolean {
  return project.inboundEnabled || state.instance.enforceAllowlist;
}
