import * as fs from 'fs';
import type { BrowserContext, Page } from 'playwright-core';
import { GitLabHttp } from '../../lib/gitlab/http';
import { buildReport, ReachInput, runReach } from '../../lib/reach';
import { renderMermaid, MermaidDetail } from '../../lib/reach/render/mermaid';
import { startSandbox } from '../../lib/sandbox';
import { CHROMIUM, CHROMIUM_MISSING, launchChromium } from '../../bench/reach/chromium';
import { reachOrg, REACH_BENCH_TOKEN } from '../../bench/reach/org';
import { cli, inSyncSeed, OPS_READ, synthAcme, tempDir } from '../drift/helpers';

/** Mermaid's own parser (the `mermaid` package from node_modules), in a Chromium page that may make no request. */
describe('Mermaid output parses with Mermaid', () => {
  let browser: BrowserContext;
  let close: () => Promise<void>;
  let page: Page;
  const blocked: string[] = [];

  const parse = (text: string) => page.evaluate(async (t) => {
    const m = (globalThis as unknown as { mermaid: { parse(t: string): Promise<unknown> } }).mermaid;
    try { await m.parse(t); return 'ok'; } catch (e) { return String((e as Error).message ?? e); }
  }, text);

  beforeAll(async () => {
    if (!fs.existsSync(CHROMIUM)) throw new Error(CHROMIUM_MISSING);
    ({ browser, close } = await launchChromium());
    page = await browser.newPage();
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith('data:') || url.startsWith('file:') || url === 'about:blank') return route.continue();
      blocked.push(url);
      return route.abort();
    });
    await page.setContent('<!DOCTYPE html><html><body></body></html>');
    await page.addScriptTag({ content: fs.readFileSync(require.resolve('mermaid/dist/mermaid.min.js'), 'utf8') });
    await page.evaluate(() => (globalThis as unknown as { mermaid: { initialize(o: unknown): void } }).mermaid.initialize({ startOnLoad: false }));
  }, 120_000);
  afterAll(async () => {
    expect(blocked).toEqual([]);
    await close?.();
  });

  it('the acme demo org, at every level of detail', async () => {
    const sb = await startSandbox({ port: 0 });
    try {
      const http = new GitLabHttp({ baseUrl: sb.url, token: 'glpat-sandbox-ops-readonly-00000000002', auth: 'private-token' });
      const { report, graph } = await runReach({ http, group: 'acme', includeSubgroups: true });
      const auto = renderMermaid(report, graph);
      expect(auto.split('\n').slice(0, 2)).toEqual(['flowchart LR', '  %% tokenscope reach: 11 projects, 46 edges, detail: projects']);
      expect(auto).toContain('-.->|"group acme/web"|');
      expect(await parse(auto)).toBe('ok');
      for (const detail of ['groups', 'namespaces'] as MermaidDetail[]) {
        const text = renderMermaid(report, graph, { detail });
        expect(text).toContain(`detail: ${detail}`);
        expect(await parse(text)).toBe('ok');
      }
    } finally {
      await sb.stop();
    }
  });

  it('a 1,000-project org: collapsed so that it stays readable, and parses', async () => {
    const sb = await startSandbox({ port: 0, seed: reachOrg(1000).seed as never });
    try {
      const http = new GitLabHttp({ baseUrl: sb.url, token: REACH_BENCH_TOKEN, auth: 'private-token' });
      const { report, graph } = await runReach({ http, group: 'org', includeSubgroups: true });
      const text = renderMermaid(report, graph);
      expect(text).toContain('detail: namespaces');
      const edges = text.split('\n').filter((l) => /-->|-\.->|==>/.test(l));
      expect(edges.length).toBeLessThan(500);
      expect(text.length).toBeLessThan(50_000);
      expect(await parse(text)).toBe('ok');
      // Why it collapses: one edge per entry is past what Mermaid (and so GitLab) draws.
      expect(await parse(renderMermaid(report, graph, { detail: 'groups' }))).toMatch(/^Edge limit exceeded/);
    } finally {
      await sb.stop();
    }
  });

  it('labels from GitLab are entity-encoded: no quote, bracket or markup survives', async () => {
    const evil = 'acme/x"]; click n0 call alert(1) %% <b>#1</b>';
    const input: ReachInput = {
      source: 'live', warnings: [], groups: new Map(),
      nodes: [
        { project: 'acme/app', visibility: 'private', limitAccess: true, enforcedByInstance: false, open: false, scanned: true },
        { project: evil, visibility: 'private', limitAccess: true, enforcedByInstance: false, open: false, scanned: true },
      ],
      scopes: [{ project: 'acme/app', entries: [{ kind: 'project', path: evil, policies: ['READ_JOBS'] }] }, { project: evil, entries: [] }],
    };
    const { report, graph } = buildReport(input);
    const text = renderMermaid(report, graph);
    expect(text).toContain('["acme/x#34;#93;#59; click n0 call alert#40;1#41; #37;#37; #60;b#62;#35;1#60;/b#62;"]');
    expect(text).not.toContain('<b>');
    expect(await parse(text)).toBe('ok');
  });

  it('drift --format markdown: a picture of the drifted edges, declared vs live, when there are any', async () => {
    const dir = synthAcme(tempDir('reach-drift-md'));
    for (const [seed, drifted] of [[undefined, true], [inSyncSeed(), false]] as const) {
      const sb = await startSandbox({ port: 0, ...(seed ? { seed: seed as never } : {}) });
      try {
        const r = await cli(['drift', '--format', 'markdown'], { GITLAB_URL: sb.url, GITLAB_TOKEN: OPS_READ }, dir);
        const block = /```mermaid\n([\s\S]*?)```/.exec(r.out);
        if (!drifted) { expect(r.code).toBe(0); expect(block).toBeNull(); continue; }
        expect(r.code).toBe(2);
        expect(r.out).toContain('### Reach: drifted edges');
        const text = (block as RegExpExecArray)[1];
        // checkout: etl is in GitLab but not declared; scanner: its allowlist is off in GitLab.
        expect(text).toMatch(/n\d+\["acme\/data\/etl"\]/);
        expect(text).toContain('==>|"in GitLab, not declared"|');
        expect(text).toContain('acme/security/scanner #40;allowlist declared on#44; live off#41;');
        expect(await parse(text)).toBe('ok');
        expect(sb.stats().mutations).toBe(0);
      } finally {
        await sb.stop();
      }
    }
  });
});
