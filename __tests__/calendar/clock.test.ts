/**
 * The calendar must not decide whether the suite passes: the sandbox runs on its
 * seed's clock, and clients judge a token's expiry by GitLab's clock (the Date
 * header), not this machine's. `.ci/run` also runs the whole suite two years ahead.
 */
import { loadSeed, SeedError, startSandbox } from '../../lib/sandbox';
import { clockFrom, sandboxClock } from '../../lib/sandbox/clock';
import { serverNow } from '../../lib/gitlab/server-clock';
import { preflightApiToken } from '../../lib/doctor';
import { resolveTarget } from '../../lib/gitlab/config';
import { NO_RETRY } from '../../lib/gitlab/http';
import demoSeed from '../../lib/sandbox/demo-seed.json';

const FAR_FUTURE = new Date('2031-06-01T00:00:00Z');

describe('the sandbox clock', () => {
  it('starts at the seed\'s instance.now and runs on with elapsed time', () => {
    let elapsed = 0;
    const clock = clockFrom('2026-11-23T12:00:00Z', () => elapsed);
    expect(clock().toISOString()).toBe('2026-11-23T12:00:00.000Z');
    elapsed = 90_000;
    expect(clock().toISOString()).toBe('2026-11-23T12:01:30.000Z');
  });

  it('prefers the caller\'s clock, then the seed\'s, then the machine\'s', () => {
    const fixed = () => FAR_FUTURE;
    expect(sandboxClock(fixed, '2026-11-23T12:00:00Z')()).toBe(FAR_FUTURE);
    expect(sandboxClock(undefined, '2026-11-23T12:00:00Z')().toISOString().slice(0, 10)).toBe('2026-11-23');
  });

  it('refuses an instance.now that is not a date-time with a zone', () => {
    for (const bad of ['2026-11-23', 'yesterday', 12, '2026-13-45T99:00:00Z', '2026-11-23T12:00:00']) {
      let message = '';
      try {
        loadSeed({ instance: { now: bad } });
      } catch (err) {
        expect(err).toBeInstanceOf(SeedError);
        message = (err as Error).message;
      }
      expect(message).toBe(`instance: now ${JSON.stringify(bad)} must be an ISO 8601 date-time with a time zone, e.g. "2026-11-23T12:00:00Z"`);
    }
  });

  it('the demo seed says what now is, so its tokens mean the same on any day', async () => {
    expect(demoSeed.instance.now).toBe('2026-11-23T12:00:00Z');
    const sb = await startSandbox({ port: 0 });
    try {
      // The dev token expires 2026-11-27: valid on the seed's day, whatever the machine's date.
      const res = await fetch(`${sb.url}/api/v4/personal_access_tokens/self`, { headers: { 'PRIVATE-TOKEN': 'glpat-sandbox-dev-personal-00000000003' } });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { active: boolean }).active).toBe(true);
      expect(res.headers.get('date')).toMatch(/ 2026 /);
    } finally {
      await sb.stop();
    }
  });
});

describe('clients judge expiry on GitLab\'s clock', () => {
  it('serverNow reads the Date header, and falls back when it is missing or unreadable', () => {
    const h = (v?: string) => new Headers(v === undefined ? {} : { date: v });
    expect(serverNow(h('Mon, 23 Nov 2026 12:00:00 GMT'), FAR_FUTURE).toISOString()).toBe('2026-11-23T12:00:00.000Z');
    expect(serverNow(h(), FAR_FUTURE)).toBe(FAR_FUTURE);
    expect(serverNow(h('not a date'), FAR_FUTURE)).toBe(FAR_FUTURE);
  });

  it('a token GitLab accepts is not called expired because this machine\'s clock is years ahead', async () => {
    const sb = await startSandbox({ port: 0 });
    try {
      const target = resolveTarget({ GITLAB_TOKEN: 'glpat-sandbox-dev-personal-00000000003' }, { url: sb.url });
      const r = await preflightApiToken(target, { need: 'read_api', purpose: 'drift', now: FAR_FUTURE, retry: NO_RETRY });
      expect(r.tokenType).toBe('personal_access_token');
      // Judged on GitLab's day (2026-11-23): it expires in 4 days, which is worth a warning.
      expect(r.warnings).toEqual(['GITLAB_TOKEN (glpat-****0003): the token expires in 4 days, on 2026-11-27; rotate it now (Access tokens > Rotate, or POST /personal_access_tokens/self/rotate) and update the variable that holds it']);
    } finally {
      await sb.stop();
    }
  });
});
