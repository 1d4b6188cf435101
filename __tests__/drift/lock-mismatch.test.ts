import * as fs from 'fs';
import * as path from 'path';
import { startSandbox, Sandbox } from '../../lib/sandbox';
import { driftCommand, DriftCliOptions } from '../../lib/cli/commands/drift';
import { memoryIO } from '../../lib/cli/io';
import { cli, OPS_READ, synthAcme, tempDir } from './helpers';

const NOW = '2026-11-23T12:00:00Z';

/** What `tokenscope resolve` writes for main.ts against the demo org. */
const GOOD = {
  projects: {
    'acme/platform/deployer': 101, 'acme/platform/runner-images': 102, 'acme/platform/tools/release-cli': 103, 'acme/platform/tools/lint': 104,
    'acme/web/storefront': 201, 'acme/web/checkout': 202, 'acme/web/design-system': 203,
    'acme/data/warehouse': 301, 'acme/data/etl': 302, 'acme/security/scanner': 401, 'acme/security/secrets': 402,
  },
  groups: { acme: 10, 'acme/platform': 11, 'acme/web': 13, 'acme/data': 14 },
};

type Report = { summary: Record<string, number>; projects: Array<{ project: string; status: string; findings: Array<Record<string, unknown>> }> };

describe('drift never takes the lock file on faith', () => {
  let sandbox: Sandbox;
  const dirs: string[] = [];
  beforeAll(async () => { sandbox = await startSandbox({ port: 0, now: () => new Date(NOW) }); });
  afterAll(async () => {
    await sandbox.stop();
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  /** main.ts synthesized with this lock file, then drift --format FORMAT against the demo org. */
  async function driftWith(lock: object, format = 'json', extra: string[] = []) {
    const dir = tempDir('lock-mismatch');
    dirs.push(dir);
    fs.writeFileSync(path.join(dir, 'tokenscope.lock.json'), JSON.stringify({ version: 1, gitlabUrl: sandbox.url, ...lock }));
    synthAcme(dir, path.join(dir, 'tokenscope.lock.json'));
    const before = sandbox.stats().httpRequests;
    const r = await cli(['drift', '--format', format, ...extra], { GITLAB_URL: sandbox.url, GITLAB_TOKEN: OPS_READ }, dir);
    return { ...r, requests: sandbox.stats().httpRequests - before, dir };
  }
  const lockFindings = (r: Report) => r.projects.flatMap((p) => p.findings.filter((f) => f.kind === 'lock_mismatch').map((f) => ({ project: p.project, ...f })));

  it('a correct lock file: no lock finding, and one lookup request checks every id', async () => {
    const r = await driftWith(GOOD);
    expect(r.err).toBe('');
    expect(r.code).toBe(2);
    expect(lockFindings(JSON.parse(r.out))).toEqual([]);
    // The token check, the id lookup (checking the lock), the scope read, one REST toggle read.
    expect(r.requests).toBe(4);
  });

  it('two ids swapped: every scope using them gets lock_mismatch, even where the ids themselves match GitLab, and drift exits 2', async () => {
    const swapped = { ...GOOD, projects: { ...GOOD.projects, 'acme/platform/deployer': 201, 'acme/web/storefront': 101 } };
    const r = await driftWith(swapped);
    expect(r.code).toBe(2);
    const report: Report = JSON.parse(r.out);
    const checkout = report.projects.find((p) => p.project === 'acme/web/checkout')!;
    expect(checkout.status).toBe('drifted');
    expect(checkout.findings.filter((f) => f.kind === 'lock_mismatch')).toEqual([
      {
        kind: 'lock_mismatch', entry: 'project', target: 'acme/platform/deployer', lockedId: 201, liveId: 101, livePath: 'acme/web/storefront',
        message: 'the lock file names project #201 acme/platform/deployer, but GitLab says #201 is acme/web/storefront and acme/platform/deployer is #101: ' +
          'Terraform applies the ids, so the lock file is wrong (edited, or from another instance); resolve it again (`tokenscope resolve`) and review its diff',
      },
      {
        kind: 'lock_mismatch', entry: 'project', target: 'acme/web/storefront', lockedId: 101, liveId: 201, livePath: 'acme/platform/deployer',
        message: expect.stringMatching(/^the lock file names project #101 acme\/web\/storefront, but GitLab says #101 is acme\/platform\/deployer and acme\/web\/storefront is #201: /),
      },
    ]);
    // Every project whose declaration uses #101 or #201 says so (the deployer rule puts #101 nearly everywhere, and the two
    // scopes are themselves #101 and #201, so they are reported under GitLab's names, the projects Terraform would change).
    expect([...new Set(lockFindings(report).map((f) => f.project))].sort()).toEqual([
      'acme/data/etl', 'acme/data/warehouse', 'acme/platform/deployer', 'acme/platform/tools/release-cli', 'acme/security/scanner', 'acme/security/secrets',
      'acme/web/checkout', 'acme/web/design-system', 'acme/web/storefront',
    ]);
    expect(report.projects.find((p) => p.project === 'acme/platform/tools/lint')!.findings).toEqual([]);
  });

  it('an id changed to another project\'s: lock_mismatch, and the entry compared as what Terraform would apply', async () => {
    const r = await driftWith({ ...GOOD, projects: { ...GOOD.projects, 'acme/data/etl': 104 } });
    expect(r.code).toBe(2);
    const report: Report = JSON.parse(r.out);
    const warehouse = report.projects.find((p) => p.project === 'acme/data/warehouse')!;
    expect(warehouse.findings).toEqual([
      { kind: 'missing_project_entry', target: 'acme/platform/tools/lint' },
      {
        kind: 'lock_mismatch', entry: 'project', target: 'acme/data/etl', lockedId: 104, liveId: 302, livePath: 'acme/platform/tools/lint',
        message: expect.stringContaining('the lock file names project #104 acme/data/etl, but GitLab says #104 is acme/platform/tools/lint and acme/data/etl is #302'),
      },
    ]);
  });

  it('a lock file from another instance: ids GitLab does not know, every format names them, exit 2', async () => {
    const shift = (r: Record<string, number>) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v + 5000]));
    const other = { projects: shift(GOOD.projects), groups: shift(GOOD.groups) };
    const json = await driftWith({ ...other, gitlabUrl: 'https://gitlab.other.org' });
    expect(json.code).toBe(2);
    expect(json.err).toBe(`tokenscope drift: warning: tokenscope.lock.json was resolved against https://gitlab.other.org, not ${sandbox.url}; its ids are checked against ${sandbox.url}\n`);
    const report: Report = JSON.parse(json.out);
    expect(report.summary).toMatchObject({ projects: 11, inSync: 0, unreadable: 0 });
    expect(lockFindings(report)).toContainEqual({
      project: 'acme/web/checkout', kind: 'lock_mismatch', entry: 'project', target: 'acme/platform/deployer', lockedId: 5101, liveId: 101, livePath: null,
      message: expect.stringContaining('the lock file names project #5101 acme/platform/deployer, but GitLab knows no project #5101 and acme/platform/deployer is #101'),
    });
    const text = await driftWith(other, 'text');
    expect(text.out).toContain('lock_mismatch  the lock file names project #5101 acme/platform/deployer, but GitLab knows no project #5101');
    const md = await driftWith(other, 'markdown');
    // (Markdown escapes the # of GitLab-side text, so that it never links an issue.)
    expect(md.out).toMatch(/\| `acme\/web\/checkout` \| acme-web \| ⚠️ drifted \| `lock_mismatch` \| `acme\/platform\/deployer` \| the lock file names project \\#5101/);
    const junit = await driftWith(other, 'junit');
    // The target is named once (issue 16: JUnit messages do not repeat it).
    expect(junit.out).toContain('lock_mismatch: the lock file names project #5101 acme/platform/deployer');
    expect(junit.out).not.toContain('lock_mismatch acme/platform/deployer:');
    expect(junit.out).toMatch(/<failure type="drift" message="drifted: [^"]*lock_mismatch/);
  });

  it('a synthesized numeric project whose // path GitLab contradicts is checked too, lock file or not', async () => {
    const dir = tempDir('lock-mismatch-stack');
    dirs.push(dir);
    fs.mkdirSync(path.join(dir, 'cdktf.out', 'stacks', 'web'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'cdktf.out', 'stacks', 'web', 'cdk.tf.json'), JSON.stringify({
      resource: { gitlab_project_job_token_scopes: { scope_acme_web_storefront: {
        '//': { tokenscope: { version: 1, project: 'acme/web/storefront', policies: [] } },
        project: '101', enabled: true, target_project_ids: [], target_group_ids: [],
      } } },
    }));
    const r = await cli(['drift', '--format', 'json'], { GITLAB_URL: sandbox.url, GITLAB_TOKEN: OPS_READ }, dir);
    expect(r.code).toBe(2);
    const report: Report = JSON.parse(r.out);
    // #101 is what Terraform changes: drift reads and reports acme/platform/deployer, and says why.
    expect(report.projects.map((p) => p.project)).toEqual(['acme/platform/deployer']);
    expect(lockFindings(report)).toEqual([expect.objectContaining({
      kind: 'lock_mismatch', entry: 'project', target: 'acme/web/storefront', lockedId: 101, liveId: 201, livePath: 'acme/platform/deployer',
    })]);
  });

  it('an id lookup GitLab does not answer leaves the lock unchecked: those scopes are unreadable, exit 1, never in sync', async () => {
    const dir = tempDir('lock-unchecked');
    dirs.push(dir);
    const swapped = { ...GOOD, projects: { ...GOOD.projects, 'acme/platform/deployer': 201, 'acme/web/storefront': 101 } };
    fs.writeFileSync(path.join(dir, 'tokenscope.lock.json'), JSON.stringify({ version: 1, gitlabUrl: sandbox.url, ...swapped }));
    synthAcme(dir, path.join(dir, 'tokenscope.lock.json'));
    // Only the id-to-path lookup fails (400: not retried); the scope reads answer.
    const fetchImpl: typeof fetch = async (u, init) => (String(init?.body ?? '').includes('TokenscopeProjectPaths')
      ? new Response(JSON.stringify({ message: 'nope' }), { status: 400, headers: { 'content-type': 'application/json' } })
      : fetch(u, init));
    const io = memoryIO({ GITLAB_URL: sandbox.url, GITLAB_TOKEN: OPS_READ }, dir);
    const opts: DriftCliOptions = { synthDir: 'cdktf.out', stack: [], format: 'json', authLogDays: '30', concurrency: '8', progress: false };
    expect(await driftCommand(opts, io, { fetchImpl, now: new Date(NOW) })).toBe(1);
    const report: Report & { projects: Array<{ error?: string }> } = JSON.parse(io.out());
    expect(report.summary).toMatchObject({ projects: 11, inSync: 0, unreadable: 11 });
    expect(report.projects.find((p) => p.project === 'acme/web/checkout')).toMatchObject({
      status: 'unreadable',
      error: 'the lock file\'s #202 (acme/web/checkout), #101, #201 could not be checked against GitLab (GitLab answered HTTP 400: nope); ' +
        'drift compares no id it could not check',
    });
  });

  it('a lock_mismatch is never accepted by a baseline', async () => {
    const swapped = { ...GOOD, projects: { ...GOOD.projects, 'acme/platform/deployer': 201, 'acme/web/storefront': 101 } };
    const w = await driftWith(swapped, 'json', ['--write-baseline']);
    expect(w.code).toBe(2);
    const baseline = JSON.parse(fs.readFileSync(path.join(w.dir, 'tokenscope.baseline.json'), 'utf8'));
    expect(baseline.accepted.map((a: { kind: string }) => a.kind)).not.toContain('lock_mismatch');
  });
});
