/** Who-am-I endpoints: `/version`, `/user`, `/personal_access_tokens/self`, `/job`. */
import { Caller } from './caller';
import { jobJson, tokenSelfJson, userJson } from './serializers';
import { ERR, json, RestEnv, RestResponse } from './types';

export function getVersion(env: RestEnv): RestResponse {
  const { version, revision } = env.state.instance;
  return json(200, { version, revision, kas: { enabled: false, externalUrl: null, externalK8sProxyUrl: null, version: null }, enterprise: version.endsWith('-ee') });
}

export function getUser(env: RestEnv, caller: Caller): RestResponse {
  const u = caller.principal.user;
  return u ? json(200, userJson(u, env.baseUrl)) : ERR.unauthorized();
}

export function getTokenSelf(env: RestEnv, caller: Caller): RestResponse {
  const t = caller.principal.token;
  if (!t || t.type === 'oauth') return ERR.notFound();
  return json(200, tokenSelfJson(t, env.state.now()));
}

export function getJob(env: RestEnv, caller: Caller): RestResponse {
  return caller.jobToken ? json(200, jobJson(env.state, caller.jobToken, env.baseUrl)) : ERR.notFound('Job');
}
