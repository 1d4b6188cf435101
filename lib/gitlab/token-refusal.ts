import { gitlabErrorText } from './answers';

/**
 * Why GitLab refused a token, as far as its answer tells. REST tells three
 * cases apart (`lib/api/api_guard.rb`, `lib/api/helpers.rb`,
 * `lib/gitlab/auth/auth_finders.rb`): an expired token gets 401
 * `{"error":"invalid_token","error_description":"Token is expired. You can either do re-authorization or token refresh."}`,
 * a revoked one `... "Token was revoked. You have to re-authorize from the user."`,
 * and a token GitLab does not know 401 `{"message":"401 Unauthorized"}`.
 * GraphQL answers all three alike, 401 `{"errors":[{"message":"Invalid token"}]}`
 * (`app/controllers/graphql_controller.rb`: the request authenticator swallows the reason).
 */
export type RefusalReason = 'expired' | 'revoked' | 'unknown' | 'unspecified';

/** The reason behind a 401; undefined for any other answer. */
export function refusalReason(res: { readonly status: number; readonly json: unknown; readonly headers: Headers }): RefusalReason | undefined {
  if (res.status !== 401) return undefined;
  const text = gitlabErrorText(res) ?? '';
  if (/expired/i.test(text)) return 'expired';
  if (/revoked/i.test(text)) return 'revoked';
  if (/^401 Unauthorized$/i.test(text.trim())) return 'unknown';
  return 'unspecified';
}

/** The words for each reason, shared by doctor and every command's token check. */
export const REFUSAL_WORDS: Readonly<Record<RefusalReason, string>> = {
  expired: 'it has expired',
  revoked: 'it was revoked',
  unknown: 'GitLab does not know it: mistyped, cut short, deleted, or made on another GitLab instance',
  unspecified: 'it is revoked, expired or mistyped (GitLab does not say which)',
};

/** What to do about it; `source` is the variable that holds the token. */
export function refusalFix(reason: RefusalReason, source: string): string {
  switch (reason) {
    case 'expired': return `create a new token (or rotate the old one before it expires) and store it in ${source}`;
    case 'revoked': return `create a new token and store it in ${source}`;
    case 'unknown': return `check that ${source} holds the whole token, made on this GitLab instance; else create a new one`;
    default: return `create a new token and store it in ${source}, checking that the variable holds the whole token`;
  }
}
