import * as fs from 'fs';
import * as path from 'path';
import { startSandbox, Sandbox } from '../../lib/sandbox';
import { resolveCommand } from '../../lib/cli/commands/resolve';
import { memoryIO } from '../../lib/cli/io';
import { cli, OPS_READ, synthAcme, tempDir } from '../drift/helpers';

describe('tokenscope resolve --check', () => {
  let sandbox: Sandbox;
  let dir: string;
  let good: { projects: Record<string, number>; groups: Record<string, number> };
  const env = () => ({ GITLAB_URL: sandbox.url, GITLAB_TOKEN: OPS_READ });
  const lockFile = () => path.join(dir, 'tokenscope.lock.json');
  const writeLock = (lock: object) => fs.writeFileSync(lockFile(), JSON.stringify({ version: 1, gitlabUrl: sandbox.url, ...lock }, null, 2));
  const check = async () => {
    const before = fs.readFileSync(lockFile(), 'utf8');
    const r = await cli(['resolve', '--check'], env(), dir);
    expect(fs.readFileSync(lockFile(), 'utf8')).toBe(before); // never writes
    return r;
  };

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0 });
    dir = synthAcme(tempDir('resolve-check'));
    expect((await cli(['resolve'], env(), dir)).code).toBe(0);
    good = JSON.parse(fs.readFileSync(lockFile(), 'utf8'));
  });
  afterAll(async () => {
    await sandbox.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('exit 0 when the lock file is what resolve would write', async () => {
    const r = await check();
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(new RegExp(`^tokenscope resolve --check: tokenscope\\.lock\\.json matches GitLab at ${sandbox.url.replace(/\./g, '\\.')} \\(\\d+ HTTP requests?\\)\\n$`));
  });

  it('exit 2 listing two swapped ids and an id changed to another project\'s', async () => {
    writeLock({ ...good, projects: { ...good.projects, 'acme/platform/deployer': 201, 'acme/web/storefront': 101, 'acme/data/etl': 401 } });
    const r = await check();
    expect(r.code).toBe(2);
    expect(r.out).toMatch(/^tokenscope resolve --check: tokenscope\.lock\.json differs from GitLab at \S+ \(3 differences, \d+ HTTP requests?\); run `tokenscope resolve` and review the diff:\n/);
    expect(r.out.split('\n').slice(1)).toEqual([
      '  project acme/data/etl: lock file 401, GitLab 302',
      '  project acme/platform/deployer: lock file 201, GitLab 101',
      '  project acme/web/storefront: lock file 101, GitLab 201',
      '',
    ]);
  });

  it('exit 2 for a lock file from another instance, paths missing from it, and paths GitLab does not know', async () => {
    const { 'acme/web/checkout': _gone, ...projects } = good.projects;
    writeLock({ gitlabUrl: 'https://gitlab.other.org', projects: { ...projects, 'acme/ghost': 999 }, groups: good.groups });
    const r = await check();
    expect(r.code).toBe(2);
    expect(r.out.split('\n').slice(1)).toEqual([
      `  gitlabUrl: the lock file is for https://gitlab.other.org, checked against ${sandbox.url}`,
      '  project acme/web/checkout: not in the lock file (GitLab: 202)',
      '  project acme/ghost: in the lock file (999), unknown to GitLab (or not visible to the token)',
      '',
    ]);
  });

  it('exit 1 when GitLab does not answer the lookups: nothing checked, never "matches"', async () => {
    const fetchImpl: typeof fetch = async (u, init) => (String(u).endsWith('/api/graphql')
      ? new Response(JSON.stringify({ message: 'nope' }), { status: 400, headers: { 'content-type': 'application/json' } })
      : fetch(u, init));
    const before = fs.readFileSync(lockFile(), 'utf8');
    const io = memoryIO(env(), dir);
    const code = await resolveCommand({ synthDir: 'cdktf.out', stack: [], output: 'tokenscope.lock.json', concurrency: '8', check: true }, io, { fetchImpl });
    expect(code).toBe(1);
    expect(io.out()).toBe('');
    expect(io.err()).toMatch(/^tokenscope resolve: GitLab did not answer every lookup: .*nope.*; nothing checked\n$/);
    expect(fs.readFileSync(lockFile(), 'utf8')).toBe(before);
  });

  it('exit 1 for a missing or corrupt lock file, saying what to do', async () => {
    fs.rmSync(lockFile());
    const missing = await cli(['resolve', '--check'], env(), dir);
    expect(missing.code).toBe(1);
    expect(missing.err).toBe('tokenscope resolve: lock file tokenscope.lock.json does not exist; run `tokenscope resolve` to create it, or drop the lock file setting\n');
    expect(fs.existsSync(lockFile())).toBe(false);
    fs.writeFileSync(lockFile(), '{"version":1,');
    for (const args of [['resolve', '--check'], ['resolve']]) {
      const r = await cli(args, env(), dir);
      expect(r.code).toBe(1);
      expect(r.err).toMatch(/^tokenscope resolve: tokenscope\.lock\.json is not valid JSON \(.*\); delete tokenscope\.lock\.json, synthesize without it \(`npx cdktf synth`\) and run `tokenscope resolve` to write it again\n$/);
    }
    writeLock(good);
  });
});
