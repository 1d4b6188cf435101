import * as fs from 'fs';
import * as path from 'path';
import { startSandbox, Sandbox } from '../../lib/sandbox';
import { describeSecret } from '../../lib/gitlab/secrets';
import { parseLockFile } from '../../lib/lockfile';
import { runCli } from '../../lib/cli/main';
import { memoryIO } from '../../lib/cli/io';
import { App } from 'cdktf';
import { JobTokenScope, TokenScopeStack } from '../../lib';
import { cli, DEV, inSyncSeed, JOB_TOKEN, OPS_READ, synthAcme, tempDir } from './helpers';

const NOW = '2026-11-23T12:00:00Z';

/** What the demo org holds against main.ts (lib/sandbox/demo-seed.json says why). */
const DEMO_FINDINGS = {
  'acme/data/etl': [],
  'acme/data/warehouse': [{ kind: 'missing_project_entry', target: 'acme/data/etl' }],
  'acme/platform/deployer': [],
  'acme/platform/runner-images': [],
  'acme/platform/tools/lint': [],
  'acme/platform/tools/release-cli': [
    { kind: 'recently_used_but_not_allowed', target: 'acme/data/etl', lastAuthorizedAt: '2026-11-21T17:40:00.000Z' },
  ],
  'acme/security/scanner': [{ kind: 'limit_access_mismatch', declared: true, live: false }],
  'acme/security/secrets': [],
  'acme/web/checkout': [{ kind: 'unexpected_project_entry', target: 'acme/data/etl', autopopulated: true }],
  'acme/web/design-system': [{ kind: 'unexpected_group_entry', target: 'acme/data' }],
  'acme/web/storefront': [],
};

describe('tokenscope drift against the sandbox', () => {
  let dir: string;
  let sandbox: Sandbox;
  const env = () => ({ GITLAB_URL: sandbox.url, GITLAB_TOKEN: OPS_READ });
  const drift = (args: string[], e: Record<string, string | undefined> = env(), cwd = dir) => cli(['drift', ...args], e, cwd);

  beforeAll(async () => {
    dir = synthAcme(tempDir('drift-e2e'));
    sandbox = await startSandbox({ port: 0, now: () => new Date(NOW) });
    // Drift's "recently" (--auth-log-days) counts back from today: pin today to the demo org's, and only the date.
    jest.useFakeTimers({
      now: new Date(NOW),
      doNotFake: ['hrtime', 'nextTick', 'performance', 'queueMicrotask', 'requestAnimationFrame', 'cancelAnimationFrame',
        'requestIdleCallback', 'cancelIdleCallback', 'setImmediate', 'clearImmediate', 'setInterval', 'clearInterval', 'setTimeout', 'clearTimeout'],
    });
  });
  afterAll(async () => {
    jest.useRealTimers();
    await sandbox.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('finds exactly the demo org drift, as JSON, and exits 2', async () => {
    const r = await drift(['--format', 'json', '--auth-log', '--no-progress']);
    expect(r.err).toBe('');
    expect(r.code).toBe(2);
    const report = JSON.parse(r.out);
    expect(Object.keys(report)).toEqual(['summary', 'projects']);
    expect(report.summary).toEqual({ projects: 11, inSync: 6, drifted: 5, unreadable: 0, requests: expect.any(Number) });
    const got = Object.fromEntries(report.projects.map((p: { project: string; findings: unknown[] }) => [p.project, p.findings]));
    expect(got).toEqual(DEMO_FINDINGS);
    for (const p of report.projects) {
      expect(Object.keys(p)).toEqual(['project', 'stack', 'status', 'findings']);
      expect(p.status).toBe((DEMO_FINDINGS as Record<string, unknown[]>)[p.project].length ? 'drifted' : 'in_sync');
    }
    expect(report.projects.find((p: { project: string }) => p.project === 'acme/web/checkout').stack).toBe('acme-web');
  });

  it('is read-only and cheap: zero mutations, requests counted in the summary', async () => {
    const before = sandbox.stats();
    const r = await drift(['--format', 'json', '--auth-log']);
    const after = sandbox.stats();
    expect(after.mutations - before.mutations).toBe(0);
    expect(JSON.parse(r.out).summary.requests).toBe(after.httpRequests - before.httpRequests);
    expect(after.httpRequests - before.httpRequests).toBeLessThanOrEqual(5);
  });

  it('--json-output and --junit-output write the other formats from the same read', async () => {
    const before = sandbox.stats();
    const r = await drift(['--format', 'text', '--no-progress', '--output', 'drift.txt', '--json-output', 'drift.json', '--junit-output', 'drift.xml']);
    const requests = sandbox.stats().httpRequests - before.httpRequests;
    expect(r.code).toBe(2);
    const json = JSON.parse(fs.readFileSync(path.join(dir, 'drift.json'), 'utf8'));
    expect(json.summary).toEqual({ projects: 11, inSync: 7, drifted: 4, unreadable: 0, requests });
    const xml = fs.readFileSync(path.join(dir, 'drift.xml'), 'utf8');
    expect((xml.match(/<testcase /g) ?? []).length).toBe(11);
    expect((xml.match(/<failure /g) ?? []).length).toBe(4);
    expect(fs.readFileSync(path.join(dir, 'drift.txt'), 'utf8')).toContain('acme/web/design-system');
  });

  it('without --auth-log reports no auth-log findings', async () => {
    const r = await drift(['--format', 'json']);
    const rc = JSON.parse(r.out).projects.find((p: { project: string }) => p.project === 'acme/platform/tools/release-cli');
    expect(rc).toEqual({ project: 'acme/platform/tools/release-cli', stack: 'acme-platform', status: 'in_sync', findings: [] });
  });

  it('--auth-log-days narrows "recently"', async () => {
    const r = await drift(['--format', 'json', '--auth-log', '--auth-log-days', '1']);
    const rc = JSON.parse(r.out).projects.find((p: { project: string }) => p.project === 'acme/platform/tools/release-cli');
    expect(rc.findings).toEqual([]);
  });

  it('exits 0 when the live org matches the declaration', async () => {
    const sb = await startSandbox({ port: 0, seed: inSyncSeed() as never });
    try {
      const r = await drift(['--format', 'json'], { GITLAB_URL: sb.url, GITLAB_TOKEN: OPS_READ });
      expect(r.code).toBe(0);
      expect(JSON.parse(r.out).summary).toMatchObject({ projects: 11, inSync: 11, drifted: 0, unreadable: 0 });
    } finally {
      await sb.stop();
    }
  });

  it('says enforced_by_instance, not limit_access_mismatch, when the instance enforces the allowlist', async () => {
    const seed = JSON.parse(JSON.stringify(inSyncSeed()));
    seed.instance.enforceAllowlist = true;
    seed.projects.find((p: { path: string }) => p.path === 'acme/security/scanner').limitAccess = false;
    const sb = await startSandbox({ port: 0, seed });
    try {
      const r = await drift(['--format', 'json'], { GITLAB_URL: sb.url, GITLAB_TOKEN: OPS_READ });
      expect(r.code).toBe(0);
      const scanner = JSON.parse(r.out).projects.find((p: { project: string }) => p.project === 'acme/security/scanner');
      expect(scanner).toEqual({
        project: 'acme/security/scanner', stack: 'acme-security', status: 'in_sync',
        findings: [{ kind: 'enforced_by_instance', declared: true, live: false, effective: true }],
      });
    } finally {
      await sb.stop();
    }
  });

  it('a scope declared limitAccess: false on an instance that enforces the allowlist is drift, and says why Terraform will never settle', async () => {
    const seed = JSON.parse(JSON.stringify(inSyncSeed()));
    seed.instance.enforceAllowlist = true;
    seed.projects.find((p: { path: string }) => p.path === 'acme/security/scanner').limitAccess = false;
    const sb = await startSandbox({ port: 0, seed });
    const dir = tempDir('drift-enforced');
    try {
      const app = new App({ outdir: path.join(dir, 'cdktf.out') });
      const s = new TokenScopeStack(app, 'acme-security', { lockFile: false });
      new JobTokenScope(s, 'scanner', { project: 'acme/security/scanner', limitAccess: false, allowGroups: ['acme'], allowProjects: ['acme/platform/deployer'] });
      app.synth();
      const r = await drift(['--synth-dir', path.join(dir, 'cdktf.out')], { GITLAB_URL: sb.url, GITLAB_TOKEN: OPS_READ });
      expect(r.code).toBe(2);
      expect(r.out).toContain(
        'enforced_by_instance  allowlist declared off, but the instance enforces it: the declaration cannot take effect, and Terraform ' +
          'plans enabled = false on every run (the provider reads the enforced value back, a permanent diff); declare limitAccess: true',
      );
    } finally {
      await sb.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('exits 1 with permission_denied for projects the token may not administer (errors win over drift)', async () => {
    const r = await drift(['--format', 'json'], { GITLAB_URL: sandbox.url, GITLAB_TOKEN: DEV });
    expect(r.code).toBe(1);
    const report = JSON.parse(r.out);
    expect(report.summary.unreadable).toBe(11);
    const storefront = report.projects.find((p: { project: string }) => p.project === 'acme/web/storefront');
    expect(storefront).toEqual({
      project: 'acme/web/storefront', stack: 'acme-web', status: 'unreadable',
      findings: [{
        kind: 'permission_denied',
        message: 'the token may not read the job-token settings of acme/web/storefront; it needs the Maintainer role on the project',
      }],
    });
  });

  it('stops at once for a CI job token, saying what token is needed', async () => {
    const before = sandbox.stats().httpRequests;
    const r = await drift([], { GITLAB_URL: sandbox.url, GITLAB_TOKEN: JOB_TOKEN });
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toBe(
      'tokenscope drift needs a personal, project or group access token with read_api (or api) and the ' +
        `Maintainer role on the projects; GITLAB_TOKEN holds a CI job token (${describeSecret(JOB_TOKEN)}): ` +
        'CI_JOB_TOKEN cannot read job-token settings over GraphQL\n',
    );
    expect(r.err).not.toContain(JOB_TOKEN);
    expect(sandbox.stats().httpRequests).toBe(before);
  });

  it('stops for a token GitLab refuses', async () => {
    const bad = 'glpat-not-a-real-token-000000000099';
    const r = await drift([], { GITLAB_URL: sandbox.url, GITLAB_TOKEN: bad });
    expect(r.code).toBe(1);
    expect(r.err).toBe(
      'tokenscope drift needs a personal, project or group access token with read_api (or api) and the ' +
        `Maintainer role on the projects; GitLab refuses GITLAB_TOKEN (${describeSecret(bad)}): GitLab does not know it: mistyped, cut short, ` +
        'deleted, or made on another GitLab instance; check that GITLAB_TOKEN holds the whole token, made on this GitLab instance; else create a new one\n',
    );
  });

  it('gives the same report with 20% of requests failing (fixed random seeds)', async () => {
    const clean = await drift(['--format', 'json', '--auth-log']);
    const strip = (t: string) => { const j = JSON.parse(t); delete j.summary.requests; return j; };
    let faults = 0;
    for (const randomSeed of [1, 2, 3, 4, 5, 6]) {
      const sb = await startSandbox({ port: 0, faultRate: 0.2, randomSeed, now: () => new Date(NOW) });
      try {
        const faulty = await drift(['--format', 'json', '--auth-log'], { GITLAB_URL: sb.url, GITLAB_TOKEN: OPS_READ });
        faults += sb.stats().faults;
        expect(faulty.code).toBe(clean.code);
        expect(strip(faulty.out)).toEqual(strip(clean.out));
        expect(sb.stats().mutations).toBe(0);
      } finally {
        await sb.stop();
      }
    }
    expect(faults).toBeGreaterThan(0);
  });

  it('--shard I/N partitions the projects', async () => {
    const all = JSON.parse((await drift(['--format', 'json'])).out).projects.map((p: { project: string }) => p.project).sort();
    const parts: string[][] = [];
    for (const i of [1, 2, 3]) {
      const r = await drift(['--format', 'json', '--shard', `${i}/3`]);
      parts.push(JSON.parse(r.out).projects.map((p: { project: string }) => p.project));
    }
    expect(parts.flat().sort()).toEqual(all);
    expect(new Set(parts.flat()).size).toBe(all.length);
    // CI_NODE_INDEX / CI_NODE_TOTAL give the default.
    const fromEnv = await drift(['--format', 'json'], { ...env(), CI_NODE_INDEX: '2', CI_NODE_TOTAL: '3' });
    expect(JSON.parse(fromEnv.out).projects.map((p: { project: string }) => p.project)).toEqual(parts[1]);
  });

  it('--stack picks stacks; an unknown stack is an error naming the ones there', async () => {
    const r = await drift(['--format', 'json', '--stack', 'acme-web']);
    expect(JSON.parse(r.out).projects.map((p: { stack: string }) => p.stack)).toEqual(['acme-web', 'acme-web', 'acme-web']);
    const bad = await drift(['--stack', 'nope']);
    expect(bad.code).toBe(1);
    expect(bad.err).toBe(
      `tokenscope drift: no stack "nope" in ${path.join(dir, 'cdktf.out')}; stacks there: acme-data, acme-platform, acme-security, acme-web\n`,
    );
  });

  it('writes a baseline, then passes on known drift and fails on new drift', async () => {
    const file = path.join(dir, 'baseline.json');
    const w = await drift(['--baseline', 'baseline.json', '--write-baseline', '--format', 'json']);
    expect(w.code).toBe(0);
    expect(w.err).toBe('tokenscope drift: wrote 4 accepted finding(s) to baseline.json\n');
    const b = JSON.parse(fs.readFileSync(file, 'utf8'));
    expect(b.accepted).toContainEqual({ project: 'acme/web/checkout', kind: 'unexpected_project_entry', target: 'acme/data/etl' });
    const again = await drift(['--baseline', 'baseline.json', '--format', 'json']);
    expect(again.code).toBe(0);
    // New drift: release-cli's auth-log finding is not in the baseline.
    const more = await drift(['--baseline', 'baseline.json', '--auth-log', '--format', 'json']);
    expect(more.code).toBe(2);
    expect(JSON.parse(more.out).summary).toMatchObject({ drifted: 1, inSync: 10 });
  });

  it('--output writes the report to a file and prints a summary line', async () => {
    const r = await drift(['--format', 'junit', '--output', 'drift.xml']);
    expect(r.code).toBe(2);
    expect(r.out).toBe('tokenscope drift: 11 projects, 7 in sync, 4 drifted, 0 unreadable; junit report in drift.xml\n');
    expect(fs.readFileSync(path.join(dir, 'drift.xml'), 'utf8')).toContain('<testcase classname="acme-web" name="acme/web/checkout">');
  });

  it('progress bar on stderr only when stderr is a terminal, and not with --no-progress', async () => {
    expect((await drift(['--format', 'json'])).err).toBe('');
    const run = async (args: string[]) => {
      const io = memoryIO(env(), dir);
      const tty = { ...io, stderr: { ...io.stderr, isTTY: true } };
      const code = await runCli(['node', 'tokenscope', 'drift', '--format', 'json', ...args], tty);
      return { code, err: io.err() };
    };
    const shown = await run([]);
    expect(shown.code).toBe(2);
    expect(shown.err).toContain('\rreading [##############################] 11/11 projects');
    expect(shown.err.endsWith('\r\u001b[2K')).toBe(true);
    expect((await run(['--no-progress'])).err).toBe('');
  });

  it('text report: no colour when not a terminal', async () => {
    const r = await drift([]);
    expect(r.out).not.toContain('\u001b[');
    expect(r.out.split('\n')[0]).toMatch(/^tokenscope drift: 11 projects, 7 in sync, 4 drifted, 0 unreadable \(\d+ HTTP requests\)$/);
    expect(r.out).toContain('  acme/web/checkout                DRIFTED\n      unexpected_project_entry  acme/data/etl: in GitLab');
  });

  it('refuses bad flags with the exact words', async () => {
    expect((await drift(['--concurrency', '0'])).err).toBe('tokenscope drift: --concurrency "0" must be a whole number from 1 to 64\n');
    expect((await drift(['--shard', '4/3'])).err).toBe('tokenscope drift: --shard "4/3": I must be between 1 and N, and N at least 1\n');
    const noSynth = await drift([], env(), tempDir('empty'));
    expect(noSynth.code).toBe(1);
    expect(noSynth.err).toMatch(/^tokenscope drift: .* has no synthesized stacks \(no .*stacks\); run `npx cdktf synth` first, or pass --synth-dir\n$/);
  });

  describe('tokenscope resolve', () => {
    it('writes a lock file; synth with it emits literal ids and no data sources; drift still finds the same', async () => {
      const r = await cli(['resolve'], env(), dir);
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/^tokenscope resolve: wrote tokenscope\.lock\.json: 11 projects, 4 groups \(\d+ HTTP requests?\)\n$/);
      const lock = parseLockFile(fs.readFileSync(path.join(dir, 'tokenscope.lock.json'), 'utf8'));
      expect(lock.projects['acme/web/checkout']).toBe(202);
      expect(lock.groups['acme/data']).toBe(14);
      expect(lock.gitlabUrl).toBe(sandbox.url);

      const locked = tempDir('drift-locked');
      fs.copyFileSync(path.join(dir, 'tokenscope.lock.json'), path.join(locked, 'tokenscope.lock.json'));
      synthAcme(locked, path.join(locked, 'tokenscope.lock.json'));
      const stackJson = fs.readFileSync(path.join(locked, 'cdktf.out', 'stacks', 'acme-web', 'cdk.tf.json'), 'utf8');
      expect(stackJson).not.toContain('data.gitlab_');
      expect(JSON.parse(stackJson).data).toBeUndefined();

      const before = sandbox.stats().httpRequests;
      const d = await cli(['drift', '--format', 'json', '--auth-log'], env(), locked);
      expect(d.code).toBe(2);
      const got = Object.fromEntries(JSON.parse(d.out).projects.map((p: { project: string; findings: unknown[] }) => [p.project, p.findings]));
      expect(got).toEqual(DEMO_FINDINGS);
      // The preflight, one id lookup (GitLab names every id and the lock file is checked against it, never
      // taken on faith; it used to be skipped when the lock named every id), one read and one REST toggle check.
      expect(sandbox.stats().httpRequests - before).toBe(4);
      fs.rmSync(locked, { recursive: true, force: true });
    });

    it('refuses a bad --concurrency with the exact words, before any request', async () => {
      const before = sandbox.stats().httpRequests;
      const r = await cli(['resolve', '--concurrency', '65', '--output', 'never.lock.json'], env(), dir);
      expect(r.code).toBe(1);
      expect(r.err).toBe('tokenscope resolve: --concurrency "65" must be a whole number from 1 to 64\n');
      expect(sandbox.stats().httpRequests).toBe(before);
      expect(fs.existsSync(path.join(dir, 'never.lock.json'))).toBe(false);
    });

    it('lists the paths GitLab does not know and writes nothing', async () => {
      const d = tempDir('resolve-missing');
      fs.mkdirSync(path.join(d, 'cdktf.out', 'stacks', 's'), { recursive: true });
      fs.writeFileSync(path.join(d, 'cdktf.out', 'stacks', 's', 'cdk.tf.json'), JSON.stringify({
        data: { gitlab_project: { p: { path_with_namespace: 'acme/nope' } }, gitlab_group: { g: { full_path: 'acme/ghosts' } } },
        resource: { gitlab_project_job_token_scopes: { x: {
          project: 'acme/web/storefront', enabled: true,
          target_project_ids: ['${data.gitlab_project.p.id}'], target_group_ids: ['${data.gitlab_group.g.group_id}'],
        } } },
      }));
      const r = await cli(['resolve'], env(), d);
      expect(r.code).toBe(1);
      expect(r.err).toBe(
        `tokenscope resolve: GitLab at ${sandbox.url} does not know 2 paths the app names (misspelt, moved, or not visible to the token); nothing written:\n` +
          '  project acme/nope\n  group   acme/ghosts\n',
      );
      expect(fs.existsSync(path.join(d, 'tokenscope.lock.json'))).toBe(false);
      fs.rmSync(d, { recursive: true, force: true });
    });
  });
});
