/**
 * `/projects/:id/job_token_scope` and its project and group allowlists, as
 * gitlabhq/gitlabhq lib/api/project_job_token_scope.rb answers: POST failures
 * are `bad_request!` (400), DELETE maps the service's insufficient permissions
 * to `forbidden!` (403) and everything else to `bad_request!`; the unknown-target
 * 404s are `not_found!("target_project_id not found")`, which Grape renders as
 * `404 target_project_id not found Not Found`.
 */
import { canAdminProject } from '../access';
import { inboundEffective, ScopeResult } from '../scope';
import type { Project } from '../state';
import { Caller, isResponse, visibleProject } from './caller';
import { paginateOffset } from './pagination';
import { basicProjectJson, groupBasicJson } from './serializers';
import { ERR, json, RestEnv, RestRequest, RestResponse } from './types';

/** The project, when the caller is a Maintainer of it (404 if invisible, 403 otherwise). */
function managedProject(env: RestEnv, caller: Caller, id: string): Project | RestResponse {
  const p = visibleProject(env.state, caller, id);
  if (isResponse(p)) return p;
  return canAdminProject(caller.principal, p) ? p : ERR.forbidden();
}

/**
 * POST and DELETE on `allowlist` and `groups_allowlist` declare
 * `requires :id, type: Integer`: Grape's parameter validation refuses a full
 * path there (`{"error":"id is invalid"}`) before the endpoint runs, while GET
 * and PATCH take an id or a URL-encoded path. The Terraform provider puts its
 * `project` attribute into these URLs as given, so this is what a path-valued
 * `project` meets on apply.
 */
function integerId(id: string): RestResponse | undefined {
  return /^\d+$/.test(id) ? undefined : ERR.invalid('id');
}

/** DELETE: `forbidden!(message)` for insufficient permissions, `bad_request!(message)` otherwise. */
function removeFailure(r: Extract<ScopeResult<unknown>, { ok: false }>): RestResponse {
  return r.reason === 'forbidden' ? ERR.forbidden(r.message) : ERR.badRequest(r.message);
}

/** Grape coerces `Integer` params from JSON numbers and numeric strings. */
function integerParam(params: Readonly<Record<string, unknown>>, name: string): number | RestResponse {
  const v = params[name];
  if (v === undefined || v === null || v === '') return ERR.missing(name);
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v.trim()) ? Number(v) : NaN;
  return Number.isInteger(n) ? n : ERR.invalid(name);
}

function booleanParam(params: Readonly<Record<string, unknown>>, name: string): boolean | RestResponse {
  const v = params[name];
  if (v === undefined || v === null || v === '') return ERR.missing(name);
  if (typeof v === 'boolean') return v;
  if (v === 'true' || v === '1' || v === 1) return true;
  if (v === 'false' || v === '0' || v === 0) return false;
  return ERR.invalid(name);
}

export function getScope(env: RestEnv, req: RestRequest, caller: Caller, id: string): RestResponse {
  const p = managedProject(env, caller, id);
  if (isResponse(p)) return p;
  return json(200, { inbound_enabled: inboundEffective(env.state, p), outbound_enabled: p.outboundEnabled });
}

export function patchScope(env: RestEnv, req: RestRequest, caller: Caller, id: string): RestResponse {
  const p = managedProject(env, caller, id);
  if (isResponse(p)) return p;
  const enabled = booleanParam(req.params, 'enabled');
  if (isResponse(enabled)) return enabled;
  env.scope.setInboundEnabled(p, enabled);
  return { status: 204 };
}

export function listProjectAllowlist(env: RestEnv, req: RestRequest, caller: Caller, id: string): RestResponse {
  const p = managedProject(env, caller, id);
  if (isResponse(p)) return p;
  const all: Project[] = [p, ...[...p.projectLinks.keys()].map((tid) => env.state.projects.get(tid)!).filter(Boolean)];
  const page = paginateOffset(all, req.url);
  return json(200, page.items.map((x) => basicProjectJson(env.state, x, env.baseUrl)), page.headers);
}

export function addProjectToAllowlist(env: RestEnv, req: RestRequest, caller: Caller, id: string): RestResponse {
  const badId = integerId(id);
  if (badId) return badId;
  const p = managedProject(env, caller, id);
  if (isResponse(p)) return p;
  const targetId = integerParam(req.params, 'target_project_id');
  if (isResponse(targetId)) return targetId;
  const target = env.state.projects.get(targetId);
  if (!target) return ERR.notFound('target_project_id not found');
  const r = env.scope.addProject(p, target, caller.principal);
  if (!r.ok) return ERR.badRequest(r.message);
  return json(201, { source_project_id: p.id, target_project_id: target.id });
}

/** No Maintainer gate before the service here: GitLab lets the service refuse (403 with its reason). */
export function removeProjectFromAllowlist(env: RestEnv, req: RestRequest, caller: Caller, id: string, rawTarget: string): RestResponse {
  const badId = integerId(id);
  if (badId) return badId;
  const p = visibleProject(env.state, caller, id);
  if (isResponse(p)) return p;
  const targetId = integerParam({ target_project_id: rawTarget }, 'target_project_id');
  if (isResponse(targetId)) return targetId;
  // `find_project!`: a missing or invisible target is the ordinary project 404.
  const target = visibleProject(env.state, caller, String(targetId));
  if (isResponse(target)) return target;
  const r = env.scope.removeProject(p, target, caller.principal);
  return r.ok ? { status: 204 } : removeFailure(r);
}

export function listGroupAllowlist(env: RestEnv, req: RestRequest, caller: Caller, id: string): RestResponse {
  const p = managedProject(env, caller, id);
  if (isResponse(p)) return p;
  const all = [...p.groupLinks.keys()].map((gid) => env.state.groups.get(gid)!).filter(Boolean);
  const page = paginateOffset(all, req.url);
  return json(200, page.items.map((g) => groupBasicJson(g, env.baseUrl)), page.headers);
}

export function addGroupToAllowlist(env: RestEnv, req: RestRequest, caller: Caller, id: string): RestResponse {
  const badId = integerId(id);
  if (badId) return badId;
  const p = managedProject(env, caller, id);
  if (isResponse(p)) return p;
  const targetId = integerParam(req.params, 'target_group_id');
  if (isResponse(targetId)) return targetId;
  const target = env.state.groups.get(targetId);
  if (!target) return ERR.notFound('target_group_id not found');
  const r = env.scope.addGroup(p, target, caller.principal);
  if (!r.ok) return ERR.badRequest(r.message);
  return json(201, { source_project_id: p.id, target_group_id: target.id });
}

export function removeGroupFromAllowlist(env: RestEnv, req: RestRequest, caller: Caller, id: string, rawTarget: string): RestResponse {
  const badId = integerId(id);
  if (badId) return badId;
  const p = visibleProject(env.state, caller, id);
  if (isResponse(p)) return p;
  const targetId = integerParam({ target_group_id: rawTarget }, 'target_group_id');
  if (isResponse(targetId)) return targetId;
  const target = env.state.groups.get(targetId);
  if (!target) return ERR.notFound('target_group_id not found');
  const r = env.scope.removeGroup(p, target, caller.principal);
  return r.ok ? { status: 204 } : removeFailure(r);
}
