/**
 * The sandbox seed file: its TypeScript types and the validation that refuses a
 * bad seed with a message naming the offending entry. Pure: no I/O.
 */
import { JOB_TOKEN_POLICIES as MODEL_POLICIES } from '../model/policies';
import { SeedInstance, validateInstance } from './seed-instance';
import { ISO_DATE_TIME, isJsonObject as isObject } from '../util/json';

export type Visibility = 'private' | 'internal' | 'public';
export type RoleName = 'guest' | 'planner' | 'reporter' | 'developer' | 'maintainer' | 'owner';
export type TokenType = 'personal' | 'project' | 'group' | 'oauth' | 'job' | 'deploy';
export type JobStatus = 'created' | 'pending' | 'running' | 'success' | 'failed' | 'canceled' | 'skipped' | 'manual';

export const VISIBILITIES: readonly Visibility[] = ['private', 'internal', 'public'];
export const ROLE_NAMES: readonly RoleName[] = ['guest', 'planner', 'reporter', 'developer', 'maintainer', 'owner'];
export const TOKEN_TYPES: readonly TokenType[] = ['personal', 'project', 'group', 'oauth', 'job', 'deploy'];
export const JOB_STATUSES: readonly JobStatus[] = ['created', 'pending', 'running', 'success', 'failed', 'canceled', 'skipped', 'manual'];
export const TOKEN_SCOPES: readonly string[] = [
  'api', 'read_api', 'read_user', 'read_repository', 'write_repository', 'read_registry', 'write_registry',
  'read_virtual_registry', 'write_virtual_registry', 'sudo', 'admin_mode', 'create_runner', 'manage_runner',
  'ai_features', 'k8s_proxy', 'self_rotate', 'read_service_ping', 'openid', 'profile', 'email',
];

/** Fine-grained job-token permissions (GitLab enum `CiJobTokenScopePolicies`): the one list, in lib/model. */
export const JOB_TOKEN_POLICIES: readonly string[] = MODEL_POLICIES;

export type { SeedInstance } from './seed-instance';

export interface SeedUser {
  username: string;
  admin?: boolean;
  name?: string;
  id?: number;
}

export type SeedMembers = Record<string, RoleName>;

export interface SeedGroup {
  path: string;
  id?: number;
  name?: string;
  visibility?: Visibility;
  members?: SeedMembers;
}

/** An allowlist entry: a full path, or (extension) an object carrying fine-grained permissions. */
export type SeedAllowlistEntry =
  | string
  | { path: string; defaultPermissions?: boolean; jobTokenPolicies?: string[] };

export interface SeedAuthLogEntry {
  origin: string;
  lastAuthorizedAt: string;
  /**
   * The origin project has since been deleted: the row stays in the log's
   * table, and GitLab leaves it out of `ciJobTokenAuthLogs` (rows and count),
   * as `with_existing_origin_projects` does.
   */
  deleted?: boolean;
}

export interface SeedProject {
  path: string;
  id?: number;
  name?: string;
  visibility?: Visibility;
  members?: SeedMembers;
  limitAccess?: boolean;
  pushRepositoryForJobTokenAllowed?: boolean;
  allowlist?: { projects?: SeedAllowlistEntry[]; groups?: SeedAllowlistEntry[] };
  autopopulated?: { projects?: string[]; groups?: string[] };
  authLog?: SeedAuthLogEntry[];
  /** When the project was created (GraphQL `createdAt`, REST `created_at`). @default the seed time, 2025-01-06T09:00:00Z */
  createdAt?: string;
}

export interface SeedToken {
  token: string;
  type: TokenType;
  user?: string;
  project?: string;
  group?: string;
  role?: RoleName;
  scopes?: string[];
  name?: string;
  description?: string;
  expiresAt?: string | null;
  revoked?: boolean;
  jobStatus?: JobStatus;
}

/** Extension: merge requests that exist (for the notes endpoints). */
export interface SeedMergeRequest {
  project: string;
  iid: number;
  title?: string;
}

export interface SeedFile {
  instance?: SeedInstance;
  users?: SeedUser[];
  groups?: SeedGroup[];
  projects?: SeedProject[];
  tokens?: SeedToken[];
  mergeRequests?: SeedMergeRequest[];
}

export class SeedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SeedError';
  }
}

const PATH_SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
const USERNAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

function describe(v: unknown): string {
  return JSON.stringify(v) ?? String(v);
}

/** Normalized form of an allowlist entry. */
export function allowlistEntryPath(e: SeedAllowlistEntry): string {
  return typeof e === 'string' ? e : e.path;
}

export function isValidFullPath(p: string): boolean {
  return p.split('/').every((s) => PATH_SEGMENT.test(s)) && !p.endsWith('.git');
}

/** Every ancestor namespace of a full path, outermost first: "a/b/c" -> ["a", "a/b"]. */
export function ancestorPaths(fullPath: string): string[] {
  const parts = fullPath.split('/');
  const out: string[] = [];
  for (let i = 1; i < parts.length; i++) out.push(parts.slice(0, i).join('/'));
  return out;
}

/**
 * Checks a parsed seed and returns it typed. Throws `SeedError` whose message
 * names the entry, e.g. `projects[3] ("acme/web"): allowlist.projects[0] "acme/nope" is not a project in the seed`.
 */
export function validateSeed(value: unknown): SeedFile {
  if (!isObject(value)) throw new SeedError('the seed must be a JSON object');
  const known = new Set(['instance', 'users', 'groups', 'projects', 'tokens', 'mergeRequests']);
  for (const k of Object.keys(value)) {
    if (!known.has(k)) throw new SeedError(`unknown top-level key "${k}" (expected one of ${[...known].join(', ')})`);
  }
  const fail = (where: string, msg: string): never => {
    throw new SeedError(`${where}: ${msg}`);
  };
  const arrayOf = (key: string): unknown[] => {
    const v = value[key];
    if (v === undefined) return [];
    if (!Array.isArray(v)) return fail(key, 'must be an array');
    return v;
  };

  validateInstance(value.instance, fail);

  const usernames = new Set<string>();
  const userIds = new Set<number>();
  arrayOf('users').forEach((u, i) => {
    const where = `users[${i}]`;
    if (!isObject(u)) return fail(where, 'must be an object');
    if (typeof u.username !== 'string' || !USERNAME.test(u.username)) return fail(where, `username ${describe(u.username)} is not a valid username`);
    const w = `${where} ("${u.username}")`;
    if (usernames.has(u.username.toLowerCase())) fail(w, 'duplicate username');
    usernames.add(u.username.toLowerCase());
    if (u.admin !== undefined && typeof u.admin !== 'boolean') fail(w, 'admin must be true or false');
    if (u.name !== undefined && typeof u.name !== 'string') fail(w, 'name must be a string');
    checkId(w, u.id, userIds);
    return undefined;
  });

  const checkMembers = (where: string, members: unknown): void => {
    if (members === undefined) return;
    if (!isObject(members)) fail(where, 'members must be an object of username -> role');
    for (const [name, role] of Object.entries(members as Record<string, unknown>)) {
      if (!usernames.has(name.toLowerCase())) fail(where, `members: "${name}" is not a user in the seed`);
      if (typeof role !== 'string' || !ROLE_NAMES.includes(role as RoleName)) {
        fail(where, `members: role ${describe(role)} for "${name}" is not one of ${ROLE_NAMES.join(', ')}`);
      }
    }
  };
  const checkVisibility = (where: string, v: unknown): void => {
    if (v !== undefined && !VISIBILITIES.includes(v as Visibility)) fail(where, `visibility ${describe(v)} is not one of ${VISIBILITIES.join(', ')}`);
  };

  const groups = arrayOf('groups');
  const projects = arrayOf('projects');
  const groupPaths = new Set<string>();
  const groupIds = new Set<number>();
  groups.forEach((g, i) => {
    const where = `groups[${i}]`;
    if (!isObject(g)) return fail(where, 'must be an object');
    if (typeof g.path !== 'string' || !isValidFullPath(g.path)) return fail(where, `path ${describe(g.path)} is not a valid group path`);
    const w = `${where} ("${g.path}")`;
    const key = g.path.toLowerCase();
    if (groupPaths.has(key)) fail(w, 'duplicate group path');
    groupPaths.add(key);
    checkId(w, g.id, groupIds);
    if (g.name !== undefined && typeof g.name !== 'string') fail(w, 'name must be a string');
    checkVisibility(w, g.visibility);
    checkMembers(w, g.members);
    return undefined;
  });

  const projectPaths = new Set<string>();
  const projectIds = new Set<number>();
  projects.forEach((p, i) => {
    const where = `projects[${i}]`;
    if (!isObject(p)) return fail(where, 'must be an object');
    if (typeof p.path !== 'string' || !isValidFullPath(p.path)) return fail(where, `path ${describe(p.path)} is not a valid project path`);
    if (!p.path.includes('/')) return fail(`${where} ("${p.path}")`, 'path must include its group, e.g. "acme/web"');
    const key = p.path.toLowerCase();
    if (projectPaths.has(key)) fail(`${where} ("${p.path}")`, 'duplicate project path');
    projectPaths.add(key);
    return undefined;
  });
  // Parent namespaces of projects and groups exist implicitly.
  const allGroupPaths = new Set(groupPaths);
  for (const g of groups) for (const a of ancestorPaths((g as SeedGroup).path.toLowerCase())) allGroupPaths.add(a);
  for (const p of projects) for (const a of ancestorPaths((p as SeedProject).path.toLowerCase())) allGroupPaths.add(a);

  projects.forEach((raw, i) => {
    const p = raw as Record<string, unknown> & { path: string };
    const w = `projects[${i}] ("${p.path}")`;
    const self = p.path.toLowerCase();
    if (allGroupPaths.has(self)) fail(w, `path "${p.path}" is already used by a group`);
    checkId(w, p.id, projectIds);
    if (p.name !== undefined && typeof p.name !== 'string') fail(w, 'name must be a string');
    checkVisibility(w, p.visibility);
    checkMembers(w, p.members);
    if (p.limitAccess !== undefined && typeof p.limitAccess !== 'boolean') fail(w, 'limitAccess must be true or false');
    if (p.pushRepositoryForJobTokenAllowed !== undefined && typeof p.pushRepositoryForJobTokenAllowed !== 'boolean') {
      fail(w, 'pushRepositoryForJobTokenAllowed must be true or false');
    }
    if (p.createdAt !== undefined && (typeof p.createdAt !== 'string' || !ISO_DATE_TIME.test(p.createdAt) || Number.isNaN(Date.parse(p.createdAt)))) {
      fail(w, `createdAt ${describe(p.createdAt)} is not an ISO 8601 time with a zone (e.g. 2026-10-24T08:00:00Z)`);
    }
    const listed = { projects: new Set<string>(), groups: new Set<string>() };
    if (p.allowlist !== undefined) {
      if (!isObject(p.allowlist)) fail(w, 'allowlist must be an object with "projects" and "groups"');
      const al = p.allowlist as Record<string, unknown>;
      for (const k of Object.keys(al)) if (k !== 'projects' && k !== 'groups') fail(w, `allowlist: unknown key "${k}"`);
      for (const kind of ['projects', 'groups'] as const) {
        const list = al[kind];
        if (list === undefined) continue;
        if (!Array.isArray(list)) fail(w, `allowlist.${kind} must be an array`);
        const entries = list as unknown[];
        if (entries.length > 200) {
          fail(w, `allowlist.${kind} has ${entries.length} entries; GitLab allows at most 200 ${kind === 'projects' ? 'project' : 'group'} entries`);
        }
        entries.forEach((e, j) => {
          const at = `allowlist.${kind}[${j}]`;
          const path = checkAllowlistEntry(w, at, e);
          const k = path.toLowerCase();
          if (kind === 'projects') {
            if (!projectPaths.has(k)) fail(w, `${at} "${path}" is not a project in the seed`);
            if (k === self) fail(w, `${at} "${path}" is the project itself (a project always reaches itself)`);
          } else if (!allGroupPaths.has(k)) {
            fail(w, `${at} "${path}" is not a group in the seed`);
          }
          if (listed[kind].has(k)) fail(w, `${at} "${path}" is listed twice`);
          listed[kind].add(k);
        });
      }
    }
    if (p.autopopulated !== undefined) {
      if (!isObject(p.autopopulated)) fail(w, 'autopopulated must be an object with "projects" and "groups"');
      const ap = p.autopopulated as Record<string, unknown>;
      for (const kind of ['projects', 'groups'] as const) {
        const list = ap[kind];
        if (list === undefined) continue;
        if (!Array.isArray(list)) fail(w, `autopopulated.${kind} must be an array`);
        (list as unknown[]).forEach((e, j) => {
          const at = `autopopulated.${kind}[${j}]`;
          if (typeof e !== 'string') fail(w, `${at} must be a full path string`);
          if (!listed[kind].has((e as string).toLowerCase())) fail(w, `${at} "${e}" is not in allowlist.${kind}`);
        });
      }
    }
    if (p.authLog !== undefined) {
      if (!Array.isArray(p.authLog)) fail(w, 'authLog must be an array');
      (p.authLog as unknown[]).forEach((e, j) => {
        const at = `authLog[${j}]`;
        if (!isObject(e)) return fail(w, `${at} must be an object {origin, lastAuthorizedAt}`);
        if (e.deleted !== undefined && typeof e.deleted !== 'boolean') fail(w, `${at} deleted must be true or false`);
        if (e.deleted === true) {
          if (typeof e.origin !== 'string' || e.origin === '') fail(w, `${at} origin ${describe(e.origin)} must be the deleted project's full path`);
          else if (projectPaths.has(e.origin.toLowerCase())) fail(w, `${at} origin "${e.origin}" is marked deleted but is a project in the seed`);
        } else if (typeof e.origin !== 'string' || !projectPaths.has(e.origin.toLowerCase())) fail(w, `${at} origin ${describe(e.origin)} is not a project in the seed`);
        if ((e.origin as string).toLowerCase() === self) fail(w, `${at} origin "${e.origin}" is the project itself (GitLab never logs a project reaching itself)`);
        if (typeof e.lastAuthorizedAt !== 'string' || Number.isNaN(Date.parse(e.lastAuthorizedAt))) {
          fail(w, `${at} lastAuthorizedAt ${describe(e.lastAuthorizedAt)} is not an ISO 8601 time`);
        }
        return undefined;
      });
    }
  });

  const tokenValues = new Set<string>();
  arrayOf('tokens').forEach((t, i) => {
    const where = `tokens[${i}]`;
    if (!isObject(t)) return fail(where, 'must be an object');
    if (typeof t.type !== 'string' || !TOKEN_TYPES.includes(t.type as TokenType)) {
      return fail(where, `type ${describe(t.type)} is not one of ${TOKEN_TYPES.join(', ')}`);
    }
    const w = `${where} (${t.type})`;
    if (typeof t.token !== 'string' || t.token.trim() === '' || /\s/.test(t.token)) return fail(w, 'token must be a non-empty string without spaces');
    if (tokenValues.has(t.token)) fail(w, 'duplicate token value');
    tokenValues.add(t.token);
    const needUser = t.type === 'personal' || t.type === 'oauth' || t.type === 'job';
    const needProject = t.type === 'project' || t.type === 'job' || t.type === 'deploy';
    if (needUser && (typeof t.user !== 'string' || !usernames.has(t.user.toLowerCase()))) fail(w, `user ${describe(t.user)} is not a user in the seed`);
    if (needProject && (typeof t.project !== 'string' || !projectPaths.has(t.project.toLowerCase()))) fail(w, `project ${describe(t.project)} is not a project in the seed`);
    if (t.type === 'group' && (typeof t.group !== 'string' || !allGroupPaths.has(t.group.toLowerCase()))) fail(w, `group ${describe(t.group)} is not a group in the seed`);
    if (t.role !== undefined && !ROLE_NAMES.includes(t.role as RoleName)) fail(w, `role ${describe(t.role)} is not one of ${ROLE_NAMES.join(', ')}`);
    if (t.scopes !== undefined) {
      if (!Array.isArray(t.scopes)) fail(w, 'scopes must be an array');
      for (const s of t.scopes as unknown[]) {
        if (typeof s !== 'string' || !TOKEN_SCOPES.includes(s)) fail(w, `scope ${describe(s)} is not a GitLab token scope`);
      }
    }
    if (t.expiresAt !== undefined && t.expiresAt !== null && (typeof t.expiresAt !== 'string' || !ISO_DATE.test(t.expiresAt))) {
      fail(w, `expiresAt ${describe(t.expiresAt)} must be a date "YYYY-MM-DD" or null`);
    }
    if (t.revoked !== undefined && typeof t.revoked !== 'boolean') fail(w, 'revoked must be true or false');
    if (t.jobStatus !== undefined && !JOB_STATUSES.includes(t.jobStatus as JobStatus)) fail(w, `jobStatus ${describe(t.jobStatus)} is not one of ${JOB_STATUSES.join(', ')}`);
    for (const k of ['name', 'description'] as const) if (t[k] !== undefined && typeof t[k] !== 'string') fail(w, `${k} must be a string`);
    return undefined;
  });

  const mrKeys = new Set<string>();
  arrayOf('mergeRequests').forEach((m, i) => {
    const where = `mergeRequests[${i}]`;
    if (!isObject(m)) return fail(where, 'must be an object {project, iid}');
    if (typeof m.project !== 'string' || !projectPaths.has(m.project.toLowerCase())) return fail(where, `project ${describe(m.project)} is not a project in the seed`);
    if (!Number.isInteger(m.iid) || (m.iid as number) < 1) return fail(where, `iid ${describe(m.iid)} must be a positive integer`);
    const key = `${m.project.toLowerCase()}!${m.iid}`;
    if (mrKeys.has(key)) fail(where, `duplicate merge request ${m.project}!${m.iid}`);
    mrKeys.add(key);
    if (m.title !== undefined && typeof m.title !== 'string') fail(where, 'title must be a string');
    return undefined;
  });

  return value as SeedFile;

  function checkId(where: string, id: unknown, seen: Set<number>): void {
    if (id === undefined) return;
    if (!Number.isInteger(id) || (id as number) < 1) fail(where, `id ${describe(id)} must be a positive integer`);
    if (seen.has(id as number)) fail(where, `id ${id} is used twice`);
    seen.add(id as number);
  }

  function checkAllowlistEntry(where: string, at: string, e: unknown): string {
    if (typeof e === 'string') return e;
    if (!isObject(e) || typeof e.path !== 'string') return fail(where, `${at} must be a full path or {"path", "defaultPermissions", "jobTokenPolicies"}`);
    for (const k of Object.keys(e)) {
      if (k !== 'path' && k !== 'defaultPermissions' && k !== 'jobTokenPolicies') fail(where, `${at} ("${e.path}"): unknown key "${k}"`);
    }
    if (e.defaultPermissions !== undefined && typeof e.defaultPermissions !== 'boolean') fail(where, `${at} ("${e.path}"): defaultPermissions must be true or false`);
    if (e.jobTokenPolicies !== undefined) {
      if (!Array.isArray(e.jobTokenPolicies)) fail(where, `${at} ("${e.path}"): jobTokenPolicies must be an array`);
      for (const pol of e.jobTokenPolicies as unknown[]) {
        if (typeof pol !== 'string' || !JOB_TOKEN_POLICIES.includes(pol)) fail(where, `${at} ("${e.path}"): ${describe(pol)} is not a CiJobTokenScopePolicies value`);
      }
    }
    return e.path;
  }
}

/** Parses (when given text) and validates a seed. */
export function parseSeed(input: string | unknown): SeedFile {
  if (typeof input !== 'string') return validateSeed(input);
  let parsed: unknown;
  try {
    parsed = JSON.parse(input);
  } catch (err) {
    throw new SeedError(`the seed is not valid JSON: ${(err as Error).message}`);
  }
  return validateSeed(parsed);
}
