/** `GET /groups/:id`: the group entity, for clients that turn group ids back into paths. */
import { canReadGroup } from '../access';
import { Caller } from './caller';
import { ERR, json, RestEnv, RestRequest, RestResponse } from './types';

export function getGroup(env: RestEnv, _req: RestRequest, caller: Caller, id: string): RestResponse {
  const g = env.state.findGroup(id);
  if (!g || !canReadGroup(caller.principal, g, env.state)) return ERR.groupNotFound();
  const chain = env.state.groupChain(g);
  return json(200, {
    id: g.id,
    name: g.name,
    path: g.path,
    full_name: chain.map((x) => x.name).join(' / '),
    full_path: g.fullPath,
    description: '',
    visibility: g.visibility,
    parent_id: g.parent?.id ?? null,
    avatar_url: null,
    web_url: `${env.baseUrl}/groups/${g.fullPath}`,
  });
}
