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
import { GUEST } from '../state';
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

class UserView {
  readonly __typename = 'UserCore';
  readonly avatarUrl = null;
  readonly publicEmail = null;
  readonly state = 'active';
  readonly id: string;
  readonly username: string;
  readonly name: string;
  readonly bot: boolean;
  constructor(private readonly user: User, private readonly baseUrl: string) {
    this.id = userGid(user.id);
    this.username = user.username;
    this.name = user.name;
    this.bot = user.bot;
  }
  webUrl(): string {
    return `${this.baseUrl}/${this.user.username}`;
  }
}

class AccessibleProjectView {
  readonly __typename = 'CiJobTokenAccessibleProject';
  readonly avatarUrl = null;
  readonly id: string;
  readonly fullPath: string;
  readonly name: string;
  readonly path: string;
  readonly webUrl: string;
  constructor(p: Project, baseUrl: string) {
    this.id = projectGid(p.id);
    this.fullPath = p.fullPath;
    this.name = p.name;
    this.path = p.path;
    this.webUrl = `${baseUrl}/${p.fullPath}`;
  }
}

class AccessibleGroupView {
  readonly __typename = 'CiJobTokenAccessibleGroup';
  readonly avatarUrl = null;
  readonly id: string;
  readonly fullPath: string;
  readonly name: string;
  readonly path: string;
  readonly webUrl: string;
  constructor(g: Group, baseUrl: string) {
    this.id = groupGid(g.id);
    this.fullPath = g.fullPath;
    this.name = g.name;
    this.path = g.path;
    this.webUrl = `${baseUrl}/groups/${g.fullPath}`;
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
  readonly defaultPermissions: boolean;
  readonly jobTokenPolicies: string[];
  readonly autopopulated: boolean;
  readonly createdAt: string;
  constructor(private readonly source: Project, private readonly link: ScopeLink) {
    this.defaultPermissions = link.defaultPermissions;
    this.jobTokenPolicies = link.jobTokenPolicies;
    this.autopopulated = link.autopopulated;
    this.createdAt = link.createdAt;
  }
  sourceProject(): ProjectView {
    return new ProjectView(this.source);
  }
  target(_args: unknown, ctx: GqlContext): AccessibleProjectView | AccessibleGroupView | null {
    if (this.link.targetType === 'project') {
      const p = ctx.state.projects.get(this.link.targetId);
      return p ? new AccessibleProjectView(p, ctx.baseUrl) : null;
    }
    const g = ctx.state.groups.get(this.link.targetId);
    return g ? new AccessibleGroupView(g, ctx.baseUrl) : null;
  }
  addedBy(_args: unknown, ctx: GqlContext): UserView | null {
    const u = this.link.addedByUserId !== null ? ctx.state.users.get(this.link.addedByUserId) : undefined;
    return u ? new UserView(u, ctx.baseUrl) : null;
  }
}

class ScopeAllowlistView {
  constructor(private readonly project: Project) {}
  projectsAllowlist(args: ConnectionArgs): Connection<AllowlistEntryView> {
    return paginate([...this.project.projectLinks.values()], args, { keyOf: byLinkId, toNode: (l) => new AllowlistEntryView(this.project, l) });
  }
  groupsAllowlist(args: ConnectionArgs): Connection<AllowlistEntryView> {
    return paginate([...this.project.groupLinks.values()], args, { keyOf: byLinkId, toNode: (l) => new AllowlistEntryView(this.project, l) });
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
  inboundAllowlist(args: ConnectionArgs, ctx: GqlContext): Connection<AccessibleProjectView> {
    return paginate(this.inboundRows(ctx), args, { keyOf: (r) => r.key, toNode: (r) => new AccessibleProjectView(r.project, ctx.baseUrl) });
  }
  inboundAllowlistCount(): number {
    return this.project.projectLinks.size + 1;
  }
  groupsAllowlist(args: ConnectionArgs, ctx: GqlContext): Connection<AccessibleGroupView> {
    const links = [...this.project.groupLinks.values()];
    return paginate(links, args, { keyOf: byLinkId, toNode: (l) => new AccessibleGroupView(ctx.state.groups.get(l.targetId)!, ctx.baseUrl) });
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

/** `originProject` is null when the origin was deleted; graphql-js then nulls the row and reports it, as GitLab does. */
class AuthLogView {
  constructor(readonly originProject: AccessibleProjectView | null, readonly lastAuthorizedAt: string) {}
}

export class ProjectView {
  readonly __typename = 'Project';
  readonly archived = false;
  readonly id: string;
  readonly fullPath: string;
  readonly name: string;
  readonly path: string;
  readonly visibility: string;
  constructor(private readonly project: Project) {
    this.id = projectGid(project.id);
    this.fullPath = project.fullPath;
    this.name = project.name;
    this.path = project.path;
    this.visibility = project.visibility;
  }
  nameWithNamespace(): string {
    const chain: string[] = [];
    for (let g: Group | null = this.project.namespace; g; g = g.parent) chain.unshift(g.name);
    return [...chain, this.project.name].join(' / ');
  }
  webUrl(_args: unknown, ctx: GqlContext): string {
    return `${ctx.baseUrl}/${this.project.fullPath}`;
  }
  group(_args: unknown, ctx: GqlContext): GroupView | null {
    return canReadGroup(ctx.principal, this.project.namespace, ctx.state) ? new GroupView(this.project.namespace) : null;
  }
  ciCdSettings(_args: unknown, ctx: GqlContext): CiCdSettingView {
    if (!canAdminProject(ctx.principal, this.project)) notAvailable();
    return new CiCdSettingView(this.project);
  }
  ciJobTokenScope(_args: unknown, ctx: GqlContext): JobTokenScopeView {
    if (!canAdminProject(ctx.principal, this.project)) notAvailable();
    return new JobTokenScopeView(this.project);
  }
  ciJobTokenScopeAllowlist(_args: unknown, ctx: GqlContext): ScopeAllowlistView {
    if (!canAdminProject(ctx.principal, this.project)) notAvailable();
    return new ScopeAllowlistView(this.project);
  }
  ciJobTokenAuthLogs(args: ConnectionArgs, ctx: GqlContext): Connection<AuthLogView> {
    if (!canAdminProject(ctx.principal, this.project)) notAvailable();
    const rows = [...this.project.authLog.entries()].sort((a, b) => a[0] - b[0]);
    return paginate(rows, args, {
      keyOf: (r) => r[0],
      toNode: ([originId, at]) => {
        const origin = ctx.state.projects.get(originId);
        return new AuthLogView(origin ? new AccessibleProjectView(origin, ctx.baseUrl) : null, at);
      },
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
    return ctx.state.groupChain(this.group).map((g) => g.name).join(' / ');
  }
  webUrl(_args: unknown, ctx: GqlContext): string {
    return `${ctx.baseUrl}/groups/${this.group.fullPath}`;
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

function currentUserView(ctx: GqlContext): (UserView & { __typename: string }) | null {
  const u = ctx.principal.user;
  if (!u) return null;
  const view = new UserView(u, ctx.baseUrl);
  return Object.assign(view, { __typename: 'CurrentUser' });
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
      let candidates: Project[];
      if (args.fullPaths) {
        if (args.fullPaths.length > MAX_FULL_PATHS) throw new GraphQLError(`You cannot provide more than ${MAX_FULL_PATHS} full_paths`);
        const found = new Map<number, Project>();
        for (const path of args.fullPaths) {
          const p = state.projectByPath(path);
          if (p) found.set(p.id, p);
        }
        candidates = [...found.values()].sort((a, b) => b.id - a.id);
      } else if (args.ids) {
        const found = new Map<number, Project>();
        for (const gid of args.ids) {
          const m = /^gid:\/\/gitlab\/Project\/(\d+)$/.exec(gid);
          const p = m ? state.projects.get(Number(m[1])) : undefined;
          if (p) found.set(p.id, p);
        }
        candidates = [...found.values()].sort((a, b) => b.id - a.id);
      } else {
        candidates = state.projectsById.slice().reverse();
      }
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
    currentUser(_args: unknown, ctx: GqlContext) {
      return currentUserView(ctx);
    },
    queryComplexity(_args: unknown, ctx: GqlContext) {
      return { score: ctx.complexity.score, limit: ctx.complexity.limit };
    },
    metadata(_args: unknown, ctx: GqlContext) {
      return { enterprise: ctx.state.instance.version.endsWith('-ee'), revision: ctx.state.instance.revision, version: ctx.state.instance.version };
    },
  };
}
