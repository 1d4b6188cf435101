/**
 * The sandbox's in-memory model of a GitLab instance (users, groups, projects,
 * job-token scope links, tokens) with the id and path indexes every request
 * uses. Built once from a validated seed by `loadSeed` (load-seed.ts).
 */
import { createHash } from 'crypto';
import type { JobStatus, RoleName, TokenType, Visibility } from './seed';
import { FeatureFlags, featureFlagsFor, SeedInstance } from './seed-instance';

export const ACCESS_LEVEL: Readonly<Record<RoleName, number>> = {
  guest: 10, planner: 15, reporter: 20, developer: 30, maintainer: 40, owner: 50,
};
export const GUEST = 10;
export const REPORTER = 20;
export const MAINTAINER = 40;

/** When seeded entities were "created"; fixed so that answers are repeatable. */
export const SEED_TIME = '2025-01-06T09:00:00.000Z';
export const DEFAULT_VERSION = '18.6.0';

export interface User {
  readonly id: number;
  readonly username: string;
  readonly name: string;
  readonly admin: boolean;
  readonly bot: boolean;
}

export interface Group {
  readonly id: number;
  readonly fullPath: string;
  readonly path: string;
  readonly name: string;
  readonly parent: Group | null;
  visibility: Visibility;
  readonly members: Map<number, number>;
  readonly childGroups: Group[];
  readonly projects: Project[];
}

export interface ScopeLink {
  readonly id: number;
  readonly targetType: 'project' | 'group';
  readonly targetId: number;
  defaultPermissions: boolean;
  jobTokenPolicies: string[];
  autopopulated: boolean;
  readonly addedByUserId: number | null;
  readonly createdAt: string;
}

export interface Note {
  readonly id: number;
  body: string;
  readonly authorId: number;
  readonly createdAt: string;
  updatedAt: string;
}

export interface MergeRequest {
  readonly iid: number;
  readonly title: string;
  readonly notes: Note[];
}

export interface Project {
  readonly id: number;
  readonly fullPath: string;
  readonly path: string;
  readonly name: string;
  readonly namespace: Group;
  readonly visibility: Visibility;
  readonly members: Map<number, number>;
  /** The project's own stored "limit access" value (GraphQL's raw `inboundJobTokenScopeEnabled`). */
  inboundEnabled: boolean;
  outboundEnabled: boolean;
  pushRepositoryForJobTokenAllowed: boolean;
  /** Inbound allowlist, keyed by target project id, in insertion order. */
  readonly projectLinks: Map<number, ScopeLink>;
  /** Inbound group allowlist, keyed by target group id, in insertion order. */
  readonly groupLinks: Map<number, ScopeLink>;
  /** Authentication log: origin project id -> last authorized time (ISO). */
  readonly authLog: Map<number, string>;
  readonly mergeRequests: Map<number, MergeRequest>;
  readonly createdAt: string;
}

export interface Token {
  readonly id: number;
  readonly value: string;
  readonly type: TokenType;
  /** The acting user: the owner, the bot user of a project/group token, or the job's user. */
  readonly userId: number | null;
  readonly projectId: number | null;
  readonly groupId: number | null;
  readonly scopes: readonly string[];
  readonly name: string;
  readonly description: string | null;
  readonly expiresAt: string | null;
  revoked: boolean;
  readonly jobStatus: JobStatus;
  readonly jobId: number | null;
  readonly createdAt: string;
  lastUsedAt: string | null;
}

export interface InstanceSettings {
  readonly version: string;
  readonly revision: string;
  enforceAllowlist: boolean;
  /** GitLab feature flags (instance-wide here; GitLab can also enable them per project). */
  readonly featureFlags: FeatureFlags;
}

export class SandboxState {
  readonly instance: InstanceSettings;
  readonly users = new Map<number, User>();
  readonly groups = new Map<number, Group>();
  readonly projects = new Map<number, Project>();
  readonly tokens = new Map<string, Token>();
  /** All projects, ascending id (seeded once; projects are never created at run time). */
  readonly projectsById: Project[] = [];
  private readonly usersByName = new Map<string, User>();
  private readonly groupsByPath = new Map<string, Group>();
  private readonly projectsByPath = new Map<string, Project>();
  private readonly groupProjectsCache = new Map<number, Project[]>();
  private readonly derived = new Map<string, unknown>();
  private nextLinkId = 1;
  private nextNoteId = 1;
  private nextUserId = 1;

  constructor(instance: Pick<SeedInstance, 'version' | 'enforceAllowlist' | 'featureFlags'>, readonly now: () => Date = () => new Date()) {
    const version = instance.version ?? DEFAULT_VERSION;
    this.instance = {
      version: /-(ee|ce)$/.test(version) ? version : `${version}-ee`,
      revision: createHash('sha1').update(version).digest('hex').slice(0, 11),
      enforceAllowlist: instance.enforceAllowlist ?? false,
      featureFlags: featureFlagsFor(version, instance.featureFlags),
    };
  }

  /** Whether fine-grained job-token permissions apply (`Feature.enabled?(:add_policies_to_ci_job_token, project)`). */
  policiesEnabled(): boolean {
    return this.instance.featureFlags.add_policies_to_ci_job_token;
  }

  /**
   * Caches a derived fact that only depends on memberships and the group tree,
   * which never change after seeding.
   */
  memoize<T>(key: string, compute: () => T): T {
    if (this.derived.has(key)) return this.derived.get(key) as T;
    const value = compute();
    this.derived.set(key, value);
    return value;
  }

  nowIso(): string {
    return this.now().toISOString();
  }

  userByName(name: string): User | undefined {
    return this.usersByName.get(name.toLowerCase());
  }

  groupByPath(path: string): Group | undefined {
    return this.groupsByPath.get(path.toLowerCase());
  }

  projectByPath(path: string): Project | undefined {
    return this.projectsByPath.get(path.toLowerCase());
  }

  /** `:id` of a REST route: a numeric id or a (decoded) full path. */
  findProject(idOrPath: string): Project | undefined {
    return /^\d+$/.test(idOrPath) ? this.projects.get(Number(idOrPath)) : this.projectByPath(idOrPath);
  }

  findGroup(idOrPath: string): Group | undefined {
    return /^\d+$/.test(idOrPath) ? this.groups.get(Number(idOrPath)) : this.groupByPath(idOrPath);
  }

  addUser(u: Omit<User, 'id'> & { id?: number }): User {
    let id = u.id;
    if (id === undefined) {
      while (this.users.has(this.nextUserId)) this.nextUserId++;
      id = this.nextUserId++;
    }
    const user: User = { id, username: u.username, name: u.name, admin: u.admin, bot: u.bot };
    this.users.set(id, user);
    this.usersByName.set(user.username.toLowerCase(), user);
    return user;
  }

  addGroup(g: Group): void {
    this.groups.set(g.id, g);
    this.groupsByPath.set(g.fullPath.toLowerCase(), g);
    g.parent?.childGroups.push(g);
  }

  addProject(p: Project): void {
    this.projects.set(p.id, p);
    this.projectsByPath.set(p.fullPath.toLowerCase(), p);
    p.namespace.projects.push(p);
    this.groupProjectsCache.clear();
  }

  newLink(targetType: 'project' | 'group', targetId: number, opts: {
    defaultPermissions?: boolean; jobTokenPolicies?: readonly string[]; autopopulated?: boolean;
    addedByUserId?: number | null; createdAt?: string;
  } = {}): ScopeLink {
    return {
      id: this.nextLinkId++,
      targetType,
      targetId,
      defaultPermissions: opts.defaultPermissions ?? true,
      jobTokenPolicies: [...(opts.jobTokenPolicies ?? [])],
      autopopulated: opts.autopopulated ?? false,
      addedByUserId: opts.addedByUserId ?? null,
      createdAt: opts.createdAt ?? this.nowIso(),
    };
  }

  newNoteId(): number {
    return this.nextNoteId++;
  }

  /** Every group from the outermost ancestor down to `g` itself. */
  groupChain(g: Group): Group[] {
    const chain: Group[] = [];
    for (let cur: Group | null = g; cur; cur = cur.parent) chain.push(cur);
    return chain.reverse();
  }

  /** Whether `project` lies under `group` at any depth. */
  isUnder(project: Project, group: Group): boolean {
    for (let cur: Group | null = project.namespace; cur; cur = cur.parent) if (cur === group) return true;
    return false;
  }

  /** Projects under a group (optionally its subgroups too), ascending id; cached, projects never move. */
  groupProjects(group: Group, includeSubgroups: boolean): readonly Project[] {
    const key = includeSubgroups ? group.id : -group.id;
    let list = this.groupProjectsCache.get(key);
    if (!list) {
      list = this.collectGroupProjects(group, includeSubgroups);
      this.groupProjectsCache.set(key, list);
    }
    return list;
  }

  private collectGroupProjects(group: Group, includeSubgroups: boolean): Project[] {
    if (!includeSubgroups) return [...group.projects].sort((a, b) => a.id - b.id);
    const out: Project[] = [];
    const stack = [group];
    while (stack.length) {
      const g = stack.pop()!;
      out.push(...g.projects);
      stack.push(...g.childGroups);
    }
    return out.sort((a, b) => a.id - b.id);
  }

  /** GitLab's `full_name` / `fullName`: the group names from the top, joined by " / ". */
  fullName(g: Group): string {
    return this.groupChain(g).map((x) => x.name).join(' / ');
  }

  /** GitLab's `name_with_namespace`: the group names, then the project's. */
  nameWithNamespace(p: Project): string {
    return `${this.fullName(p.namespace)} / ${p.name}`;
  }
}

export function projectWebUrl(baseUrl: string, p: Project): string {
  return `${baseUrl}/${p.fullPath}`;
}

export function groupWebUrl(baseUrl: string, g: Group): string {
  return `${baseUrl}/groups/${g.fullPath}`;
}
