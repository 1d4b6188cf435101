/** Routes `/api/v4/...` requests to their handlers after the authentication gate. */
import { authenticate, Caller, isResponse, READ_SCOPES, RouteAuth, WRITE_SCOPES } from './caller';
import { getJob, getTokenSelf, getUser, getVersion } from './identity';
import {
  addGroupToAllowlist, addProjectToAllowlist, getScope, listGroupAllowlist, listProjectAllowlist, patchScope,
  removeGroupFromAllowlist, removeProjectFromAllowlist,
} from './job-token-scope';
import { createNote, listNotes, updateNote } from './notes';
import { getProject, listReleases } from './projects';
import { ERR, RestEnv, RestRequest, RestResponse } from './types';
import { getGroup } from './groups';
import { getApplicationSettings } from './settings';

type Handler = (env: RestEnv, req: RestRequest, caller: Caller, ...params: string[]) => RestResponse;

interface Route {
  readonly method: string;
  /** Segments; `:x` captures one (already decoded) segment. */
  readonly pattern: readonly string[];
  readonly auth: RouteAuth;
  readonly handler: Handler;
}

const read = (access: RouteAuth['access'] = 'user'): RouteAuth => ({ access, scopes: READ_SCOPES });
const write: RouteAuth = { access: 'user', scopes: WRITE_SCOPES };

const route = (method: string, path: string, auth: RouteAuth, handler: Handler): Route =>
  ({ method, pattern: path.split('/').filter(Boolean), auth, handler });

export const ROUTES: readonly Route[] = [
  route('GET', 'version', { access: 'job-or-user-or-anonymous', scopes: [] }, (env, _r, c) => (c.principal.token ? getVersion(env) : ERR.unauthorized())),
  route('GET', 'user', { access: 'user', scopes: ['api', 'read_api', 'read_user'] }, (env, _r, c) => getUser(env, c)),
  route('GET', 'personal_access_tokens/self', { access: 'user', scopes: [] }, (env, _r, c) => getTokenSelf(env, c)),
  route('GET', 'job', { access: 'job', scopes: [] }, (env, _r, c) => getJob(env, c)),
  route('GET', 'application/settings', read(), getApplicationSettings),
  route('GET', 'groups/:id', read('user-or-anonymous'), getGroup),
  route('GET', 'projects/:id', read('user-or-anonymous'), getProject),
  route('GET', 'projects/:id/releases', read('job-or-user-or-anonymous'), listReleases),
  route('GET', 'projects/:id/job_token_scope', read(), getScope),
  route('PATCH', 'projects/:id/job_token_scope', write, patchScope),
  route('GET', 'projects/:id/job_token_scope/allowlist', read(), listProjectAllowlist),
  route('POST', 'projects/:id/job_token_scope/allowlist', write, addProjectToAllowlist),
  route('DELETE', 'projects/:id/job_token_scope/allowlist/:target', write, removeProjectFromAllowlist),
  route('GET', 'projects/:id/job_token_scope/groups_allowlist', read(), listGroupAllowlist),
  route('POST', 'projects/:id/job_token_scope/groups_allowlist', write, addGroupToAllowlist),
  route('DELETE', 'projects/:id/job_token_scope/groups_allowlist/:target', write, removeGroupFromAllowlist),
  route('GET', 'projects/:id/merge_requests/:iid/notes', read(), listNotes),
  route('POST', 'projects/:id/merge_requests/:iid/notes', write, createNote),
  route('PUT', 'projects/:id/merge_requests/:iid/notes/:note', write, updateNote),
];

function match(pattern: readonly string[], segments: readonly string[]): string[] | null {
  if (pattern.length !== segments.length) return null;
  const params: string[] = [];
  for (let i = 0; i < pattern.length; i++) {
    if (pattern[i].startsWith(':')) {
      if (segments[i] === '') return null;
      params.push(segments[i]);
    } else if (pattern[i] !== segments[i]) return null;
  }
  return params;
}

export function routeRest(env: RestEnv, req: RestRequest): RestResponse {
  const method = req.method === 'HEAD' ? 'GET' : req.method;
  let pathMatched = false;
  for (const r of ROUTES) {
    const params = match(r.pattern, req.segments);
    if (!params) continue;
    pathMatched = true;
    if (r.method !== method) continue;
    const caller = authenticate(env.state, req, r.auth);
    if (isResponse(caller)) return caller;
    return r.handler(env, req, caller, ...params);
  }
  return pathMatched ? ERR.methodNotAllowed() : ERR.routeNotFound();
}
