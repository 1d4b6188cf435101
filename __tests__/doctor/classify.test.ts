import { classifyToken } from '../../lib/doctor/classify';
import { decodeJwtClaims } from '../../lib/doctor/jwt';
import { parseExpect } from '../../lib/doctor/types';
import { jwtJobToken } from './fake-gitlab';

const NOW = new Date('2026-11-23T12:00:00Z');
const PAT = 'glpat-abcdefghijklmnopqrst';
const ROUTABLE = 'glpat-' + 'a'.repeat(27) + '.01abcdefg';

describe('classifyToken: type by prefix', () => {
  const cases: Array<[string, string, string | undefined]> = [
    [PAT, 'personal_access_token', 'glpat-'],
    ['glcbt-64_abcdefghijklmnopqrst', 'ci_job_token', 'glcbt-'],
    ['gldt-abcdefghijklmnopqrst', 'deploy_token', 'gldt-'],
    ['glrt-abcdefghijklmnopqrst', 'runner_token', 'glrt-'],
    ['glrtr-abcdefghijklmnopqrst', 'runner_token', 'glrtr-'],
    ['GR1348941abcdefghijklmnopqrst', 'runner_token', 'GR1348941'],
    ['glptt-abcdefghijklmnopqrst', 'trigger_token', 'glptt-'],
    ['gloas-abcdefghijklmnopqrst', 'oauth_application_secret', 'gloas-'],
    ['glft-abcdefghijklmnopqrst', 'feed_token', 'glft-'],
    ['glimt-abcdefghijklmnopqrst', 'other_gitlab_token', 'glimt-'],
    ['glagent-abcdefghijklmnopqrst', 'other_gitlab_token', 'glagent-'],
    ['glwt-abcdefghijklmnopqrst', 'other_gitlab_token', 'glwt-'],
    ['glsoat-abcdefghijklmnopqrst', 'other_gitlab_token', 'glsoat-'],
    ['glffct-abcdefghijklmnopqrst', 'other_gitlab_token', 'glffct-'],
    ['a'.repeat(32) + 'b'.repeat(32), 'oauth_access_token', undefined],
    ['hello-world-this-is-not-a-token', 'unknown', undefined],
  ];
  it.each(cases)('%s -> %s', (token, type, prefix) => {
    const c = classifyToken(token, { now: NOW });
    expect(c.tokenType).toBe(type);
    expect(c.prefix).toBe(prefix);
    expect(c.problems).toEqual([]);
    expect(c.cleaned).toBe(token);
  });

  it('says glpat- cannot tell personal, project and group access tokens apart', () => {
    expect(classifyToken(PAT).notes).toContain(
      'glpat- is shared by personal, impersonation, project and group access tokens: the form cannot tell them apart (online probes can)',
    );
  });

  it('finds the type prefix behind a custom instance prefix', () => {
    const c = classifyToken('mycompany-glpat-abcdefghijklmnopqrst');
    expect(c.tokenType).toBe('personal_access_token');
    expect(c.prefix).toBe('glpat-');
    expect(c.customPrefix).toBe('mycompany-');
    expect(c.notes).toContain("type prefix glpat- follows the instance's custom prefix mycompany-");
    expect(classifyToken('my-corp-gldt-abcdefghijklmnop').customPrefix).toBe('my-corp-');
    expect(classifyToken('my-corp-gldt-abcdefghijklmnop').tokenType).toBe('deploy_token');
  });

  it('takes the first type prefix, not one inside the random part', () => {
    const c = classifyToken('glpat-abc-gldt-xyzxyzxyzxyzxyz');
    expect(c.tokenType).toBe('personal_access_token');
    expect(c.customPrefix).toBeUndefined();
  });

  it('recognises the routable glpat form (27..300 chars, a dot, 9 chars)', () => {
    expect(classifyToken(ROUTABLE).routable).toBe(true);
    expect(classifyToken('glpat-' + 'a'.repeat(300) + '.01abcdefg').routable).toBe(true);
    expect(classifyToken('glpat-' + 'a'.repeat(26) + '.01abcdefg').routable).toBe(false);
    expect(classifyToken('glpat-' + 'a'.repeat(301) + '.01abcdefg').routable).toBe(false);
    expect(classifyToken('glpat-' + 'a'.repeat(27) + '.01abcdef').routable).toBe(false);
    expect(classifyToken(PAT).routable).toBe(false);
    expect(classifyToken('acme-' + ROUTABLE).routable).toBe(true);
  });

  it('reads the legacy job token partition', () => {
    expect(classifyToken('glcbt-64_abcdefghijklmnopqrst').jobTokenPartition).toBe('64');
  });

  it('calls GR1348941 a legacy runner registration token', () => {
    expect(classifyToken('GR1348941abcdefghijklmnopqrst').notes[0]).toMatch(/^legacy runner registration token/);
  });

  it('says a 64-hex token is likely an OAuth access token', () => {
    expect(classifyToken('0123456789abcdef'.repeat(4)).notes).toEqual([
      '64 hexadecimal characters without a prefix: the usual form of an OAuth access token',
    ]);
  });
});

describe('classifyToken: JWT job tokens', () => {
  it('decodes sub, iss, aud and exp without verifying', () => {
    const t = jwtJobToken({ jobId: 4242, iss: 'https://gitlab.example.com', exp: Date.parse('2026-11-23T13:00:00Z') / 1000 });
    const c = classifyToken(t, { now: NOW });
    expect(c.tokenType).toBe('ci_job_token');
    expect(c.jwt).toEqual({
      sub: 'gid://gitlab/Ci::Build/4242',
      jobId: 4242,
      iss: 'https://gitlab.example.com',
      aud: 'gitlab-authz-token',
      exp: Date.parse('2026-11-23T13:00:00Z') / 1000,
      expiresAt: '2026-11-23T13:00:00.000Z',
      expired: false,
    });
  });

  it('marks an exp in the past as expired', () => {
    const t = jwtJobToken({ jobId: 1, exp: Date.parse('2026-11-23T11:00:00Z') / 1000 });
    expect(classifyToken(t, { now: NOW }).jwt?.expired).toBe(true);
  });

  it('reports a truncated JWT', () => {
    const t = jwtJobToken({ jobId: 1, exp: 2e9 });
    const cut = t.slice(0, t.lastIndexOf('.'));
    expect(classifyToken(cut, { now: NOW }).jwtError).toBe('a JWT has 3 dot-separated parts, this one has 2 (cut off when copied?)');
    expect(decodeJwtClaims('eyJhbGciOiJub25lIn0.%%%.sig', NOW).error).toBe(
      'its payload is not base64url-encoded JSON (cut off or altered when copied?)',
    );
  });
});

describe('classifyToken: what was pasted in with the token', () => {
  it('refuses an empty value', () => {
    const c = classifyToken('', { source: 'GITLAB_TOKEN' });
    expect(c.problems).toEqual([
      {
        id: 'token.empty',
        message: 'GITLAB_TOKEN is empty',
        remedy: 'set GITLAB_TOKEN to the token (GitLab: Settings > Access tokens; in CI, a masked CI/CD variable)',
      },
    ]);
    expect(classifyToken('  \n', { source: 'X' }).problems[0].message).toBe('X holds only whitespace');
  });

  it('names a trailing newline and says the stored CI variable must be fixed', () => {
    const c = classifyToken(PAT + '\n', { source: 'GITLAB_TOKEN' });
    expect(c.tokenType).toBe('personal_access_token');
    expect(c.cleaned).toBe(PAT);
    expect(c.problems).toEqual([
      {
        id: 'token.whitespace',
        message: 'the token ends with a newline (\\n); GitLab compares tokens exactly, so it would be refused as stored',
        remedy:
          "fix the stored value of GITLAB_TOKEN: remove the trailing line break. If it is a CI/CD variable, edit it under Settings > CI/CD > Variables; in a shell, set it with printf '%s' rather than echo",
      },
    ]);
  });

  it('names leading spaces, Windows line endings, tabs and inner spaces', () => {
    expect(classifyToken(' ' + PAT).problems[0].message).toBe(
      'the token starts with a space; GitLab compares tokens exactly, so it would be refused as stored',
    );
    expect(classifyToken(PAT + '\r\n').problems[0].message).toMatch(/^the token ends with a Windows line ending \(\\r\\n\);/);
    expect(classifyToken('\t' + PAT + ' ').problems[0].message).toMatch(/^the token starts with a tab and ends with a space;/);
    const inner = classifyToken('glpat-abcdefghij klmnopqrst');
    expect(inner.problems[0].message).toBe(
      'the token contains a space inside (wrapped or pasted in pieces?); GitLab tokens never contain whitespace',
    );
    expect(inner.cleaned).toBe(PAT);
  });

  it('finds invisible characters', () => {
    const c = classifyToken('\ufeff' + PAT);
    expect(c.problems[0].message).toBe(
      'the token contains invisible characters (zero-width space or byte order mark), pasted in with it',
    );
    expect(c.cleaned).toBe(PAT);
  });

  it('finds "Bearer " included', () => {
    const c = classifyToken('Bearer ' + PAT, { source: 'GITLAB_TOKEN' });
    expect(c.cleaned).toBe(PAT);
    expect(c.problems.map((p) => p.id)).toEqual(['token.bearer']);
    expect(c.problems[0].message).toBe('the value starts with "Bearer ": that is the Authorization header\'s scheme, not part of the token');
  });

  it('finds a pasted header line', () => {
    const c = classifyToken('PRIVATE-TOKEN: ' + PAT);
    expect(c.cleaned).toBe(PAT);
    expect(c.problems[0]).toMatchObject({ id: 'token.header', message: 'a whole "PRIVATE-TOKEN:" header line was pasted in, not just the token' });
    const auth = classifyToken('Authorization: Bearer ' + PAT);
    expect(auth.problems.map((p) => p.id)).toEqual(['token.header', 'token.bearer']);
    expect(auth.cleaned).toBe(PAT);
  });

  it('finds quotes around it', () => {
    for (const q of [`"${PAT}"`, `'${PAT}'`, `"${PAT}`, `${PAT}'`]) {
      const c = classifyToken(q);
      expect(c.cleaned).toBe(PAT);
      expect(c.problems).toMatchObject([{ id: 'token.quotes', message: 'the token is wrapped in quotes that became part of the stored value' }]);
    }
  });

  it('strips typographic quotes a chat or a document put around the token', () => {
    for (const q of [`\u201c${PAT}\u201d`, `\u2018${PAT}\u2019`, `\u201e${PAT}\u201c`, `\u00ab${PAT}\u00bb`]) {
      const c = classifyToken(q);
      expect(c.cleaned).toBe(PAT);
      expect(c.problems).toMatchObject([{ id: 'token.quotes', message: 'the token is wrapped in quotes that became part of the stored value' }]);
    }
  });

  it('names a character no GitLab token has (non-ASCII, control), with its position', () => {
    const c = classifyToken('glpat-ab\u2019cdefghijklmnopqrstuvwxyz', { source: 'GITLAB_TOKEN' });
    expect(c.tokenType).toBe('personal_access_token');
    expect(c.problems).toEqual([{
      id: 'token.characters',
      message: 'the token contains the character U+2019 at position 9, which no GitLab token has (they are plain ASCII): it was mistyped or changed when copied',
      remedy: "fix the stored value of GITLAB_TOKEN: copy the token again from where it was created, or create a new one. If it is a CI/CD variable, edit it under Settings > CI/CD > Variables; in a shell, set it with printf '%s' rather than echo",
    }]);
    expect(classifyToken('glpat-abc\u0000defghijklmnopqrstuv').problems.map((p) => p.message)).toEqual([
      'the token contains the character U+0000 at position 10, which no GitLab token has (they are plain ASCII): it was mistyped or changed when copied',
    ]);
  });

  it('a URL whose password is not valid percent-encoding does not throw', () => {
    const c = classifyToken('https://x:%E0%A4%A@gitlab.example.com');
    expect(c.cleaned).toBe('%E0%A4%A');
    expect(c.problems.map((p) => p.id)).toEqual(['token.url']);
  });

  it('calls a URL a URL, and takes a token out of one', () => {
    const u = classifyToken('https://gitlab.example.com', { source: 'GITLAB_TOKEN' });
    expect(u.tokenType).toBe('unknown');
    expect(u.cleaned).toBe('');
    expect(u.problems[0]).toEqual({
      id: 'token.url',
      message: 'this is a URL (https://gitlab.example.com), not a token: were GITLAB_URL and GITLAB_TOKEN swapped?',
      remedy: 'put the token in GITLAB_TOKEN and the URL in GITLAB_URL (or --url)',
    });
    const inUrl = classifyToken(`https://gitlab-ci-token:${PAT}@gitlab.example.com/acme/web.git`);
    expect(inUrl.cleaned).toBe(PAT);
    expect(inUrl.tokenType).toBe('personal_access_token');
    expect(inUrl.problems[0].message).toBe('a URL with a token inside was stored (https://gitlab.example.com/...), not the token alone');
    expect(classifyToken(`https://gitlab.example.com/api/v4/user?private_token=${PAT}`).cleaned).toBe(PAT);
  });

  it('never puts the token into a problem message or remedy', () => {
    for (const raw of [PAT + '\n', `"${PAT}"`, 'Bearer ' + PAT, 'PRIVATE-TOKEN: ' + PAT, `https://u:${PAT}@h.example/x`]) {
      for (const p of classifyToken(raw).problems) {
        expect(p.message).not.toContain(PAT);
        expect(p.remedy).not.toContain(PAT);
      }
    }
  });
});

describe('parseExpect', () => {
  it('takes short names and full token types', () => {
    expect(parseExpect('job')).toBe('ci_job_token');
    expect(parseExpect('personal')).toBe('personal_access_token');
    expect(parseExpect('project')).toBe('project_access_token');
    expect(parseExpect('group')).toBe('group_access_token');
    expect(parseExpect('oauth')).toBe('oauth_access_token');
    expect(parseExpect('deploy')).toBe('deploy_token');
    expect(parseExpect('runner')).toBe('runner_token');
    expect(parseExpect('trigger')).toBe('trigger_token');
    expect(parseExpect('feed')).toBe('feed_token');
    expect(parseExpect('ci_job_token')).toBe('ci_job_token');
    expect(parseExpect('oauth_application_secret')).toBe('oauth_application_secret');
    expect(parseExpect('Project-Access-Token')).toBe('project_access_token');
    expect(parseExpect('banana')).toBeUndefined();
    expect(parseExpect('unknown')).toBeUndefined();
  });
});
