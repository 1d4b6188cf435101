/**
 * GitLab's own "now", from the `Date` header of an answer. A token's expiry is
 * GitLab's judgement, made on GitLab's clock: comparing GitLab's `expires_at`
 * with this machine's clock would call a token GitLab just accepted "expired"
 * whenever the two clocks disagree (a skewed runner, a test on another date).
 */
export function serverNow(headers: Pick<Headers, 'get'> | undefined, fallback: Date): Date {
  const raw = headers?.get('date');
  if (!raw) return fallback;
  const t = Date.parse(raw);
  return Number.isNaN(t) ? fallback : new Date(t);
}
