/**
 * `GET /application/settings` (lib/api/settings.rb, `authenticated_as_admin!`):
 * administrators only, everyone else 403. Only the settings a client of this
 * sandbox reads are served: the GitLab provider's `gitlab_project_job_token_scopes`
 * asks for `enforce_ci_inbound_job_token_scope_enabled` on every plan (18.1+).
 */
import { Caller } from './caller';
import { ERR, json, RestEnv, RestRequest, RestResponse } from './types';

export function getApplicationSettings(env: RestEnv, _req: RestRequest, caller: Caller): RestResponse {
  if (!caller.principal.user?.admin) return ERR.forbidden();
  return json(200, {
    id: 1,
    enforce_ci_inbound_job_token_scope_enabled: env.state.instance.enforceAllowlist,
  });
}
