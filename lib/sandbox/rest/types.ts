/** Shared shapes of the REST layer: a parsed request, a response, GitLab's error bodies. */
import type { TokenLookup } from '../auth';
import type { ScopeService } from '../scope';
import type { SandboxState } from '../state';

export interface RestRequest {
  readonly method: string;
  /** Path segments after /api/v4, each URL-decoded (so `acme%2Fweb` is one segment `acme/web`). */
  readonly segments: readonly string[];
  /** Absolute request URL (for Link headers). */
  readonly url: URL;
  /** Body parameters merged over query parameters, as Grape sees them. */
  readonly params: Readonly<Record<string, unknown>>;
  readonly auth: TokenLookup;
}

export interface RestResponse {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
}

export interface RestEnv {
  readonly state: SandboxState;
  readonly scope: ScopeService;
  readonly baseUrl: string;
}

export const json = (status: number, body: unknown, headers?: Record<string, string>): RestResponse => ({ status, body, headers });

export const ERR = {
  unauthorized: () => json(401, { message: '401 Unauthorized' }),
  /** Grape's `forbidden!(reason)`: `403 Forbidden - <reason>`. */
  forbidden: (reason?: string) => json(403, { message: reason ? `403 Forbidden - ${reason}` : '403 Forbidden' }),
  /** Grape's `bad_request!(reason)`: `400 Bad request - <reason>`. */
  badRequest: (reason: string) => json(400, { message: `400 Bad request - ${reason}` }),
  projectNotFound: () => json(404, { message: '404 Project Not Found' }),
  groupNotFound: () => json(404, { message: '404 Group Not Found' }),
  /** Grape's `not_found!(resource)`: `404 <resource> Not Found`, whatever the resource text is. */
  notFound: (what?: string) => json(404, { message: what ? `404 ${what} Not Found` : '404 Not Found' }),
  routeNotFound: () => json(404, { error: '404 Not Found' }),
  methodNotAllowed: () => json(405, { error: '405 Not Allowed' }),
  insufficientScope: (scope = 'api') => json(403, {
    error: 'insufficient_scope',
    error_description: 'The request requires higher privileges than provided by the access token.',
    scope,
  }),
  missing: (param: string) => json(400, { error: `${param} is missing` }),
  invalid: (param: string) => json(400, { error: `${param} is invalid` }),
  revoked: () => oauthUnauthorized('Token was revoked. You have to re-authorize from the user.'),
  expired: () => oauthUnauthorized('Token is expired. You can either do re-authorization or token refresh.'),
};

/**
 * GitLab's answer for an expired or revoked access token (`lib/api/api_guard.rb`
 * `oauth2_bearer_token_error_handler`, rendered by rack-oauth2): the reason in
 * the JSON body and in `WWW-Authenticate`.
 */
function oauthUnauthorized(description: string): RestResponse {
  return json(401, { error: 'invalid_token', error_description: description }, {
    'WWW-Authenticate': `Bearer realm="Protected Resources", error="invalid_token", error_description="${description}"`,
  });
}
