/**
 * GitLab-managed Terraform state, as gitlabhq/gitlabhq `lib/api/terraform/state.rb`
 * and `app/services/terraform/remote_state_handler.rb` answer Terraform's `http`
 * backend on `/api/v4/projects/:id/terraform/state/:name` and `.../lock`:
 * - GET: 200 with the bytes of the latest version; 204 when the state exists
 *   without a version (a lock was taken before the first write); 404
 *   `{"message":"404 Not found"}` when there is no such state (`find_state!`).
 * - POST (the state JSON; `?ID=<lock id>` while locked): 200, empty body; 204
 *   for an empty body; 413 over the size limit; 422 `No serial in payload`,
 *   `invalid JSON`, or a serial already written. A lock id that does not match
 *   (or one sent to an unlocked state) raises `StateLockedError`, which the API
 *   does not rescue: 500, as GitLab answers.
 * - DELETE: 200; a locked state is left alone (TriggerDestroyService refuses, the
 *   API answers 200 anyway); the sandbox's deletion is immediate (GitLab's worker
 *   runs later).
 * - POST /lock (Terraform's lock info): 200 with the lock info; 409 with the
 *   holder's ID, Who and Created when already locked.
 * - DELETE /lock (`ID` from the body or the query): 200; 409 when the ID is not
 *   the holder's (no ID: force-unlock). Grape renders the status as the body.
 * `:id` is a numeric id or a URL-encoded path; `:name` is one path segment (an
 * encoded `%2F` is allowed, as GitLab's spec has it), at most 255 characters.
 */
import type { IncomingHttpHeaders } from 'http';
import type { SandboxState } from '../state';
import { authenticateState, authorizeState, stateCredentials, stateProject, StatePermission } from './terraform-state-auth';
import type { TerraformStateStore, StoredState } from './terraform-state-store';
import { isResponse } from './caller';
import { ERR, json, RestResponse } from './types';

export const NAME_LIMIT = 255;
export const LOCK_ID_LIMIT = 255;
const LOCK_FIELDS = ['ID', 'Operation', 'Info', 'Who', 'Version', 'Created', 'Path'] as const;

export interface StateRoute {
  readonly id: string;
  readonly name: string;
  readonly lock: boolean;
}

export interface StateEnv {
  readonly state: SandboxState;
  readonly store: TerraformStateStore;
  /** GitLab's `max_terraform_state_size_bytes`; 0 = no limit (GitLab's default). */
  readonly maxStateBytes: number;
}

export interface StateRequest {
  readonly method: string;
  readonly route: StateRoute;
  readonly url: URL;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

const ROUTE = /^\/api\/v4\/projects\/([^/]+)\/terraform\/state\/([^/]+)(\/lock)?$/;

/** The state route of a raw (still encoded) request path, or null for any other path. */
export function matchStateRoute(rawPath: string): StateRoute | null {
  const m = ROUTE.exec(rawPath);
  if (!m) return null;
  try {
    return { id: decodeURIComponent(m[1]), name: decodeURIComponent(m[2]), lock: m[3] !== undefined };
  } catch {
    return null;
  }
}

const notFound = (): RestResponse => json(404, { message: '404 Not found' });
const unprocessable = (message: string): RestResponse => json(422, { message });
const internalError = (): RestResponse => json(500, { message: '500 Internal Server Error' });
/** Grape returns the value of `status :ok` / `status :conflict` as the body. */
const statusBody = (status: number): RestResponse => json(status, status);

export function handleStateRequest(env: StateEnv, req: StateRequest): RestResponse {
  const method = req.method === 'HEAD' ? 'GET' : req.method;
  const allowed = req.route.lock ? ['POST', 'DELETE'] : ['GET', 'POST', 'DELETE'];
  if (!allowed.includes(method)) return ERR.methodNotAllowed();
  const write = method !== 'GET';
  // The API's `before` block: authenticate!, then user_project and read_terraform_state, then the params.
  const caller = authenticateState(env.state, stateCredentials(req.headers, req.url.searchParams), write);
  if (isResponse(caller)) return caller;
  const permission: StatePermission = write ? 'admin_terraform_state' : 'read_terraform_state';
  const project = stateProject(env.state, caller, req.route.id, permission);
  if (isResponse(project)) return project;
  const denied = authorizeState(caller, project, 'read_terraform_state');
  if (denied) return denied;

  const params = req.route.lock || method === 'DELETE' ? bodyParams(req.body) : {};
  if (params === undefined) return ERR.badRequest('the request body is not valid JSON');
  const query = Object.fromEntries(req.url.searchParams);
  const all: Record<string, unknown> = { ...query, ...params };
  const invalid = validate(req.route, method, all);
  if (invalid) return invalid;
  // Every route but GET authorizes :admin_terraform_state in the endpoint, after the params.
  if (write) {
    const notAdmin = authorizeState(caller, project, 'admin_terraform_state');
    if (notAdmin) return notAdmin;
  }
  const lockId = typeof all.ID === 'string' ? all.ID : undefined;
  const user = caller.principal.user;
  const who = { userId: user?.id ?? null, username: user?.username ?? '' };
  const store = env.store;
  const name = req.route.name;

  if (req.route.lock) {
    if (method === 'POST') return lock(env, store.findOrCreate(project.id, name), all, who);
    return unlock(store, store.findOrCreate(project.id, name), lockId);
  }
  if (method === 'GET') {
    const s = store.find(project.id, name);
    if (!s) return notFound();
    if (s.data === null) return { status: 204 };
    return { status: 200, body: s.data, headers: { 'Content-Type': 'application/octet-stream' } };
  }
  if (method === 'DELETE') {
    const s = store.find(project.id, name);
    if (!s) return notFound();
    if (!s.lock) store.remove(project.id, name);
    return { status: 200 };
  }
  return writeState(env, project.id, name, req.body, lockId);
}

function bodyParams(text: string): Record<string, unknown> | undefined {
  if (text.trim() === '') return {};
  try {
    const v = JSON.parse(text) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return undefined;
  }
}

/** Grape's parameter validation: presence and the `limit: 255` validator's words. */
function validate(route: StateRoute, method: string, params: Record<string, unknown>): RestResponse | undefined {
  const errors: string[] = [];
  if (route.name.length > NAME_LIMIT) errors.push(`name must be less than ${NAME_LIMIT} characters`);
  if (route.lock && method === 'POST') {
    for (const f of LOCK_FIELDS) if (params[f] === undefined || params[f] === null) errors.push(`${f} is missing`);
  }
  const id = params.ID;
  if (id !== undefined && id !== null && String(id).length > LOCK_ID_LIMIT) errors.push(`ID must be less than ${LOCK_ID_LIMIT} characters`);
  return errors.length > 0 ? json(400, { error: errors.join(', ') }) : undefined;
}

/** `lock_matches?`: both unlocked and no id, or the same id (GitLab compares in constant time; equality here). */
function lockMatches(s: StoredState, lockId: string | undefined): boolean {
  if (s.lock === null && lockId === undefined) return true;
  return (s.lock?.id ?? '') === (lockId ?? '');
}

function lockInfo(params: Record<string, unknown>, lock: StoredState['lock']): Record<string, unknown> {
  const str = (v: unknown) => (v === undefined || v === null ? '' : String(v));
  return {
    Operation: str(params.Operation), Info: str(params.Info), Version: str(params.Version), Path: str(params.Path),
    ID: lock?.id ?? null, Who: lock?.username ?? null, Created: lock?.lockedAt ?? null,
  };
}

function lock(env: StateEnv, s: StoredState, params: Record<string, unknown>, who: { userId: number | null; username: string }): RestResponse {
  const id = String(params.ID);
  // `raise ArgumentError if params[:lock_id].blank?`: not rescued, so 500.
  if (id.trim() === '') return internalError();
  if (s.lock) {
    // GitLab answers with the request's Operation/Info/Version/Path and the holder's ID, Who and Created.
    env.store.save(s);
    return { status: 409, body: JSON.stringify(lockInfo(params, s.lock)), headers: { 'Content-Type': 'application/octet-stream' } };
  }
  s.lock = { id, userId: who.userId, username: who.username, lockedAt: env.state.now().toISOString() };
  env.store.save(s);
  return { status: 200, body: JSON.stringify(lockInfo(params, s.lock)), headers: { 'Content-Type': 'application/octet-stream' } };
}

function unlock(store: TerraformStateStore, s: StoredState, lockId: string | undefined): RestResponse {
  // Force-unlock sends no ID; any ID must be the holder's.
  if (lockId !== undefined && !lockMatches(s, lockId)) {
    store.save(s);
    return statusBody(409);
  }
  s.lock = null;
  store.save(s);
  return statusBody(200);
}

function writeState(env: StateEnv, projectId: number, name: string, body: string, lockId: string | undefined): RestResponse {
  if (body.length === 0) return { status: 204 };
  if (env.maxStateBytes > 0 && Buffer.byteLength(body) > env.maxStateBytes) return json(413, { message: '413 Request Entity Too Large' });
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return unprocessable('invalid JSON');
  }
  const raw = parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>).serial : undefined;
  const serial = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : undefined;
  if (serial === undefined || !Number.isSafeInteger(serial)) return unprocessable('No serial in payload');
  const s = env.store.findOrCreate(projectId, name);
  if (!lockMatches(s, lockId)) {
    env.store.save(s);
    return internalError();
  }
  if (s.serials.includes(serial)) {
    // A second version with the same serial violates GitLab's unique index (rescued as 422 with the database's words).
    return unprocessable(
      'PG::UniqueViolation: ERROR:  duplicate key value violates unique constraint "index_terraform_state_versions_on_state_id_and_version"',
    );
  }
  s.data = body;
  s.serials.push(serial);
  env.store.save(s);
  return { status: 200 };
}
