/** `GET /groups/:id`: the group entity, for clients that turn group ids back into paths. */
import { canReadGroup } from '../access';
import { groupWebUrl } from '../state';
import { Caller } from './caller';
import { ERR, json, RestEnv, RestRequest, RestResponse } from './types';

export function getGroup(env: RestEnv, _req: RestRequest, caller: Caller, id: string): RestResponse {
  const g = env.state.findGroup(id);
  if (!g || !canReadGroup(caller.principal, g, env.state)) return ERR.groupNotFound();
  return json(200, {
    id: g.id,
    name: g.name,
    path: g.path,
    full_name: env.state.fullName(g),
    full_path: g.fullPath,
    description: '',
    visibility: g.visibility,
    parent_id: g.parent?.id ?? null,
    avatar_url: null,
    web_url: groupWebUrl(env.baseUrl, g),
  });
}
