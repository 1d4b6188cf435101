import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdktf';
import { buildAcme } from '../../main';
import { startSandbox, Sandbox, SeedFile } from '../../lib/sandbox';
import { memoryIO } from '../../lib/cli/io';
import { runCli } from '../../lib/cli/main';
import { suggestCommand, SuggestCliOptions } from '../../lib/cli/commands/suggest';
import { ListSite, scopeDeclarationsIn } from '../../lib/source/find-scopes';
import type { SuggestReport } from '../../lib/suggest/types';
import demoSeed from '../../lib/sandbox/demo-seed.json';

const NOW = new Date('2026-11-23T12:00:00Z');
const OPS_READ = 'glpat-sandbox-ops-readonly-00000000002';
const DEV = 'glpat-sandbox-dev-personal-00000000003';

/** The demo org plus auth logs worth suggesting from: a deleted origin, and three acme/web origins reaching the warehouse. */
function seed(): SeedFile {
  const s = JSON.parse(JSON.stringify(demoSeed)) as SeedFile;
  const warehouse = s.projects!.find((p) => p.path === 'acme/data/warehouse')!;
  warehouse.authLog = [
    { origin: 'acme/data/etl', lastAuthorizedAt: '2026-11-23T06:05:00Z' },
    { origin: 'acme/gone', deleted: true, lastAuthorizedAt: '2026-11-10T00:00:00Z' },
    { origin: 'acme/web/storefront', lastAuthorizedAt: '2026-11-20T00:00:00Z' },
    { origin: 'acme/web/checkout', lastAuthorizedAt: '2026-11-19T00:00:00Z' },
    { origin: 'acme/web/design-system', lastAuthorizedAt: '2026-11-18T00:00:00Z' },
    { origin: 'acme/platform/deployer', lastAuthorizedAt: '2026-11-18T00:00:00Z' },
  ];
  return s;
}

/** allowProjects / allowGroups of each JobTokenScope in a source text, as written. */
function listsIn(text: string): Record<string, { projects: string[]; groups: string[] }> {
  const written = (site: ListSite) => (site.kind === 'literal' ? site.elements.map((e) => e.target) : []);
  return Object.fromEntries(scopeDeclarationsIn('main.ts', text).map((d) => [d.project, { projects: written(d.allowProjects), groups: written(d.allowGroups) }]));
}

function opts(over: Partial<SuggestCliOptions> = {}): SuggestCliOptions {
  return { synthDir: 'cdktf.out', stack: [], unusedDays: '90', compactThreshold: '5', format: 'json', concurrency: '4', progress: false, ...over };
}

describe('tokenscope suggest against the sandbox', () => {
  let sandbox: Sandbox;
  let dir: string;
  const env = (token = OPS_READ) => ({ GITLAB_URL: sandbox.url, GITLAB_TOKEN: token });
  const run = async (o: Partial<SuggestCliOptions>, token = OPS_READ) => {
    const io = memoryIO(env(token), dir);
    const code = await suggestCommand(opts(o), io, { now: NOW });
    return { code, out: io.out(), err: io.err() };
  };

  beforeAll(async () => {
    sandbox = await startSandbox({ seed: seed(), port: 0, now: () => NOW });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tokenscope-suggest-'));
    const app = new App({ outdir: path.join(dir, 'cdktf.out') });
    buildAcme(app, { lockFile: false });
    app.synth();
    // The app's source in its own git repository, for --patch.
    fs.copyFileSync(path.join(__dirname, '..', '..', 'main.ts'), path.join(dir, 'main.ts'));
    execFileSync('git', ['init', '-q'], { cwd: dir });
  });
  afterAll(async () => {
    await sandbox.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reports additions, compaction, autopopulated removals and the deleted origin as JSON; exit 2; zero mutations', async () => {
    const before = sandbox.stats();
    const r = await run({ compactThreshold: '2' });
    expect(r.code).toBe(2);
    expect(r.err).toBe('');
    expect(sandbox.stats().mutations).toBe(before.mutations);
    const report = JSON.parse(r.out);
    expect(Object.keys(report)).toEqual(['summary', 'options', 'projects', 'caveats']);
    // What the log cannot tell, said once: deleted origins are not in it.
    expect(report.caveats[0]).toBe('GitLab leaves rows whose origin project was deleted out of the authentication log: ' +
      'uses by deleted projects can be neither listed nor counted (their allowlist entries go with them)');
    expect(report.options).toEqual({ unusedDays: 90, compactThreshold: 2, since: '2026-08-25T12:00:00.000Z' });
    expect(report.summary).toMatchObject({ projects: 11, unreadable: 0, deletedOrigins: 0 });
    const by = (p: string) => report.projects.find((x: { project: string }) => x.project === p);

    const warehouse = by('acme/data/warehouse');
    expect(warehouse.stack).toBe('acme-data');
    // The seed's deleted origin is not in GitLab's answer at all: nothing to count, nothing to note.
    expect(warehouse.deletedOrigins).toBe(0);
    expect(warehouse.notes).toEqual([]);
    expect(warehouse.add).toEqual([
      { kind: 'group', target: 'acme/web', reason: 'compact_group', lastAuthorizedAt: '2026-11-20T00:00:00.000Z',
        origins: ['acme/web/checkout', 'acme/web/design-system', 'acme/web/storefront'] },
    ]);
    // The rest of the warehouse's log was read: acme/data/etl (declared) and the deployer count as used.
    expect(warehouse.remove).toEqual([]);

    expect(by('acme/platform/tools/release-cli').add).toEqual([
      { kind: 'project', target: 'acme/data/etl', reason: 'used_not_allowed', lastAuthorizedAt: '2026-11-21T17:40:00.000Z' },
    ]);
    const checkout = by('acme/web/checkout');
    expect(checkout.remove[0]).toEqual({ kind: 'project', target: 'acme/platform/deployer', reason: 'unused', autopopulated: false, lastAuthorizedAt: null });
    // acme/data/etl is live but not declared: not a removal of the declaration (drift reports it).
    expect(checkout.remove.map((x: { target: string }) => x.target)).toEqual(['acme/platform/deployer', 'acme/web/storefront']);
  });

  it('--log-since after the window start proposes no removal: the log is too young to judge; additions stay', async () => {
    const r = await run({ logSince: '2026-11-01' });
    const report = JSON.parse(r.out) as SuggestReport;
    expect(report.options).toEqual({ unusedDays: 90, compactThreshold: 5, since: '2026-08-25T12:00:00.000Z', logSince: '2026-11-01T00:00:00.000Z' });
    expect(report.summary.removals).toBe(0);
    const checkout = report.projects.find((p) => p.project === 'acme/web/checkout')!;
    expect(checkout.remove).toEqual([]);
    expect(checkout.notes).toContain('the authentication log reaches back only 22 days (--log-since 2026-11-01), less than the 90-day window: ' +
      'too young to judge which entries are unused; none is proposed for removal (run again from 2027-01-30 on, or lower --unused-days)');
    const warehouse = report.projects.find((p) => p.project === 'acme/data/warehouse')!;
    expect(warehouse.add.length).toBeGreaterThan(0);
    const text = await run({ logSince: '2026-11-01', format: 'text' });
    expect(text.out.split('\n')[0]).toMatch(/"recent" = since 2026-08-25 \(90 days\), log complete since 2026-11-01 \(\d+ HTTP requests\)$/);
  });

  it('--patch FILE writes a diff of main.ts that git apply accepts, and says what it cannot patch', async () => {
    const r = await run({ compactThreshold: '2', patch: 'suggest.diff', format: 'text' });
    expect(r.code).toBe(2);
    const diff = fs.readFileSync(path.join(dir, 'suggest.diff'), 'utf8');
    expect(diff.startsWith('diff --git a/main.ts b/main.ts\n')).toBe(true);
    expect(diff).toContain("+      allowProjects: ['acme/data/etl', 'acme/web/storefront'],");
    const before = fs.readFileSync(path.join(dir, 'main.ts'), 'utf8');
    execFileSync('git', ['apply', 'suggest.diff'], { cwd: dir });
    const after = fs.readFileSync(path.join(dir, 'main.ts'), 'utf8');
    fs.writeFileSync(path.join(dir, 'main.ts'), before);
    // What git apply made of main.ts, read back: every list is the written one with the report's removals and additions.
    const report = JSON.parse((await run({ compactThreshold: '2' })).out) as SuggestReport;
    const expected = listsIn(before);
    // main.ts writes acme/security/scanner by its id: removing the project removes '401'.
    const writtenAs: Record<string, string> = { 'acme/security/scanner': '401' };
    for (const p of report.projects) {
      const l = expected[p.project];
      if (!l) continue;
      for (const [kind, key] of [['project', 'projects'], ['group', 'groups']] as const) {
        const gone = new Set(p.remove.filter((x) => x.kind === kind).flatMap((x) => [x.target.toLowerCase(), writtenAs[x.target] ?? x.target]));
        l[key] = [...l[key].filter((t) => !gone.has(t.toLowerCase())), ...p.add.filter((a) => a.kind === kind).map((a) => a.target)].sort();
      }
    }
    const sortedLists = (m: ReturnType<typeof listsIn>) =>
      Object.fromEntries(Object.entries(m).map(([p, l]) => [p, { projects: [...l.projects].sort(), groups: [...l.groups].sort() }]));
    expect(sortedLists(listsIn(after))).toEqual(sortedLists(expected));
    // The deployer entry comes from a ScopeRule, not from the literal: said, not guessed.
    expect(r.err).toContain('tokenscope suggest: acme/web/checkout: acme/platform/deployer is not written in allowProjects (added by a ScopeRule?); remove it there, or exempt this scope with exemptFromRules\n');
    expect(r.out).toContain('acme/data/warehouse  (acme-data, main.ts:61)');
    expect(r.out).toContain('  add     group   acme/web  instead of 3 of its projects (acme/web/checkout, acme/web/design-system, acme/web/storefront)');
  });

  it('--patch without a file: the diff on stdout (what `| git apply` takes), the report on stderr', async () => {
    const r = await run({ patch: true, format: 'text' });
    expect(r.out.startsWith('diff --git a/main.ts b/main.ts\n')).toBe(true);
    execFileSync('git', ['apply', '--check', '-'], { cwd: dir, input: r.out });
    expect(r.err).toContain('tokenscope suggest: 11 projects');
  });

  it('--group reads the live lists as the declaration; the deleted origin is simply absent', async () => {
    // 660 days: every log row is recent (the oldest is 2025-03-02), and the window still starts after the seed's
    // projects were created (2025-01-06), so the log is old enough to judge removals.
    const r = await run({ group: 'acme', includeSubgroups: true, unusedDays: '660' });
    expect(r.code).toBe(2);
    const report = JSON.parse(r.out);
    const warehouse = report.projects.find((x: { project: string }) => x.project === 'acme/data/warehouse');
    expect(warehouse.stack).toBeUndefined();
    expect(warehouse.deletedOrigins).toBe(0);
    expect(warehouse.add.map((a: { target: string }) => a.target)).toEqual(['acme/data/etl', 'acme/web/checkout', 'acme/web/design-system', 'acme/web/storefront']);
    const checkout = report.projects.find((x: { project: string }) => x.project === 'acme/web/checkout');
    expect(checkout.remove[0]).toEqual({ kind: 'project', target: 'acme/platform/deployer', reason: 'unused', autopopulated: false, lastAuthorizedAt: null });
    expect(checkout.remove).toContainEqual({ kind: 'project', target: 'acme/web/storefront', reason: 'unused', autopopulated: false, lastAuthorizedAt: null });
    expect(checkout.remove).not.toContainEqual(expect.objectContaining({ target: 'acme/data/etl' }));
  });

  it('puts autopopulated entries first', async () => {
    const r = await run({ group: 'acme/web' });
    const checkout = JSON.parse(r.out).projects.find((x: { project: string }) => x.project === 'acme/web/checkout');
    expect(checkout.remove[0]).toEqual({ kind: 'project', target: 'acme/data/etl', reason: 'unused', autopopulated: true, lastAuthorizedAt: '2025-03-02T09:00:00.000Z' });
  });

  it('lists projects the token cannot read and exits 1', async () => {
    const r = await run({ group: 'acme', includeSubgroups: true }, DEV);
    expect(r.code).toBe(1);
    const p = JSON.parse(r.out).projects.find((x: { project: string }) => x.project === 'acme/web/checkout');
    expect(p).toMatchObject({
      status: 'unreadable',
      error: 'the token may not read the job-token settings of acme/web/checkout; it needs the Maintainer role on the project',
    });
  });

  it.each([
    [['--unused-days', '0'], 'tokenscope suggest: --unused-days "0" must be a whole number from 1 to 3650\n'],
    [['--compact-threshold', 'x'], 'tokenscope suggest: --compact-threshold "x" must be a whole number from 1 to 200\n'],
    [['--log-since', 'yesterday'], 'tokenscope suggest: --log-since "yesterday" is not a date: give YYYY-MM-DD (UTC) or an ISO 8601 time with a zone, e.g. 2026-10-01T12:00:00Z\n'],
    [['--log-since', '2026-02-30'], 'tokenscope suggest: --log-since "2026-02-30" is not a date: give YYYY-MM-DD (UTC) or an ISO 8601 time with a zone, e.g. 2026-10-01T12:00:00Z\n'],
    [['--log-since', '2026-10-01T12:00'], 'tokenscope suggest: --log-since "2026-10-01T12:00" is not a date: give YYYY-MM-DD (UTC) or an ISO 8601 time with a zone, e.g. 2026-10-01T12:00:00Z\n'],
    [['--include-subgroups'], 'tokenscope suggest: --include-subgroups goes with --group\n'],
    [['--group', 'acme', '--stack', 'acme-web'], 'tokenscope suggest: --stack picks stacks of the synthesized app; it does not go with --group\n'],
    [['--group', 'nope'], 'tokenscope suggest: GitLab has no group nope, or the token cannot see it\n'],
    [['--synth-dir', 'missing'], 'has no synthesized stacks'],
  ])('refuses %j with a clear message', async (args, message) => {
    const io = memoryIO(env(), dir);
    const code = await runCli(['node', 'tokenscope', 'suggest', ...args], io);
    expect(code).toBe(1);
    expect(io.err()).toContain(message);
    expect(io.out()).toBe('');
  });

  it('stops at once for a job token, never printing it', async () => {
    const io = memoryIO({ GITLAB_URL: sandbox.url, GITLAB_TOKEN: 'glcbt-64_sandboxEtlRunningJob01' }, dir);
    const code = await runCli(['node', 'tokenscope', 'suggest'], io);
    expect(code).toBe(1);
    expect(io.err()).toMatch(/^tokenscope suggest needs a personal, project or group access token with read_api/);
    expect(io.err()).not.toContain('sandboxEtlRunningJob01');
  });

  it('a project GitLab created within the window is too young to judge (Project.createdAt, read with the log)', async () => {
    const s = seed();
    s.projects!.find((p) => p.path === 'acme/web/checkout')!.createdAt = '2026-10-24T08:00:00Z';
    const young = await startSandbox({ seed: s, port: 0, now: () => NOW });
    try {
      const io = memoryIO({ GITLAB_URL: young.url, GITLAB_TOKEN: OPS_READ }, dir);
      expect(await suggestCommand(opts({ format: 'text' }), io, { now: NOW })).toBe(2);
      expect(io.out()).toContain('the authentication log reaches back only 30 days (the project was created on 2026-10-24), less than the 90-day window');
      const json = memoryIO({ GITLAB_URL: young.url, GITLAB_TOKEN: OPS_READ }, dir);
      await suggestCommand(opts(), json, { now: NOW });
      const report = JSON.parse(json.out()) as SuggestReport;
      expect(report.projects.find((p) => p.project === 'acme/web/checkout')!.remove).toEqual([]);
      // The other projects were created with the seed (2025-01-06): judged as before.
      expect(report.projects.find((p) => p.project === 'acme/web/checkout')!.notes).toHaveLength(1);
      expect(report.summary.removals).toBeGreaterThan(0);
      expect(young.stats().mutations).toBe(0);
    } finally {
      await young.stop();
    }
  });

  // Last in the file: every run above (suggest with every flag, bad inputs, refused tokens) was read-only.
  it('sent no GraphQL mutation and no REST write in any run above', () => {
    expect(sandbox.stats().mutations).toBe(0);
  });
});
