/**
 * The sandbox's in-memory model of a GitLab instance (users, groups, projects,
 * job-token scope links, tokens) with the id and path indexes every request
 * uses. Built once from a validated seed by `loadSeed`.
 */
import { createHash } from 'crypto';
import {
  allowlistEntryPath, ancestorPaths, JobStatus, parseSeed, RoleName, SeedAllowlistEntry, SeedFile, TokenType, Visibility,
} from './seed';

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
  private nextLinkId = 1;
  private nextNoteId = 1;
  private nextUserId = 1;

  constructor(instance: { version?: string; enforceAllowlist?: boolean }, readonly now: () => Date = () => new Date()) {
    const version = instance.version ?? DEFAULT_VERSION;
    this.instance = {
      version: /-(ee|ce)$/.test(version) ? version : `${version}-ee`,
      revision: createHash('sha1').update(version).digest('hex').slice(0, 11),
      enforceAllowlist: instance.enforceAllowlist ?? false,
    };
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

  webUrl(baseUrl: string, fullPath: string): string {
    return `${baseUrl}/${fullPath}`;
  }
}

function titleCase(segment: string): string {
  return segment.split(/[-_.]/).filter(Boolean).map((w) => w[0].toUpperCase() + w.slice(1)).join(' ') || segment;
}

const VIS_RANK: Record<Visibility, number> = { private: 0, internal: 1, public: 2 };

function entryOptions(e: SeedAllowlistEntry): { defaultPermissions?: boolean; jobTokenPolicies?: string[] } {
  return typeof e === 'string' ? {} : { defaultPermissions: e.defaultPermissions, jobTokenPolicies: e.jobTokenPolicies };
}

/** Next free id from `start`, skipping `taken`. */
function idAllocator(taken: Set<number>): () => number {
  let next = 1;
  return () => {
    while (taken.has(next)) next++;
    taken.add(next);
    return next++;
  };
}

/**
 * Validates a seed (JSON text or parsed value) and builds the state. Ids not
 * given are assigned in seed order from 1 upwards, skipping ids given
 * explicitly, so the same seed always yields the same ids.
 */
export function loadSeed(input: string | unknown, now?: () => Date): SandboxState {
  const seed: SeedFile = parseSeed(input);
  const state = new SandboxState(seed.instance ?? {}, now);

  // Users with explicit ids first, so that assigned ids never collide with them.
  const users = [...(seed.users ?? [])].sort((a, b) => (a.id === undefined ? 1 : 0) - (b.id === undefined ? 1 : 0));
  for (const u of users) {
    state.addUser({ id: u.id, username: u.username, name: u.name ?? titleCase(u.username), admin: u.admin ?? false, bot: false });
  }
  const userId = (name: string): number => state.userByName(name)!.id;
  const members = (m: Record<string, RoleName> | undefined): Map<number, number> =>
    new Map(Object.entries(m ?? {}).map(([name, role]) => [userId(name), ACCESS_LEVEL[role]]));

  // Groups: explicit ones first (ancestors created on the way), then namespaces of projects.
  const explicitGroups = new Map((seed.groups ?? []).map((g) => [g.path.toLowerCase(), g]));
  const nextGroupId = idAllocator(new Set((seed.groups ?? []).flatMap((g) => (g.id ? [g.id] : []))));
  const explicitVisibility = new Set<Group>();
  const ensureGroup = (fullPath: string): Group => {
    const existing = state.groupByPath(fullPath);
    if (existing) return existing;
    const parentPath = ancestorPaths(fullPath).pop();
    const parent = parentPath ? ensureGroup(parentPath) : null;
    const spec = explicitGroups.get(fullPath.toLowerCase());
    const path = (spec?.path ?? fullPath).split('/').pop()!;
    const g: Group = {
      id: spec?.id ?? nextGroupId(),
      fullPath: spec?.path ?? fullPath,
      path,
      name: spec?.name ?? titleCase(path),
      parent,
      visibility: spec?.visibility ?? 'private',
      members: members(spec?.members),
      childGroups: [],
      projects: [],
    };
    if (spec?.visibility) explicitVisibility.add(g);
    state.addGroup(g);
    return g;
  };
  for (const g of seed.groups ?? []) ensureGroup(g.path);

  const seedProjects = seed.projects ?? [];
  const nextProjectId = idAllocator(new Set(seedProjects.flatMap((p) => (p.id ? [p.id] : []))));
  for (const p of seedProjects) {
    const segments = p.path.split('/');
    const path = segments.pop()!;
    const project: Project = {
      id: p.id ?? nextProjectId(),
      fullPath: p.path,
      path,
      name: p.name ?? titleCase(path),
      namespace: ensureGroup(segments.join('/')),
      visibility: p.visibility ?? 'private',
      members: members(p.members),
      inboundEnabled: p.limitAccess ?? true,
      outboundEnabled: false,
      pushRepositoryForJobTokenAllowed: p.pushRepositoryForJobTokenAllowed ?? false,
      projectLinks: new Map(),
      groupLinks: new Map(),
      authLog: new Map(),
      mergeRequests: new Map(),
      createdAt: SEED_TIME,
    };
    state.addProject(project);
  }
  state.projectsById.push(...[...state.projects.values()].sort((a, b) => a.id - b.id));

  // A group without an explicit visibility is as open as the most open project under it
  // (GitLab never lets a project be more visible than its group).
  for (const project of state.projectsById) {
    for (let g: Group | null = project.namespace; g; g = g.parent) {
      if (!explicitVisibility.has(g) && VIS_RANK[project.visibility] > VIS_RANK[g.visibility]) g.visibility = project.visibility;
    }
  }

  let lastDeletedOrigin = Math.max(0, ...state.projectsById.map((p) => p.id)) + 1000;
  const deletedOriginId = () => ++lastDeletedOrigin;
  for (const p of seedProjects) {
    const project = state.projectByPath(p.path)!;
    const autoProjects = new Set((p.autopopulated?.projects ?? []).map((s) => s.toLowerCase()));
    const autoGroups = new Set((p.autopopulated?.groups ?? []).map((s) => s.toLowerCase()));
    for (const e of p.allowlist?.projects ?? []) {
      const target = state.projectByPath(allowlistEntryPath(e))!;
      project.projectLinks.set(target.id, state.newLink('project', target.id, {
        ...entryOptions(e), autopopulated: autoProjects.has(target.fullPath.toLowerCase()), createdAt: SEED_TIME,
      }));
    }
    for (const e of p.allowlist?.groups ?? []) {
      const target = state.groupByPath(allowlistEntryPath(e))!;
      project.groupLinks.set(target.id, state.newLink('group', target.id, {
        ...entryOptions(e), autopopulated: autoGroups.has(target.fullPath.toLowerCase()), createdAt: SEED_TIME,
      }));
    }
    for (const a of p.authLog ?? []) {
      // A deleted origin keeps its row under an id no project has any more.
      const originId = a.deleted ? deletedOriginId() : state.projectByPath(a.origin)!.id;
      project.authLog.set(originId, new Date(a.lastAuthorizedAt).toISOString());
    }
  }

  for (const m of seed.mergeRequests ?? []) {
    const project = state.projectByPath(m.project)!;
    project.mergeRequests.set(m.iid, { iid: m.iid, title: m.title ?? `Merge request !${m.iid}`, notes: [] });
  }

  let jobId = 1000;
  (seed.tokens ?? []).forEach((t, index) => {
    let uid: number | null = null;
    let projectId: number | null = null;
    let groupId: number | null = null;
    const hash = createHash('sha256').update(t.token).digest('hex').slice(0, 32);
    if (t.type === 'personal' || t.type === 'oauth' || t.type === 'job') uid = userId(t.user!);
    if (t.type === 'project' || t.type === 'job' || t.type === 'deploy') projectId = state.projectByPath(t.project!)!.id;
    if (t.type === 'group') groupId = state.groupByPath(t.group!)!.id;
    const role = ACCESS_LEVEL[t.role ?? 'maintainer'];
    if (t.type === 'project') {
      const bot = state.addUser({ username: `project_${projectId}_bot_${hash}`, name: t.name ?? `${t.project} bot`, admin: false, bot: true });
      state.projects.get(projectId!)!.members.set(bot.id, role);
      uid = bot.id;
    }
    if (t.type === 'group') {
      const bot = state.addUser({ username: `group_${groupId}_bot_${hash}`, name: t.name ?? `${t.group} bot`, admin: false, bot: true });
      state.groups.get(groupId!)!.members.set(bot.id, role);
      uid = bot.id;
    }
    const token: Token = {
      id: index + 1,
      value: t.token,
      type: t.type,
      userId: uid,
      projectId,
      groupId,
      scopes: t.scopes ?? (t.type === 'job' || t.type === 'deploy' ? [] : ['api']),
      name: t.name ?? `${t.type} token ${index + 1}`,
      description: t.description ?? null,
      expiresAt: t.expiresAt ?? null,
      revoked: t.revoked ?? false,
      jobStatus: t.jobStatus ?? 'running',
      jobId: t.type === 'job' ? ++jobId : null,
      createdAt: SEED_TIME,
      lastUsedAt: null,
    };
    state.tokens.set(token.value, token);
  });
  return state;
}
