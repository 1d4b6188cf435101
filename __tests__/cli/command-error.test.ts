import { commandErrorMessage } from '../../lib/cli/command-error';
import { ConfigError, resolveTarget } from '../../lib/gitlab/config';
import { FatalReadError } from '../../lib/live/engine';

const TOKEN = 'glpat-abcdefghijklmnopqrstuvwx9876';
const target = resolveTarget({ GITLAB_URL: 'https://gitlab.example.com', GITLAB_TOKEN: TOKEN });

describe('commandErrorMessage', () => {
  test('a token GitLab refuses mid-run gets the shared wording, token masked', () => {
    const msg = commandErrorMessage(new FatalReadError('HTTP 401', 401), target, { command: 'drift', expected: [] });
    // The shared wording names the command itself, so the prefix is not doubled.
    expect(msg).toBe(
      'tokenscope drift needs a personal, project or group access token with read_api (or api) and the Maintainer role on the projects; ' +
        `GitLab refuses GITLAB_TOKEN (glpat-****9876): ${'it is revoked, expired or mistyped (GitLab does not say which); create a new token and store it in GITLAB_TOKEN, checking that the variable holds the whole token'}\n`,
    );
    expect(msg).not.toContain(TOKEN);
  });

  test('expected errors pass through; anything else is "unexpected"; both masked', () => {
    expect(commandErrorMessage(new ConfigError(`bad ${TOKEN}`), target, { command: 'resolve', expected: [ConfigError] })).toBe(
      'tokenscope resolve: bad glpat-****9876\n',
    );
    expect(commandErrorMessage(new TypeError(`boom ${TOKEN}`), target, { command: 'import', expected: [ConfigError] })).toBe(
      'tokenscope import: unexpected error: boom glpat-****9876\n',
    );
  });
  test('a token split by escape sequences and control characters is cleaned first, then masked', () => {
    // No run of 12 plain characters: masking before cleaning would miss it, and cleaning would then join it up.
    const hidden = TOKEN.match(/.{1,5}/g)!.join('\u001b[0m\r\u0007');
    const msg = commandErrorMessage(new ConfigError(`bad ${hidden}`), target, { command: 'resolve', expected: [ConfigError] });
    expect(msg).toBe('tokenscope resolve: bad glpat-****9876\n');
    expect(msg).not.toContain(TOKEN.slice(6, 18));
  });
});

describe('commandErrorMessage before a target exists', () => {
  test('secrets in the environment are masked even without a resolved target', () => {
    const env = { MY_TOKEN: TOKEN, CI_JOB_TOKEN: 'glcbt-64_abcdefghijklmnopqrst', HOME: '/root' };
    const msg = commandErrorMessage(new TypeError(`bad ${TOKEN} and glcbt-64_abcdefghijklmnopqrst in /root`), undefined, {
      command: 'drift', expected: [], env, tokenEnv: 'MY_TOKEN',
    });
    expect(msg).toBe('tokenscope drift: unexpected error: bad glpat-****9876 and glcbt-****qrst in /root\n');
  });
});
