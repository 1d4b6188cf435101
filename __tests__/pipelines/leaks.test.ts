/** The token scan of the pipeline tests (leaks.ts), without the pipelines: it must find every form a leak takes. */
import { describeSecret } from '../../lib/gitlab/secrets';
import { leaksIn, tokenForms } from '../support/leaks';
import { PIPELINE_TOKENS } from './seed';

describe('the token scan', () => {
  const t = PIPELINE_TOKENS.job;

  it.each([
    ['basic auth', `Authorization: Basic ${Buffer.from(`gitlab-ci-token:${t}`).toString('base64')}`],
    ['base64url inside user:token', Buffer.from(`ops:${t}`).toString('base64url')],
    ['base64 alone', Buffer.from(t).toString('base64')],
    ['URL-encoded', encodeURIComponent(`x=${t}`)],
    ['every byte percent-encoded', [...Buffer.from(t)].map((b) => `%${b.toString(16)}`).join('')],
    ['12 characters from the middle', t.slice(3, 19)],
    ['its last 12 characters', t.slice(-12)],
    ['upper case', t.toUpperCase()],
  ])('catches a token %s', (_what, text) => {
    expect(leaksIn('sample', text, [t]).length).toBeGreaterThan(0);
  });

  it('the described form and the public type prefix are not leaks', () => {
    expect(leaksIn('masked', `${describeSecret(t)} ${describeSecret(PIPELINE_TOKENS.maintainer)} glcbt-64_ glpat-`, [t, PIPELINE_TOKENS.maintainer])).toEqual([]);
    expect(tokenForms(t).every((f) => f.length >= 12)).toBe(true);
  });
});
