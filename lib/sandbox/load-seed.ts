/** Builds the sandbox state from a seed: implicit groups, deterministic ids, bot users for access tokens. */
import { createHash } from 'crypto';
import {
  allowlistEntryPath, ancestorPaths, parseSeed, RoleName, SeedAllowlistEntry, SeedFile, Visibility,
} from './seed';
import { ACCESS_LEVEL, Group, Project, SandboxState, SEED_TIME, Token } from './state';
import { Clock, sandboxClock } from './clock';

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
export function loadSeed(input: string | unknown, now?: Clock): SandboxState {
  const seed: SeedFile = parseSeed(input);
  const state = new SandboxState(seed.instance ?? {}, sandboxClock(now, seed.instance?.now));

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
      createdAt: p.createdAt !== undefined ? new Date(p.createdAt).toISOString() : SEED_TIME,
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
