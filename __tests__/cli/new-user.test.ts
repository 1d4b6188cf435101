import * as fs from 'fs';
import * as path from 'path';
import { startSandbox, Sandbox } from '../../lib/sandbox';
import { COMMANDS } from '../../lib/cli/commands';
import { cli, OPS_READ, synthAcme, tempDir } from '../drift/helpers';

const PASTED = 'glpat-pastedpastedpasted01234';

describe('errors a new user meets first', () => {
  let sandbox: Sandbox;
  let dir: string;
  const env = () => ({ GITLAB_URL: sandbox.url, GITLAB_TOKEN: OPS_READ });
  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0 });
    dir = synthAcme(tempDir('new-user'));
    fs.copyFileSync(path.join(__dirname, '..', 'plan', 'fixtures', 'acme.plan.json'), path.join(dir, 'plan.json'));
  });
  afterAll(async () => {
    await sandbox.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const GITLAB_COMMANDS: string[][] = [
    ['drift'], ['resolve', '--output', 'never.lock.json'], ['suggest'], ['policies', 'apply'], ['import', '--group', 'acme'],
    ['reach', '--group', 'acme'], ['plan-summary', 'plan.json', '--resolve'],
  ];

  describe('--token-env NAME with NAME unset: every command names NAME', () => {
    it.each(GITLAB_COMMANDS)('%s', async (...args) => {
      const r = await cli([...args, '--token-env', 'MY_CI_TOKEN'], env(), dir);
      expect(r.code).toBe(1);
      expect(r.err).toMatch(/: MY_CI_TOKEN \(named by --token-env\) is not set or empty; set it to the token, or name the variable that holds it\n$/);
      expect(r.err).not.toContain('set GITLAB_TOKEN');
    });

    it('doctor', async () => {
      const r = await cli(['doctor', '--token-env', 'MY_CI_TOKEN'], env(), dir);
      expect(r.code).toBe(1);
      expect(r.out).toContain('no token: MY_CI_TOKEN is not set');
    });
  });

  describe('a token pasted as --token-env NAME is refused without repeating it', () => {
    it.each([...GITLAB_COMMANDS, ['doctor']])('%s', async (...args) => {
      const r = await cli([...args, '--token-env', PASTED], env(), dir);
      expect(r.code).toBe(1);
      expect(r.err).toMatch(/: --token-env takes the name of the environment variable that holds the token \(like GITLAB_TOKEN\), not the token itself; put the token in a variable and pass its name \(the value given is not shown, in case it is a token\)\n$/);
      expect(r.out + r.err).not.toContain(PASTED.slice(6, 20));
    });

    // Tokens that are also valid variable names: a body without its prefix (or a legacy token), an OAuth token.
    const BARE = 'Xq7vR2mK9pLw4tZc8nB3hJ6d';
    const OAUTH = 'a3f'.padEnd(64, '9c1e');
    it.each([['drift', BARE], ['doctor', BARE], ['drift', OAUTH], ['doctor', OAUTH]])('%s, a token that is also a name: %s', async (command, pasted) => {
      const r = await cli([command, '--token-env', pasted], env(), dir);
      expect(r.code).toBe(1);
      expect(r.err).toContain('not the token itself');
      expect(r.out + r.err).not.toContain(pasted.slice(0, 12));
      const flag = await cli([command, '--token', 'x', '--token-env', pasted], env(), dir);
      expect(flag.err).toContain('there is no --token option');
      expect(flag.out + flag.err).not.toContain(pasted.slice(0, 12));
    });
  });

  describe('what commander quotes back (an unknown flag, a bad choice) is masked', () => {
    it.each([
      [['drift', `--tokne=${OPS_READ}`, '--format', 'json']],
      [['drift', '--format', OPS_READ]],
      [['doctor', `--expct=${OPS_READ}`, '--format', 'json']],
    ])('%j', async (args) => {
      const r = await cli(args, env(), dir);
      expect(r.code).toBe(1);
      expect(r.err).toMatch(/^error: /);
      expect(r.out + r.err).not.toContain(OPS_READ.slice(6, 18));
      expect(r.err).toContain('glpat-****0002');
    });
  });

  describe('--token VALUE: tokens come only from the environment, in every command', () => {
    it.each(COMMANDS.map((c) => [c.name]))('%s', async (name) => {
      const r = await cli([name, '--token', PASTED], env(), dir);
      expect(r.code).toBe(1);
      const where = name === 'doctor' ? 'GITLAB_TOKEN (doctor also reads CI_JOB_TOKEN)' : 'GITLAB_TOKEN';
      expect(r.err).toBe(
        `tokenscope ${name}: there is no --token option: tokens are read only from the environment, so that they stay out of shell history, ` +
          `process lists and CI logs; set ${where} to the token (or name the variable that holds it with --token-env NAME), and drop --token and its value\n`,
      );
      expect(r.out + r.err).not.toContain(PASTED.slice(6));
    });

    it('--token=VALUE with --token-env names that variable', async () => {
      const r = await cli(['drift', `--token=${PASTED}`, '--token-env', 'OPS_TOKEN'], env(), dir);
      expect(r.err).toBe(
        'tokenscope drift: there is no --token option: tokens are read only from the environment, so that they stay out of shell history, ' +
          'process lists and CI logs; set OPS_TOKEN to the token, and drop --token and its value\n',
      );
      expect(r.err).not.toContain(PASTED.slice(6));
    });
  });

  describe('--format json on an error: a JSON error object on stdout, the text on stderr', () => {
    it('drift: stdout, --output and --json-output all say what happened', async () => {
      const empty = tempDir('new-user-empty');
      try {
        const r = await cli(['drift', '--format', 'json', '--output', 'drift.json', '--json-output', 'also.json'], env(), empty);
        expect(r.code).toBe(1);
        expect(r.err).toMatch(/^tokenscope drift: .* has no synthesized stacks/);
        const object = { error: { command: 'drift', message: r.err.trimEnd(), exitCode: 1 } };
        expect(JSON.parse(r.out)).toEqual(object);
        expect(JSON.parse(fs.readFileSync(path.join(empty, 'drift.json'), 'utf8'))).toEqual(object);
        expect(JSON.parse(fs.readFileSync(path.join(empty, 'also.json'), 'utf8'))).toEqual(object);
      } finally {
        fs.rmSync(empty, { recursive: true, force: true });
      }
    });

    it.each([
      [['suggest', '--format', 'json', '--token-env', 'NOPE']],
      [['policies', 'apply', '--format=json', '--url', 'ftp://x']],
      [['doctor', '--format', 'json', '--expect', 'wizard']],
      [['plan-summary', 'missing.json', '--format', 'json']],
      [['drift', '--format', 'json', '--no-such-flag']],
      [['drift', '--format', 'json', '--token', PASTED]],
    ])('%j', async (args) => {
      const r = await cli(args, env(), dir);
      expect(r.code).toBe(1);
      const json = JSON.parse(r.out);
      expect(Object.keys(json)).toEqual(['error']);
      expect(Object.keys(json.error)).toEqual(['command', 'message', 'exitCode']);
      expect(json.error).toMatchObject({ command: args[0], exitCode: 1 });
      expect(json.error.message.length).toBeGreaterThan(10);
      expect(r.err).not.toBe('');
      expect(r.out).not.toContain(PASTED.slice(6));
    });

    it('a report with findings is not an error: no error object', async () => {
      const r = await cli(['drift', '--format', 'json'], env(), dir);
      expect(r.code).toBe(2);
      expect(JSON.parse(r.out).error).toBeUndefined();
    });
  });

  it('doctor --expect job with a personal token in GITLAB_TOKEN: says --token-env CI_JOB_TOKEN, not a shadowing variable', async () => {
    const r = await cli(['doctor', '--expect', 'job'], { GITLAB_TOKEN: OPS_READ, CI_JOB_TOKEN: 'glcbt-64_sandboxEtlRunningJob01' }, dir);
    expect(r.code).toBe(1);
    expect(r.out).toContain('doctor checked GITLAB_TOKEN (it reads GITLAB_TOKEN before CI_JOB_TOKEN); to check the job token, run tokenscope doctor --token-env CI_JOB_TOKEN --expect job inside the job');
    expect(r.out).not.toContain('replaces it');
    const shadowed = await cli(['doctor', '--expect', 'job', '--token-env', 'CI_JOB_TOKEN'], { CI_JOB_TOKEN: OPS_READ }, dir);
    expect(shadowed.out).toContain('a CI/CD variable named CI_JOB_TOKEN (project, group or instance settings) or an export in the job script replaces it');
  });

  it('help policies apply shows the subcommand\'s page', async () => {
    const r = await cli(['help', 'policies', 'apply'], {}, dir);
    expect(r.code).toBe(0);
    expect(r.out.split('\n')[0]).toBe('Usage: tokenscope policies apply [options]');
    expect(r.out).toContain('--yes');
  });
});
