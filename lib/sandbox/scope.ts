/**
 * Job-token scope operations (GitLab's Ci::JobTokenScope services) with
 * GitLab's validations and error texts. Shared by the GraphQL mutations and the
 * REST endpoints; neither checks the rules on its own.
 *
 * Texts the facts sheet does not give are GitLab's own, read from
 * gitlabhq/gitlabhq: app/services/ci/job_token_scope/{add_project,add_group,
 * remove_project,remove_group,update_policies}_service.rb,
 * app/services/concerns/ci/job_token_scope/edit_scope_validations.rb and
 * app/services/ci/job_token/autopopulate_allowlist_service.rb.
 */
import { canAdminProject, canReadGroup, canReadProject, isMemberOrAdmin, Principal } from './access';
import type { Group, Project, SandboxState, ScopeLink } from './state';

export const MAX_PROJECT_LINKS = 200;
export const MAX_GROUP_LINKS = 200;

export const MSG = {
  self: "Validation failed: Target project can't be the same as the source project",
  projectLimit: 'Validation failed: Source project exceeds the allowable number of project links in this direction',
  groupLimit: 'Validation failed: Source project exceeds the allowable number of group links',
  /** `rescue ActiveRecord::RecordNotUnique` in AddProjectService / AddGroupService (17.8+). */
  projectDuplicate: 'This project is already in the job token allowlist.',
  groupDuplicate: 'This group is already in the job token allowlist.',
  insufficient: 'Insufficient permissions to modify the job token scope',
  targetProjectNotFound: "The target_project that you are attempting to access does not exist or you don't have permission to perform this action",
  targetGroupNotFound: "The target_group that you are attempting to access does not exist or you don't have permission to perform this action",
  /** EditScopeValidations::TARGET_DOES_NOT_EXIST (ciJobTokenScopeAddGroupOrProject). */
  groupOrProjectDoesNotExist: 'The group or project does not exist.',
  /** UpdatePoliciesService: unknown target, no permission, no entry. */
  targetDoesNotExist: 'The target does not exist',
  policiesInsufficient: 'You have insufficient permission to update this job token scope',
  linkNotFound: 'Unable to find a job token scope for the given project & target',
  removeSelf: 'Source project cannot be removed from the job token scope',
  projectNotInScope: 'Target project is not in the job token scope',
  groupNotInScope: 'Target group is not in the job token scope',
} as const;

/** `forbidden` is GitLab's `reason: :insufficient_permissions` (REST DELETE answers it with 403). */
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

  /** `Ci::JobToken::Allowlist#add!`: with `add_policies_to_ci_job_token` off, policies are dropped and the default kept. */
  private linkOptions(opts: LinkOptions): LinkOptions {
    return this.state.policiesEnabled() ? opts : { ...opts, defaultPermissions: true, jobTokenPolicies: [] };
  }

  addProject(source: Project, target: Project, actor: Principal, opts: LinkOptions = {}): ScopeResult<ScopeLink> {
    if (!canAdminProject(actor, source)) return fail('forbidden', MSG.insufficient);
    if (target.visibility !== 'public' && !isMemberOrAdmin(actor, target)) return fail('not_found', MSG.targetProjectNotFound);
    // Model validations (self, limit) run before the unique index refuses a duplicate.
    if (source.id === target.id) return fail('validation', MSG.self);
    if (source.projectLinks.size >= MAX_PROJECT_LINKS) return fail('validation', MSG.projectLimit);
    if (source.projectLinks.has(target.id)) return fail('validation', MSG.projectDuplicate);
    const link = this.state.newLink('project', target.id, { ...this.linkOptions(opts), addedByUserId: actor.user?.id ?? null });
    source.projectLinks.set(target.id, link);
    return { ok: true, value: link };
  }

  addGroup(source: Project, target: Group, actor: Principal, opts: LinkOptions = {}): ScopeResult<ScopeLink> {
    if (!canAdminProject(actor, source)) return fail('forbidden', MSG.insufficient);
    if (!canReadGroup(actor, target, this.state)) return fail('not_found', MSG.targetGroupNotFound);
    if (source.groupLinks.size >= MAX_GROUP_LINKS) return fail('validation', MSG.groupLimit);
    if (source.groupLinks.has(target.id)) return fail('validation', MSG.groupDuplicate);
    const link = this.state.newLink('group', target.id, { ...this.linkOptions(opts), addedByUserId: actor.user?.id ?? null });
    source.groupLinks.set(target.id, link);
    return { ok: true, value: link };
  }

  /** `target` undefined: GitLab passes the failed lookup on and answers "not in the job token scope". */
  removeProject(source: Project, target: Project | undefined, actor: Principal): ScopeResult<ScopeLink> {
    if (!canAdminProject(actor, source)) return fail('forbidden', MSG.insufficient);
    if (!target) return fail('not_found', MSG.projectNotInScope);
    if (source.id === target.id) return fail('validation', MSG.removeSelf);
    const link = source.projectLinks.get(target.id);
    if (!link) return fail('not_found', MSG.projectNotInScope);
    source.projectLinks.delete(target.id);
    return { ok: true, value: link };
  }

  removeGroup(source: Project, target: Group | undefined, actor: Principal): ScopeResult<ScopeLink> {
    if (!canAdminProject(actor, source)) return fail('forbidden', MSG.insufficient);
    const link = target && source.groupLinks.get(target.id);
    if (!link) return fail('not_found', MSG.groupNotInScope);
    source.groupLinks.delete(target.id);
    return { ok: true, value: link };
  }

  /** The target as GitLab looks it up: a group first, then a project; undefined when neither exists. */
  updatePolicies(source: Project, target: { group: Group } | { project: Project } | undefined, actor: Principal,
    defaultPermissions: boolean, jobTokenPolicies: readonly string[]): ScopeResult<ScopeLink> {
    if (!target) return fail('not_found', MSG.targetDoesNotExist);
    const readable = 'group' in target ? canReadGroup(actor, target.group, this.state) : canReadProject(actor, target.project);
    if (!canAdminProject(actor, source) || !readable) return fail('forbidden', MSG.policiesInsufficient);
    const link = 'group' in target ? source.groupLinks.get(target.group.id) : source.projectLinks.get(target.project.id);
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
   * `ciJobTokenScopeAutopopulateAllowlist`: clears the entries an earlier run
   * autopopulated (ClearAutopopulatedAllowlistService), then adds every origin
   * of the authentication log, marked autopopulated, and turns the project's
   * allowlist on (AutopopulateAllowlistService#enable_enforcement!). When the
   * origins do not fit in the 200 project entries, they are compacted into
   * their groups (the group covering most origins first). Origins that were
   * deleted are not in the log GitLab reads.
   */
  autopopulate(source: Project, actor: Principal): ScopeResult<'complete'> {
    if (!canAdminProject(actor, source)) return fail('forbidden', MSG.insufficient);
    const cleared = this.clearAutopopulated(source, actor);
    if (!cleared.ok) return cleared;
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
    source.inboundEnabled = true;
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
