/**
 * Resolvers: view objects whose properties and methods graphql-js's default
 * field resolver reads (a method is called with `(args, context)`). Permission
 * failures throw GitLab's "resource not available" error, which graphql-js
 * turns into a `null` field plus an `errors[]` entry with locations and path.
 */
import { GraphQLError } from 'graphql';
import { canAdminProject, canReadGroup, canReadProject, Principal, projectAccessLevel } from '../access';
import type { ScopeService } from '../scope';
import type { Group, Project, SandboxState, ScopeLink, User } from '../state';
import { groupWebUrl, GUEST, projectWebUrl } from '../state';
import { ALLOWLIST_PAGE_SIZE } from './complexity';
import { Connection, ConnectionArgs, paginate } from './connection';

export const RESOURCE_NOT_AVAILABLE =
  "The resource that you are attempting to access does not exist or you don't have permission to perform this action";
export const MAX_FULL_PATHS = 50;

export interface GqlContext {
  readonly state: SandboxState;
  readonly scope: ScopeService;
  readonly principal: Principal;
  readonly baseUrl: string;
  readonly complexity: { readonly score: number; readonly limit: number };
}

const projectGid = (id: number): string => `gid://gitlab/Project/${id}`;
const groupGid = (id: number): string => `gid://gitlab/Group/${id}`;
const userGid = (id: number): string => `gid://gitlab/User/${id}`;

export function notAvailable(): never {
  throw new GraphQLError(RESOURCE_NOT_AVAILABLE);
}

/** `UserCore` and `CurrentUser`: the same fields, told apart only by their type name. */
class UserView {
  readonly avatarUrl = null;
  readonly publicEmail = null;
  readonly state = 'active';
  readonly id: string;
  readonly username: string;
  readonly name: string;
  readonly bot: boolean;
  readonly webUrl: string;
  constructor(user: User, baseUrl: string, readonly __typename: 'UserCore' | 'CurrentUser' = 'UserCore') {
    this.id = userGid(user.id);
    this.username = user.username;
    this.name = user.name;
    this.bot = user.bot;
    this.webUrl = `${baseUrl}/${user.username}`;
  }
}

/** `CiJobTokenAccessibleProject` or `CiJobTokenAccessibleGroup`: the same fields in GitLab's schema. */
class AccessibleView {
  readonly avatarUrl = null;
  private constructor(
    readonly __typename: 'CiJobTokenAccessibleProject' | 'CiJobTokenAccessibleGroup',
    readonly id: string, readonly fullPath: string, readonly name: string, readonly path: string, readonly webUrl: string,
  ) {}

  static ofProject(p: Project, baseUrl: string): AccessibleView {
    return new AccessibleView('CiJobTokenAccessibleProject', projectGid(p.id), p.fullPath, p.name, p.path, projectWebUrl(baseUrl, p));
  }

  static ofGroup(g: Group, baseUrl: string): AccessibleView {
    return new AccessibleView('CiJobTokenAccessibleGroup', groupGid(g.id), g.fullPath, g.name, g.path, groupWebUrl(baseUrl, g));
  }
}

export class CiCdSettingView {
  constructor(private readonly settingsOf: Project) {}
  inboundJobTokenScopeEnabled(): boolean {
    return this.settingsOf.inboundEnabled;
  }
  jobTokenScopeEnabled(): boolean {
    return this.settingsOf.outboundEnabled;
  }
  pushRepositoryForJobTokenAllowed(): boolean {
    return this.settingsOf.pushRepositoryForJobTokenAllowed;
  }
  project(): ProjectView {
    return new ProjectView(this.settingsOf);
  }
}

function byLinkId(l: ScopeLink): number {
  return l.id;
}

export class AllowlistEntryView {
  readonly direction = 'inbound';
  readonly autopopulated: boolean;
  readonly createdAt: string;
  constructor(private readonly source: Project, private readonly link: ScopeLink) {
    this.autopopulated = link.autopopulated;
    this.createdAt = link.createdAt;
  }
  /** `allowlist_entry_type.rb`: with `add_policies_to_ci_job_token` off, always the default permissions. */
  defaultPermissions(_args: unknown, ctx: GqlContext): boolean {
    return ctx.state.policiesEnabled() ? this.link.defaultPermissions : true;
  }
  /** With the flag off, `null` (not an empty list): GitLab returns before reading the entry's policies. */
  jobTokenPolicies(_args: unknown, ctx: GqlContext): string[] | null {
    return ctx.state.policiesEnabled() ? this.link.jobTokenPolicies : null;
  }
  sourceProject(): ProjectView {
    return new ProjectView(this.source);
  }
  target(_args: unknown, ctx: GqlContext): AccessibleView | null {
    if (this.link.targetType === 'project') {
      const p = ctx.state.projects.get(this.link.targetId);
      return p ? AccessibleView.ofProject(p, ctx.baseUrl) : null;
    }
    const g = ctx.state.groups.get(this.link.targetId);
    return g ? AccessibleView.ofGroup(g, ctx.baseUrl) : null;
  }
  addedBy(_args: unknown, ctx: GqlContext): UserView | null {
    const u = this.link.addedByUserId !== null ? ctx.state.users.get(this.link.addedByUserId) : undefined;
    return u ? new UserView(u, ctx.baseUrl) : null;
  }
}

/** `CiJobTokenScopeAllowlist`: its two lists page up to 200 entries. */
class ScopeAllowlistView {
  constructor(private readonly project: Project) {}
  projectsAllowlist(args: ConnectionArgs): Connection<AllowlistEntryView> {
    return paginate([...this.project.projectLinks.values()], args,
      { keyOf: byLinkId, toNode: (l) => new AllowlistEntryView(this.project, l), maxPageSize: ALLOWLIST_PAGE_SIZE });
  }
  groupsAllowlist(args: ConnectionArgs): Connection<AllowlistEntryView> {
    return paginate([...this.project.groupLinks.values()], args,
      { keyOf: byLinkId, toNode: (l) => new AllowlistEntryView(this.project, l), maxPageSize: ALLOWLIST_PAGE_SIZE });
  }
}

/** An inbound allowlist row: the project itself (key 0, always first) or a link. */
interface InboundRow { readonly key: number; readonly project: Project }

export class JobTokenScopeView {
  constructor(private readonly project: Project) {}
  private inboundRows(ctx: GqlContext): InboundRow[] {
    const rows: InboundRow[] = [{ key: 0, project: this.project }];
    for (const link of this.project.projectLinks.values()) {
      const p = ctx.state.projects.get(link.targetId);
      if (p) rows.push({ key: link.id, project: p });
    }
    return rows;
  }
  inboundAllowlist(args: ConnectionArgs, ctx: GqlContext): Connection<AccessibleView> {
    return paginate(this.inboundRows(ctx), args, { keyOf: (r) => r.key, toNode: (r) => AccessibleView.ofProject(r.project, ctx.baseUrl) });
  }
  inboundAllowlistCount(): number {
    return this.project.projectLinks.size + 1;
  }
  groupsAllowlist(args: ConnectionArgs, ctx: GqlContext): Connection<AccessibleView> {
    const links = [...this.project.groupLinks.values()];
    return paginate(links, args, { keyOf: byLinkId, toNode: (l) => AccessibleView.ofGroup(ctx.state.groups.get(l.targetId)!, ctx.baseUrl) });
  }
  groupsAllowlistCount(): number {
    return this.project.groupLinks.size;
  }
  inboundAllowlistAutopopulatedIds(): string[] {
    return [...this.project.projectLinks.values()].filter((l) => l.autopopulated).map((l) => projectGid(l.targetId));
  }
  groupAllowlistAutopopulatedIds(): string[] {
    return [...this.project.groupLinks.values()].filter((l) => l.autopopulated).map((l) => groupGid(l.targetId));
  }
  /** Outbound scope was removed in 18.0; the list holds only the project itself. */
  outboundAllowlist(args: ConnectionArgs): Connection<ProjectView> {
    return paginate([this.project], args, { keyOf: (p) => p.id, toNode: (p) => new ProjectView(p) });
  }
  projects(args: ConnectionArgs): Connection<ProjectView> {
    return this.outboundAllowlist(args);
  }
}

class AuthLogView {
  constructor(readonly originProject: AccessibleView, readonly lastAuthorizedAt: string) {}
}

export class ProjectView {
  readonly __typename = 'Project';
  readonly archived = false;
  readonly id: string;
  readonly fullPath: string;
  readonly name: string;
  readonly path: string;
  readonly visibility: string;
  readonly createdAt: string;
  constructor(private readonly project: Project) {
    this.id = projectGid(project.id);
    this.createdAt = project.createdAt;
    this.fullPath = project.fullPath;
    this.name = project.name;
    this.path = project.path;
    this.visibility = project.visibility;
  }
  nameWithNamespace(_args: unknown, ctx: GqlContext): string {
    return ctx.state.nameWithNamespace(this.project);
  }
  webUrl(_args: unknown, ctx: GqlContext): string {
    return projectWebUrl(ctx.baseUrl, this.project);
  }
  group(_args: unknown, ctx: GqlContext): GroupView | null {
    return canReadGroup(ctx.principal, this.project.namespace, ctx.state) ? new GroupView(this.project.namespace) : null;
  }
  /**
   * `ProjectCiCdSetting` is authorized at the type level (`authorize
   * :admin_project` in ci_cd_setting_type.rb): graphql-ruby's
   * `unauthorized_object` answers null without an error (see README).
   */
  ciCdSettings(_args: unknown, ctx: GqlContext): CiCdSettingView | null {
    return canAdminProject(ctx.principal, this.project) ? new CiCdSettingView(this.project) : null;
  }
  ciJobTokenScope(_args: unknown, ctx: GqlContext): JobTokenScopeView {
    if (!canAdminProject(ctx.principal, this.project)) notAvailable();
    return new JobTokenScopeView(this.project);
  }
  ciJobTokenScopeAllowlist(_args: unknown, ctx: GqlContext): ScopeAllowlistView {
    if (!canAdminProject(ctx.principal, this.project)) notAvailable();
    return new ScopeAllowlistView(this.project);
  }
  /** Rows whose origin project was deleted are left out, count included (`with_existing_origin_projects`). */
  ciJobTokenAuthLogs(args: ConnectionArgs, ctx: GqlContext): Connection<AuthLogView> {
    if (!canAdminProject(ctx.principal, this.project)) notAvailable();
    const rows = [...this.project.authLog.entries()].filter(([id]) => ctx.state.projects.has(id)).sort((a, b) => a[0] - b[0]);
    return paginate(rows, args, {
      keyOf: (r) => r[0],
      toNode: ([originId, at]) => new AuthLogView(AccessibleView.ofProject(ctx.state.projects.get(originId)!, ctx.baseUrl), at),
    });
  }
}

export class GroupView {
  readonly __typename = 'Group';
  readonly id: string;
  readonly fullPath: string;
  readonly name: string;
  readonly path: string;
  readonly visibility: string;
  constructor(private readonly group: Group) {
    this.id = groupGid(group.id);
    this.fullPath = group.fullPath;
    this.name = group.name;
    this.path = group.path;
    this.visibility = group.visibility;
  }
  fullName(_args: unknown, ctx: GqlContext): string {
    return ctx.state.fullName(this.group);
  }
  webUrl(_args: unknown, ctx: GqlContext): string {
    return groupWebUrl(ctx.baseUrl, this.group);
  }
  parent(_args: unknown, ctx: GqlContext): GroupView | null {
    const p = this.group.parent;
    return p && canReadGroup(ctx.principal, p, ctx.state) ? new GroupView(p) : null;
  }
  projects(args: ConnectionArgs & { includeSubgroups?: boolean | null; search?: string | null }, ctx: GqlContext): Connection<ProjectView> {
    const all = ctx.state.groupProjects(this.group, args.includeSubgroups ?? false);
    const search = args.search?.toLowerCase();
    return paginate(all, args, {
      keyOf: (p) => p.id,
      toNode: (p) => new ProjectView(p),
      visible: (p) => canReadProject(ctx.principal, p) && (!search || p.fullPath.toLowerCase().includes(search)),
    });
  }
}

interface ProjectsArgs extends ConnectionArgs {
  fullPaths?: string[] | null;
  ids?: string[] | null;
  membership?: boolean | null;
  search?: string | null;
}

export function queryRoot(): Record<string, unknown> {
  return {
    project(args: { fullPath: string }, ctx: GqlContext): ProjectView | null {
      const p = ctx.state.projectByPath(args.fullPath);
      return p && canReadProject(ctx.principal, p) ? new ProjectView(p) : null;
    },
    projects(args: ProjectsArgs, ctx: GqlContext): Connection<ProjectView> {
      const { state, principal } = ctx;
      if (args.fullPaths && args.fullPaths.length > MAX_FULL_PATHS) throw new GraphQLError(`You cannot provide more than ${MAX_FULL_PATHS} full_paths`);
      const byGid = (gid: string): Project | undefined => {
        const m = /^gid:\/\/gitlab\/Project\/(\d+)$/.exec(gid);
        return m ? state.projects.get(Number(m[1])) : undefined;
      };
      // Named projects that exist, once each; unknown ones are simply absent. Newest (highest id) first.
      const named = args.fullPaths?.map((path) => state.projectByPath(path)) ?? args.ids?.map(byGid);
      const candidates = named
        ? [...new Set(named.filter((p): p is Project => p !== undefined))].sort((a, b) => b.id - a.id)
        : state.projectsById.slice().reverse();
      const search = args.search?.toLowerCase();
      const uid = principal.user?.id;
      return paginate(candidates, args, {
        keyOf: (p) => p.id,
        desc: true,
        toNode: (p) => new ProjectView(p),
        visible: (p) => canReadProject(principal, p)
          && (!args.membership || (uid !== undefined && projectAccessLevel(p, uid) >= GUEST))
          && (!search || p.fullPath.toLowerCase().includes(search)),
      });
    },
    group(args: { fullPath: string }, ctx: GqlContext): GroupView | null {
      const g = ctx.state.groupByPath(args.fullPath);
      return g && canReadGroup(ctx.principal, g, ctx.state) ? new GroupView(g) : null;
    },
    /** `Query.groups(ids:, search:)`: visible groups, by id (GitLab sorts by name; clients here only look ids up). */
    groups(args: ConnectionArgs & { ids?: string[] | null; search?: string | null }, ctx: GqlContext): Connection<GroupView> {
      const { state, principal } = ctx;
      const byGid = (gid: string): Group | undefined => {
        const m = /^gid:\/\/gitlab\/Group\/(\d+)$/.exec(gid);
        return m ? state.groups.get(Number(m[1])) : undefined;
      };
      const all = args.ids ? args.ids.map(byGid).filter((g): g is Group => g !== undefined) : [...state.groups.values()];
      const candidates = [...new Set(all)].sort((a, b) => a.id - b.id);
      const search = args.search?.toLowerCase();
      return paginate(candidates, args, {
        keyOf: (g) => g.id,
        toNode: (g) => new GroupView(g),
        visible: (g) => canReadGroup(principal, g, state) && (!search || g.fullPath.toLowerCase().includes(search)),
      });
    },
    currentUser(_args: unknown, ctx: GqlContext): UserView | null {
      return ctx.principal.user ? new UserView(ctx.principal.user, ctx.baseUrl, 'CurrentUser') : null;
    },
    queryComplexity(_args: unknown, ctx: GqlContext) {
      return { score: ctx.complexity.score, limit: ctx.complexity.limit };
    },
    metadata(_args: unknown, ctx: GqlContext) {
      return { enterprise: ctx.state.instance.version.endsWith('-ee'), revision: ctx.state.instance.revision, version: ctx.state.instance.version };
    },
  };
}
