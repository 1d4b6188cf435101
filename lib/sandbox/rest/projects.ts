/** `GET /projects/:id` and the job-token-enabled read endpoint `GET /projects/:id/releases`. */
import { authorizeJobToken } from '../job-token-access';
import { Caller, isResponse, visibleProject } from './caller';
import { paginateOffset } from './pagination';
import { projectJson } from './serializers';
import { ERR, json, RestEnv, RestRequest, RestResponse } from './types';

export function getProject(env: RestEnv, _req: RestRequest, caller: Caller, id: string): RestResponse {
  const p = visibleProject(env.state, caller, id);
  if (isResponse(p)) return p;
  return json(200, projectJson(env.state, p, env.baseUrl, caller.principal.user));
}

/** Releases are not modelled: the list is empty, but access is checked exactly as GitLab does. */
export function listReleases(env: RestEnv, req: RestRequest, caller: Caller, id: string): RestResponse {
  if (caller.jobToken) {
    const target = env.state.findProject(id);
    if (!target) return ERR.projectNotFound();
    const decision = authorizeJobToken(env.state, caller.jobToken, target, ['read_releases']);
    if (!decision.ok) return json(decision.status, decision.body);
  } else {
    const p = visibleProject(env.state, caller, id);
    if (isResponse(p)) return p;
  }
  const page = paginateOffset([], req.url);
  return json(200, page.items, page.headers);
}
