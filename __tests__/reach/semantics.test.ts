import { GitLabHttp } from '../../lib/gitlab/http';
import { edgesOf, runReach, ReachRunOptions } from '../../lib/reach';
import { startSandbox, Sandbox } from '../../lib/sandbox';
import { OPS, reachSeed } from './seed';

/** The graph of the reach seed, read live from the sandbox (read-only: no mutation is ever sent). */
async function reach(sb: Sandbox, opts: Omit<ReachRunOptions, 'http'>) {
  const http = new GitLabHttp({ baseUrl: sb.url, token: OPS, auth: 'private-token' });
  const before = sb.stats().mutations;
  const r = await runReach({ http, ...opts });
  expect(sb.stats().mutations).toBe(before);
  return { ...r, edges: [...edgesOf(r.graph)] };
}

const line = (e: { from: string; to: string; via: string; group?: string; policies?: readonly string[] }) =>
  `${e.from} -> ${e.to} ${e.via}${e.group ? ` ${e.group}` : ''}${e.policies ? ` [${e.policies.join(',')}]` : ''}`;

describe('reach semantics on a seed built for them', () => {
  let sb: Sandbox;
  let enforced: Sandbox;
  beforeAll(async () => {
    sb = await startSandbox({ port: 0, seed: reachSeed() as never });
    enforced = await startSandbox({ port: 0, seed: reachSeed({ enforce: true }) as never });
  });
  afterAll(async () => { await sb.stop(); await enforced.stop(); });

  it('draws an edge per accepted origin, labelled with the nearest entry (project, deepest group, open) and its policies', async () => {
    const { edges, report } = await reach(sb, { group: 'r', includeSubgroups: true });
    const closed = edges.filter((e) => e.via !== 'open').map(line);
    expect(closed).toEqual([
      'r/a/deep/lib -> r/a/app group r/a/deep',
      'r/a/deep/tool -> r/a/app group r/a/deep',
      'r/b/ci -> r/a/app project',
      // A group outside the chosen projects is expanded through GitLab: its project becomes an origin node.
      'other/x/svc -> r/a/deep/lib group other',
      // Listed as a project and under group r/a: the project entry applies.
      'r/a/app -> r/a/deep/lib project',
      'r/a/deep/tool -> r/a/deep/lib group r/a',
      // Under r and r/a: the deeper group applies.
      'r/a/app -> r/a/deep/tool group r/a',
      'r/a/deep/lib -> r/a/deep/tool group r/a',
      ...['r/b/ci', 'r/b/open', 'r/b/site', 'r/c/beyond', 'r/c/blocked', 'r/c/four', 'r/c/one', 'r/c/three', 'r/c/two'].map((p) => `${p} -> r/a/deep/tool group r`),
      'r/a/app -> r/b/ci project',
      'r/a/app -> r/b/site project [READ_JOBS]',
      'r/c/blocked -> r/c/beyond project',
      'r/c/one -> r/c/blocked project [READ_JOBS]',
      'r/c/three -> r/c/four project',
      'r/c/two -> r/c/three project',
      'r/c/one -> r/c/two project [ADMIN_PIPELINES,READ_JOBS]',
    ]);
    // The open project accepts every other node (its own allowlist does not apply); nothing is an edge to itself.
    const open = edges.filter((e) => e.via === 'open');
    expect(open.every((e) => e.to === 'r/b/open')).toBe(true);
    expect(open.map((e) => e.from)).toEqual(report.nodes.map((n) => n.project).filter((p) => p !== 'r/b/open'));
    expect(edges.some((e) => e.from === e.to)).toBe(false);
    expect(report.summary).toEqual({ projects: 12, unreadable: 0, unlistedGroups: 0, origins: 1, edges: 36, findings: 3, requests: 5 });
  });

  it('marks nodes: visibility, toggle, enforcement, open, public and internal features kept open, origins outside', async () => {
    const { report } = await reach(sb, { group: 'r', includeSubgroups: true });
    const node = (p: string) => report.nodes.find((n) => n.project === p);
    expect(node('r/b/open')).toEqual({ project: 'r/b/open', visibility: 'private', limitAccess: false, enforcedByInstance: false, open: true, scanned: true });
    expect(node('r/b/site')?.openFeatures).toEqual(['repository', 'artifacts', 'packages and container registry', 'releases', 'environments']);
    expect(node('r/a/deep/lib')?.visibility).toBe('internal');
    expect(node('r/a/deep/lib')?.openFeatures).toHaveLength(5);
    expect(node('r/a/app')?.openFeatures).toBeUndefined();
    expect(node('other/x/svc')).toEqual({ project: 'other/x/svc', visibility: null, limitAccess: null, enforcedByInstance: null, open: null, scanned: false });
    expect(report.notes[0]).toMatch(/^public and internal projects stay reachable for repository, artifacts/);
  });

  it('findings: open project, wide group entry, reach from outside the top-level group, a cycle', async () => {
    const { report } = await reach(sb, { group: 'r', includeSubgroups: true, maxGroupProjects: 5 });
    expect(report.findings.map((f) => [f.kind, f.project])).toEqual([
      ['open_project', 'r/b/open'],
      ['wide_group_entry', 'r/a/deep/tool'],
      ['cross_group_reach', 'r/a/deep/lib'],
      ['cycle', 'r/a/app'],
    ]);
    expect(report.findings[1]).toMatchObject({ group: 'r', projects: 12, detail: 'group entry r covers 12 projects (more than --max-group-projects 5), and every project created there later' });
    expect(report.findings[2]).toMatchObject({ origins: ['other/x/svc'], detail: 'reachable from 1 project outside its top-level group r: other/x/svc' });
    expect(report.findings[3].members).toEqual(['r/a/app', 'r/a/deep/lib', 'r/a/deep/tool', 'r/b/ci', 'r/b/site']);
    expect(report.findings[3].detail).toBe('5 projects reach each other through their allowlists, e.g. r/a/app -> r/a/deep/lib -> r/a/app');
    // At the default of 50 no group entry is wide.
    const dflt = await reach(sb, { group: 'r', includeSubgroups: true });
    expect(dflt.report.findings.map((f) => f.kind)).toEqual(['open_project', 'cross_group_reach', 'cycle']);
  });

  it('--from: the direct targets, with how each is reached', async () => {
    const { report } = await reach(sb, { group: 'r', includeSubgroups: true, from: 'r/c/one' });
    expect(report.transitive).toBe(false);
    expect(report.reach?.map((r) => [r.project, r.depth, r.chain.join(' > '), r.via, r.group ?? '', (r.policies ?? []).join(',')])).toEqual([
      ['r/a/deep/tool', 1, 'r/c/one > r/a/deep/tool', 'group', 'r', ''],
      ['r/b/open', 1, 'r/c/one > r/b/open', 'open', '', ''],
      ['r/c/blocked', 1, 'r/c/one > r/c/blocked', 'project', '', 'READ_JOBS'],
      ['r/c/two', 1, 'r/c/one > r/c/two', 'project', '', 'ADMIN_PIPELINES,READ_JOBS'],
    ]);
    expect(report.notes.some((n) => n.startsWith('transitive reach is an upper bound'))).toBe(false);
  });

  it('--from --transitive: chains through entries that may start pipelines (default, ADMIN_PIPELINES), never past READ_JOBS only', async () => {
    const { report } = await reach(sb, { group: 'r', includeSubgroups: true, from: 'r/c/one', transitive: true });
    expect(report.reach?.map((r) => `${r.depth} ${r.chain.join(' > ')} (${r.via}${r.group ? ` ${r.group}` : ''})`)).toEqual([
      '1 r/c/one > r/a/deep/tool (group r)',
      '1 r/c/one > r/b/open (open)',
      '1 r/c/one > r/c/blocked (project)',
      '1 r/c/one > r/c/two (project)',
      '2 r/c/one > r/a/deep/tool > r/a/app (group r/a/deep)',
      '2 r/c/one > r/a/deep/tool > r/a/deep/lib (group r/a)',
      '2 r/c/one > r/c/two > r/c/three (project)',
      '3 r/c/one > r/a/deep/tool > r/a/app > r/b/ci (project)',
      '3 r/c/one > r/a/deep/tool > r/a/app > r/b/site (project)',
      // The chain of three through pipeline permissions.
      '3 r/c/one > r/c/two > r/c/three > r/c/four (project)',
    ]);
    // r/c/blocked lets the token in with READ_JOBS only: it cannot start blocked's pipelines, so r/c/beyond stays out of reach.
    expect(report.reach?.some((r) => r.project === 'r/c/beyond')).toBe(false);
    expect(report.notes).toContainEqual(expect.stringMatching(/^transitive reach is an upper bound: /));
  });

  it('--to: every origin, groups expanded, with counts per group entry', async () => {
    const { report } = await reach(sb, { group: 'r', includeSubgroups: true, to: 'r/a/deep/tool' });
    expect(report.origins?.map((o) => `${o.project} ${o.via} ${o.group ?? ''}`.trim())).toEqual([
      'r/a/app group r/a', 'r/a/deep/lib group r/a',
      ...['r/b/ci', 'r/b/open', 'r/b/site', 'r/c/beyond', 'r/c/blocked', 'r/c/four', 'r/c/one', 'r/c/three', 'r/c/two'].map((p) => `${p} group r`),
    ]);
    expect(report.groups).toEqual([{ group: 'r', projects: 12, origins: 9 }, { group: 'r/a', projects: 3, origins: 2 }]);
    const site = await reach(sb, { group: 'r', includeSubgroups: true, to: 'r/b/site' });
    expect(site.report.origins).toEqual([{ project: 'r/a/app', via: 'project', policies: ['READ_JOBS'] }]);
    const open = await reach(sb, { group: 'r', includeSubgroups: true, to: 'r/b/open' });
    expect(open.report.origins).toHaveLength(12);
    expect(open.report.origins?.every((o) => o.via === 'open')).toBe(true);
  });

  it('an instance that enforces the allowlist: the project whose toggle is off is not open, its allowlist applies', async () => {
    const { report, edges } = await reach(enforced, { group: 'r', includeSubgroups: true, to: 'r/b/open' });
    expect(report.nodes.find((n) => n.project === 'r/b/open')).toEqual({
      project: 'r/b/open', visibility: 'private', limitAccess: false, enforcedByInstance: true, open: false, scanned: true,
    });
    expect(report.origins).toEqual([{ project: 'r/a/app', via: 'project' }]);
    expect(edges.some((e) => e.via === 'open')).toBe(false);
    expect(report.findings.map((f) => f.kind)).toEqual(['cross_group_reach', 'cycle']);
  });

  it('the chosen projects are those of the group (subgroups only when asked); an origin outside is never a target', async () => {
    const a = await reach(sb, { group: 'r/a' });
    expect(a.report.nodes.filter((n) => n.scanned).map((n) => n.project)).toEqual(['r/a/app']);
    const deep = await reach(sb, { group: 'r/a', includeSubgroups: true });
    expect(deep.report.nodes.filter((n) => n.scanned).map((n) => n.project)).toEqual(['r/a/app', 'r/a/deep/lib', 'r/a/deep/tool']);
    // r/b/ci is named by r/a/app's allowlist: an origin, not read, so nothing goes into it.
    expect(deep.edges.some((e) => e.to === 'r/b/ci')).toBe(false);
    expect(deep.edges.filter((e) => e.from === 'r/b/ci').map(line)).toEqual(['r/b/ci -> r/a/app project', 'r/b/ci -> r/a/deep/tool group r']);
  });

  it('a group entry whose projects GitLab will not list: a warning, no edges through it, and the CLI exits 1', async () => {
    const seed = reachSeed() as { groups: unknown[]; projects: Array<{ path: string; allowlist: { groups?: string[] } }> };
    seed.groups.push({ path: 'hidden', id: 9, visibility: 'private' });
    seed.projects.find((p) => p.path === 'r/c/one')!.allowlist.groups = ['hidden'];
    const hidden = await startSandbox({ port: 0, seed: seed as never });
    try {
      const { report } = await reach(hidden, { group: 'r', includeSubgroups: true });
      expect(report.summary.unlistedGroups).toBe(1);
      expect(report.warnings).toEqual(['group entry hidden: its projects could not be listed (GitLab has no group hidden, or the token cannot see it); no edges are drawn for it']);
      const { cli } = await import('../drift/helpers');
      const r = await cli(['reach', '--group', 'r', '--include-subgroups'], { GITLAB_URL: hidden.url, GITLAB_TOKEN: OPS }, process.cwd());
      expect(r.code).toBe(1);
      expect(r.err).toBe('tokenscope reach: the projects of 1 group entry could not be listed; the graph leaves out what reaches through them (see the warnings)\n');
      expect(r.out).toContain('Warning: group entry hidden: its projects could not be listed');
    } finally {
      await hidden.stop();
    }
  });
});
