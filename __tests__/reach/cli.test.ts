import * as fs from 'fs';
import * as path from 'path';
import { startSandbox, Sandbox } from '../../lib/sandbox';
import demoSeed from '../../lib/sandbox/demo-seed.json';
import { cli, OPS_READ, DEV, JOB_TOKEN, synthAcme, tempDir } from '../drift/helpers';

const demoLock = () => ({
  version: 1,
  projects: Object.fromEntries(demoSeed.projects.map((p) => [p.path, p.id])),
  groups: Object.fromEntries(demoSeed.groups.map((g) => [g.path, g.id])),
});

describe('tokenscope reach (CLI)', () => {
  let sb: Sandbox;
  let dir: string;
  let env: Record<string, string>;
  const run = (args: string[], e: Record<string, string | undefined> = env, cwd = dir) => cli(['reach', ...args], e, cwd);
  beforeAll(async () => {
    sb = await startSandbox({ port: 0 });
    dir = tempDir('reach-cli');
    fs.writeFileSync(path.join(dir, 'tokenscope.lock.json'), JSON.stringify(demoLock()));
    synthAcme(dir, path.join(dir, 'tokenscope.lock.json'));
    env = { GITLAB_URL: sb.url, GITLAB_TOKEN: OPS_READ };
  });
  afterAll(async () => { await sb.stop(); });

  describe('bad input: exit 1 and a line naming the fix', () => {
    it.each([
      [[], 'tokenscope reach: choose the projects: --group PATH (with --include-subgroups for its subgroups) or --synth-dir DIR (the projects of the synthesized stacks)\n'],
      [['--group', 'acme', '--synth-dir', 'cdktf.out'], 'tokenscope reach: --group and --synth-dir both choose the projects; pass one of them\n'],
      [['--synth-dir', 'cdktf.out', '--include-subgroups'], 'tokenscope reach: --include-subgroups applies to --group PATH\n'],
      [['--group', 'acme', '--declared'], 'tokenscope reach: --declared reads the synthesized stacks: pass --synth-dir DIR\n'],
      [['--group', 'acme', '--offline'], 'tokenscope reach: --offline needs --declared (the live graph is read from GitLab)\n'],
      [['--group', 'acme', '--transitive'], 'tokenscope reach: --transitive follows chains from one project: pass --from PROJECT\n'],
      [['--group', 'acme', '--max-group-projects', 'many'], 'tokenscope reach: --max-group-projects "many" must be a whole number from 1 to 1000000\n'],
      [['--group', 'acme/'], 'tokenscope reach: --group "acme/" has a leading or trailing "/"\n'],
      [['--group', '10'], 'tokenscope reach: --group "10" is a numeric id; give the group\'s full path (e.g. acme/platform)\n'],
      [['--group', 'acme', '--from', 'acme/<b>x'], 'tokenscope reach: --from "acme/<b>x" has an invalid segment "<b>x" (GitLab paths use letters, digits, "_", "-" and ".", and do not start with "-" or ".")\n'],
    ])('reach %j', async (args, message) => {
      const r = await run(args as string[]);
      expect(r.code).toBe(1);
      expect(r.err).toBe(message);
      expect(r.out).toBe('');
    });

    it('a project not in the graph', async () => {
      const r = await run(['--group', 'acme', '--include-subgroups', '--from', 'acme/nope']);
      expect(r.code).toBe(1);
      expect(r.err).toBe('tokenscope reach: --from acme/nope: not in the graph (11 projects); choose the projects with --group or --synth-dir\n');
    });

    it('--to a project outside the chosen ones', async () => {
      const r = await run(['--group', 'acme/web', '--to', 'acme/platform/deployer']);
      expect(r.code).toBe(1);
      expect(r.err).toBe('tokenscope reach: --to acme/platform/deployer: not one of the projects read (its allowlist is unknown); choose them with --group or --synth-dir\n');
    });

    it('a group GitLab does not have', async () => {
      const r = await run(['--group', 'acme/ghost']);
      expect(r.code).toBe(1);
      expect(r.err).toBe('tokenscope reach: GitLab has no group acme/ghost, or the token cannot see it\n');
    });

    it('no token, or a job token: the shared preflight words, before any read', async () => {
      const before = sb.stats().httpRequests;
      const none = await run(['--group', 'acme'], { GITLAB_URL: sb.url });
      expect(none.err).toBe('tokenscope reach needs a personal, project or group access token with read_api (or api) and the Maintainer role on the projects: set GITLAB_TOKEN to one (or name its variable with --token-env NAME)\n');
      const job = await run(['--group', 'acme'], { GITLAB_URL: sb.url, GITLAB_TOKEN: JOB_TOKEN });
      expect(job.code).toBe(1);
      expect(job.err).toContain('GITLAB_TOKEN holds a CI job token (glcbt-');
      expect(job.err).not.toContain(JOB_TOKEN);
      expect(sb.stats().httpRequests).toBe(before);
    });
  });

  it('text by default, exit 0; the token preflight counts in the requests', async () => {
    const r = await run(['--group', 'acme', '--include-subgroups']);
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    expect(r.out.split('\n')[0]).toBe('tokenscope reach (live): 11 projects, 46 edges, 3 findings (5 HTTP requests)');
    expect(r.out).toContain('  acme/security/scanner            every project (allowlist off)');
  });

  it('--format json: the contract\'s keys, --from and --to answers', async () => {
    const r = await run(['--group', 'acme', '--include-subgroups', '--format', 'json', '--from', 'acme/data/etl', '--to', 'acme/web/checkout']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(Object.keys(j)).toEqual(['source', 'summary', 'nodes', 'edges', 'findings', 'from', 'transitive', 'reach', 'to', 'origins', 'groups', 'notes', 'warnings']);
    expect(Object.keys(j.nodes[0])).toEqual(['project', 'visibility', 'limitAccess', 'enforcedByInstance', 'open', 'scanned']);
    expect(j.edges[0]).toEqual({ from: 'acme/platform/deployer', to: 'acme/data/etl', via: 'project' });
    expect(j.edges).toContainEqual({ from: 'acme/web/storefront', to: 'acme/platform/deployer', via: 'group', group: 'acme/web' });
    expect(j.edges).toContainEqual({ from: 'acme/web/checkout', to: 'acme/security/scanner', via: 'open' });
    expect(j.edges).toHaveLength(j.summary.edges);
    expect(j.findings.map((f: { kind: string }) => f.kind)).toEqual(['open_project', 'cycle', 'cycle']);
    expect(j.reach[0]).toEqual({ project: 'acme/platform/deployer', depth: 1, chain: ['acme/data/etl', 'acme/platform/deployer'], via: 'group', group: 'acme/data' });
    expect(j.origins).toEqual([
      { project: 'acme/data/etl', via: 'project' }, { project: 'acme/platform/deployer', via: 'project' }, { project: 'acme/web/storefront', via: 'project' },
    ]);
  });

  it('--output FILE for every format; stdout gets one line', async () => {
    for (const [format, start] of [['mermaid', 'flowchart LR\n'], ['dot', 'digraph reach {\n'], ['html', '<!DOCTYPE html>\n'], ['json', '{\n'], ['text', 'tokenscope reach']]) {
      const file = `reach.${format}`;
      const r = await run(['--group', 'acme', '--include-subgroups', '--format', format, '--output', file]);
      expect(r.code).toBe(0);
      expect(r.out).toBe(`tokenscope reach: 11 projects, 46 edges, 3 findings; ${format} report in ${file}\n`);
      expect(fs.readFileSync(path.join(dir, file), 'utf8').startsWith(start)).toBe(true);
    }
    const html = fs.readFileSync(path.join(dir, 'reach.html'), 'utf8');
    expect(html).toContain('<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; script-src \'sha256-');
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href="(?!data:)/);
  });

  it('a token without Maintainer on some projects: the report is written, they are marked, exit 1', async () => {
    const r = await run(['--group', 'acme', '--include-subgroups', '--format', 'json'], { GITLAB_URL: sb.url, GITLAB_TOKEN: DEV });
    expect(r.code).toBe(1);
    const j = JSON.parse(r.out);
    expect(j.summary.unreadable).toBeGreaterThan(0);
    expect(j.nodes.find((n: { error?: string }) => n.error).error).toMatch(/needs the Maintainer role on the project$/);
    expect(r.err.split('\n').slice(-2)).toEqual([`tokenscope reach: ${j.summary.unreadable} of the chosen projects could not be read; the graph leaves out what reaches them`, '']);
    expect(r.out).not.toContain(DEV);
  });

  it('--synth-dir: the projects of the stacks, read live', async () => {
    const r = await run(['--synth-dir', 'cdktf.out', '--format', 'json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.source).toBe('live');
    expect(j.summary.projects).toBe(11);
  });

  it('--declared: the graph the stacks give (groups expanded through GitLab); --offline: through the lock file, no request at all', async () => {
    const before = sb.stats().httpRequests;
    const online = await run(['--synth-dir', 'cdktf.out', '--declared', '--format', 'json', '--to', 'acme/web/checkout']);
    expect(online.code).toBe(0);
    const on = JSON.parse(online.out);
    expect(on.source).toBe('declared');
    // main.ts declares storefront and (by a rule) the deployer on checkout's allowlist; live GitLab also has etl.
    expect(on.origins).toEqual([{ project: 'acme/platform/deployer', via: 'project' }, { project: 'acme/web/storefront', via: 'project' }]);
    expect(on.nodes.find((n: { project: string }) => n.project === 'acme/web/design-system').visibility).toBe('public');
    expect(sb.stats().mutations).toBe(0);
    const mid = sb.stats().httpRequests;
    expect(mid).toBeGreaterThan(before);
    const offline = await run(['--synth-dir', 'cdktf.out', '--declared', '--offline', '--format', 'json', '--to', 'acme/platform/deployer'], {});
    expect(offline.code).toBe(0);
    expect(sb.stats().httpRequests).toBe(mid);
    const off = JSON.parse(offline.out);
    expect(off.summary.requests).toBe(0);
    expect(off.groups).toEqual([{ group: 'acme/data', projects: 2, origins: 2 }, { group: 'acme/web', projects: 3, origins: 3 }]);
    expect(off.warnings).toContain('offline: group entries expanded through the lock file, which names 11 projects; a group may have more');
    expect(off.nodes.every((n: { visibility: unknown }) => n.visibility === null)).toBe(true);
  });
});
