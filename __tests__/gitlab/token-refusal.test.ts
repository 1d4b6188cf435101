import * as fs from 'fs';
import * as path from 'path';
import { startSandbox } from '../../lib/sandbox';
import type { Sandbox } from '../../lib/sandbox';
import { REFUSAL_WORDS, refusalFix } from '../../lib/gitlab/token-refusal';
import { cli, synthWithProjects } from './helpers';

/**
 * An expired, a revoked and a mistyped token: drift (like every command's token
 * check) and doctor name the same reason and the same fix, and the sandbox
 * answers as GitLab's source does (lib/api/api_guard.rb, lib/api/helpers.rb).
 */
const seed = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'doctor', 'fixtures', 'doctor-seed.json'), 'utf8'));
const TOKENS = {
  expired: 'glpat-doctor-expired-0000000000004',
  revoked: 'glpat-doctor-revoked-0000000000003',
  unknown: 'glpat-doctor-mistyped-000000000099',
} as const;

let sandbox: Sandbox;
let dir: string;

beforeAll(async () => {
  sandbox = await startSandbox({ seed, port: 0 });
  dir = synthWithProjects(3);
});
afterAll(async () => {
  await sandbox?.stop();
});

describe('a refused token: the same words from drift and doctor', () => {
  test('the sandbox answers like GitLab: the reason on REST, "Invalid token" on GraphQL', async () => {
    const get = (t: string) => fetch(`${sandbox.url}/api/v4/personal_access_tokens/self`, { headers: { 'PRIVATE-TOKEN': t } });
    const expired = await get(TOKENS.expired);
    expect(expired.status).toBe(401);
    expect(await expired.json()).toEqual({ error: 'invalid_token', error_description: 'Token is expired. You can either do re-authorization or token refresh.' });
    expect(expired.headers.get('www-authenticate')).toBe(
      'Bearer realm="Protected Resources", error="invalid_token", error_description="Token is expired. You can either do re-authorization or token refresh."',
    );
    expect(await (await get(TOKENS.revoked)).json()).toEqual({ error: 'invalid_token', error_description: 'Token was revoked. You have to re-authorize from the user.' });
    expect(await (await get(TOKENS.unknown)).json()).toEqual({ message: '401 Unauthorized' });
    for (const t of Object.values(TOKENS)) {
      const g = await fetch(`${sandbox.url}/api/graphql`, {
        method: 'POST', headers: { Authorization: `Bearer ${t}`, 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ currentUser { username } }' }),
      });
      expect([g.status, await g.json()]).toEqual([401, { errors: [{ message: 'Invalid token' }] }]);
    }
  });

  test.each(Object.entries(TOKENS))('%s', async (reason, token) => {
    const words = REFUSAL_WORDS[reason as keyof typeof REFUSAL_WORDS];
    const fix = refusalFix(reason as keyof typeof REFUSAL_WORDS, 'GITLAB_TOKEN');
    const env = { GITLAB_URL: sandbox.url, GITLAB_TOKEN: token };
    const drift = await cli(['drift'], env, dir);
    expect(drift.code).toBe(1);
    expect(drift.out).toBe('');
    expect(drift.err.split('\n').filter(Boolean)).toHaveLength(1);
    expect(drift.err).toContain(`GitLab refuses GITLAB_TOKEN (glpat-****${token.slice(-4)}): ${words}; ${fix}\n`);
    const doctor = await cli(['doctor', '--format', 'json'], env, dir);
    expect(doctor.code).toBe(1);
    const accepted = JSON.parse(doctor.out).checks.find((c: { id: string }) => c.id === 'token.accepted');
    expect(accepted.status).toBe('fail');
    expect(accepted.message).toMatch(new RegExp(`: ${words.replace(/[()]/g, '\\$&')}$`));
    expect(accepted.remedy).toBe(fix);
  });
});
