/**
 * The REST authentication gate: which token types and scopes a route accepts,
 * with GitLab's status codes and bodies for everything refused.
 */
import { ANONYMOUS, canReadProject, Principal } from '../access';
import { isApiToken } from '../auth';
import type { Project, SandboxState, Token } from '../state';
import { ERR, RestRequest, RestResponse } from './types';

/** Who may call a route. */
export type RouteAccess =
  /** personal, project, group or OAuth token */
  | 'user'
  /** as `user`, or no token at all (public data) */
  | 'user-or-anonymous'
  /** a live CI job token only */
  | 'job'
  /** as `user-or-anonymous`, or a CI job token (job-token-enabled endpoints) */
  | 'job-or-user-or-anonymous';

export interface Caller {
  readonly principal: Principal;
  /** Set when the request came with a CI job token. */
  readonly jobToken: Token | null;
}

export interface RouteAuth {
  readonly access: RouteAccess;
  /** Scopes of which the token needs at least one; empty = any scope. */
  readonly scopes: readonly string[];
}

export const READ_SCOPES = ['api', 'read_api'] as const;
export const WRITE_SCOPES = ['api'] as const;

export function authenticate(state: SandboxState, req: RestRequest, rule: RouteAuth): Caller | RestResponse {
  const auth = req.auth;
  if (auth.kind === 'invalid') {
    if (auth.reason === 'revoked') return ERR.revoked();
    if (auth.reason === 'expired') return ERR.expired();
    return ERR.unauthorized();
  }
  if (auth.kind === 'anonymous') {
    if (rule.access === 'user-or-anonymous' || rule.access === 'job-or-user-or-anonymous') return { principal: ANONYMOUS, jobToken: null };
    return ERR.unauthorized();
  }
  const { token, channel, principal } = auth;
  if (token.type === 'deploy' || channel === 'deploy-token') return ERR.unauthorized();
  if (token.type === 'job') {
    // A job token is only read from JOB-TOKEN / job_token=, only on job-token-enabled routes, only while its job runs.
    if (channel !== 'job-token' || rule.access === 'user' || rule.access === 'user-or-anonymous') return ERR.unauthorized();
    if (token.jobStatus !== 'running') return ERR.unauthorized();
    return { principal, jobToken: token };
  }
  if (!isApiToken(token) || channel === 'job-token') return ERR.unauthorized();
  if (rule.access === 'job') return ERR.notFound('Job');
  if (rule.scopes.length && !rule.scopes.some((s) => principal.scopes.includes(s))) return ERR.insufficientScope(rule.scopes.join(' '));
  return { principal, jobToken: null };
}

export function isResponse(v: unknown): v is RestResponse {
  return typeof v === 'object' && v !== null && 'status' in v && typeof (v as RestResponse).status === 'number';
}

/** `:id` resolved to a project the caller can see, else GitLab's 404. */
export function visibleProject(state: SandboxState, caller: Caller, id: string): Project | RestResponse {
  const p = state.findProject(id);
  if (!p || !canReadProject(caller.principal, p)) return ERR.projectNotFound();
  return p;
}
