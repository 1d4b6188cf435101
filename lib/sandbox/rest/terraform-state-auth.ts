/**
 * Who may call GitLab's Terraform state API, as `lib/api/terraform/state.rb`
 * declares it (`basic_auth_personal_access_token: true, job_token_allowed:
 * :basic_auth`) and `lib/gitlab/auth/auth_finders.rb` finds the caller:
 * - HTTP basic auth with the username `gitlab-ci-token` is a CI job token, and
 *   only a running job's (`find_user_from_job_token_basic_auth`); any other
 *   username is ignored and the password is looked up as a personal, project or
 *   group access token (`find_personal_access_token_from_http_basic_auth`);
 * - `PRIVATE-TOKEN` and `Authorization: Bearer` work as everywhere in the API;
 * - a `JOB-TOKEN` header or `job_token=` is not accepted on these routes.
 * Then `authorize! :read_terraform_state` (Developer) for every route, and
 * `:admin_terraform_state` (Maintainer) to write, delete and lock, with a job
 * token also held to the state project's inbound allowlist.
 */
import type { IncomingHttpHeaders } from 'http';
import { canReadProject, Principal, projectAccessLevel } from '../access';
import { lookupToken, PresentedToken, TokenLookup } from '../auth';
import { authorizeJobToken } from '../job-token-access';
import { ACCESS_LEVEL, MAINTAINER, Project, SandboxState, Token } from '../state';
import { ERR, RestResponse } from './types';

/** `Gitlab::Auth::CI_JOB_USER`: the basic-auth username that marks the password as a CI job token. */
export const CI_JOB_USER = 'gitlab-ci-token';

export type StatePermission = 'read_terraform_state' | 'admin_terraform_state';

export interface StateCaller {
  readonly principal: Principal;
  readonly jobToken: Token | null;
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

interface Credentials {
  readonly presented: PresentedToken;
  /** Came as the basic-auth password (only access tokens are looked up that way). */
  readonly basic: boolean;
}

/** The credentials of a state request, in the order GitLab's finders try them. */
export function stateCredentials(headers: IncomingHttpHeaders, query: URLSearchParams): Credentials | null {
  const auth = header(headers, 'authorization')?.trim();
  let basicUser: string | undefined;
  let basicPassword: string | undefined;
  const basic = auth ? /^Basic\s+(.+)$/i.exec(auth) : null;
  if (basic) {
    const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon >= 0) {
      basicUser = decoded.slice(0, colon);
      basicPassword = decoded.slice(colon + 1);
    }
  }
  if (basicUser === CI_JOB_USER && basicPassword) return { presented: { value: basicPassword, channel: 'job-token' }, basic: true };
  const priv = header(headers, 'private-token') ?? query.get('private_token') ?? undefined;
  if (priv) return { presented: { value: priv.trim(), channel: 'private-token' }, basic: false };
  const bearer = auth ? /^Bearer\s+(.+)$/i.exec(auth) : null;
  if (bearer) return { presented: { value: bearer[1].trim(), channel: 'bearer' }, basic: false };
  if (basicPassword) return { presented: { value: basicPassword, channel: 'private-token' }, basic: true };
  return null;
}

/** `authenticate!`: a live job token over basic auth, or an access token; GitLab's 401 bodies otherwise. */
export function authenticateState(state: SandboxState, creds: Credentials | null, write: boolean): StateCaller | RestResponse {
  if (!creds) return ERR.unauthorized();
  const found: TokenLookup = lookupToken(state, creds.presented);
  if (found.kind === 'anonymous') return ERR.unauthorized();
  if (found.kind === 'invalid') {
    // A job token that is unknown or dead is plain 401; an access token says why.
    if (creds.presented.channel === 'job-token') return ERR.unauthorized();
    if (found.reason === 'revoked') return ERR.revoked();
    if (found.reason === 'expired') return ERR.expired();
    return ERR.unauthorized();
  }
  const { token, principal } = found;
  if (creds.presented.channel === 'job-token') {
    if (token.type !== 'job' || token.jobStatus !== 'running') return ERR.unauthorized();
    return { principal, jobToken: token };
  }
  // A job token in PRIVATE-TOKEN is ignored by GitLab; a deploy token is not an API token.
  const accessToken = token.type === 'personal' || token.type === 'project' || token.type === 'group'
    || (token.type === 'oauth' && creds.presented.channel === 'bearer');
  if (!accessToken) return ERR.unauthorized();
  // `read_api` is allowed for GET and HEAD only (API::API allow_access_with_scope).
  const scopes = write ? ['api'] : ['api', 'read_api'];
  if (!scopes.some((s) => principal.scopes.includes(s))) return ERR.insufficientScope(scopes.join(' '));
  return { principal, jobToken: null };
}

/** `user_project` (404 when invisible; a job token held to the project's inbound allowlist and policies). */
export function stateProject(state: SandboxState, caller: StateCaller, id: string, permission: StatePermission): Project | RestResponse {
  const project = state.findProject(id);
  if (!project) return ERR.projectNotFound();
  if (caller.jobToken) {
    const decision = authorizeJobToken(state, caller.jobToken, project, [permission]);
    if (!decision.ok) return { status: decision.status, body: decision.body };
    return project;
  }
  return canReadProject(caller.principal, project) ? project : ERR.projectNotFound();
}

/** `authorize! :read_terraform_state` (Developer) / `:admin_terraform_state` (Maintainer): 403 otherwise. */
export function authorizeState(caller: StateCaller, project: Project, permission: StatePermission): RestResponse | undefined {
  const user = caller.principal.user;
  if (!user) return ERR.forbidden();
  if (user.admin) return undefined;
  const need = permission === 'admin_terraform_state' ? MAINTAINER : ACCESS_LEVEL.developer;
  return projectAccessLevel(project, user.id) >= need ? undefined : ERR.forbidden();
}
