/**
 * Who is calling: reads the token from the headers GitLab reads it from and
 * looks it up. The API surface decides what a token type may do; this module
 * only says which token was presented, how, and whether it is alive.
 */
import type { IncomingHttpHeaders } from 'http';
import { ANONYMOUS, Principal } from './access';
import type { SandboxState, Token } from './state';

export type TokenChannel = 'private-token' | 'bearer' | 'job-token' | 'deploy-token';

export interface PresentedToken {
  readonly value: string;
  readonly channel: TokenChannel;
}

export type TokenLookup =
  | { kind: 'anonymous' }
  | { kind: 'valid'; token: Token; channel: TokenChannel; principal: Principal }
  | { kind: 'invalid'; reason: 'unknown' | 'revoked' | 'expired'; channel: TokenChannel };

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** The token of a request, in GitLab's order of precedence. */
export function presentedToken(headers: IncomingHttpHeaders, query: URLSearchParams): PresentedToken | null {
  const priv = header(headers, 'private-token') ?? query.get('private_token') ?? undefined;
  if (priv) return { value: priv.trim(), channel: 'private-token' };
  const auth = header(headers, 'authorization');
  if (auth) {
    const m = /^Bearer\s+(.+)$/i.exec(auth.trim());
    if (m) return { value: m[1].trim(), channel: 'bearer' };
    const basic = /^Basic\s+(.+)$/i.exec(auth.trim());
    if (basic) {
      const [user, ...rest] = Buffer.from(basic[1], 'base64').toString('utf8').split(':');
      if (user === 'gitlab-ci-token') return { value: rest.join(':'), channel: 'job-token' };
    }
  }
  const job = header(headers, 'job-token') ?? query.get('job_token') ?? undefined;
  if (job) return { value: job.trim(), channel: 'job-token' };
  const deploy = header(headers, 'deploy-token');
  if (deploy) return { value: deploy.trim(), channel: 'deploy-token' };
  return null;
}

/** True when the token's expiry date has been reached (GitLab tokens expire at 00:00 UTC of that date). */
export function isExpired(token: Token, now: Date): boolean {
  if (!token.expiresAt) return false;
  return now.toISOString().slice(0, 10) >= token.expiresAt;
}

export function lookupToken(state: SandboxState, presented: PresentedToken | null): TokenLookup {
  if (!presented) return { kind: 'anonymous' };
  const token = state.tokens.get(presented.value);
  if (!token) return { kind: 'invalid', reason: 'unknown', channel: presented.channel };
  if (token.revoked) return { kind: 'invalid', reason: 'revoked', channel: presented.channel };
  if (isExpired(token, state.now())) return { kind: 'invalid', reason: 'expired', channel: presented.channel };
  const user = token.userId !== null ? state.users.get(token.userId) ?? null : null;
  token.lastUsedAt = state.nowIso();
  return { kind: 'valid', token, channel: presented.channel, principal: { user, token, scopes: token.scopes } };
}

/** Access tokens that act as a user on the API: personal, project/group bots, OAuth. */
export function isApiToken(token: Token): boolean {
  return token.type === 'personal' || token.type === 'project' || token.type === 'group' || token.type === 'oauth';
}

export { ANONYMOUS };
