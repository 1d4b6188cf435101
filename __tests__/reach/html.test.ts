import * as fs from 'fs';
import * as path from 'path';
import type { BrowserContext } from 'playwright-core';
import { GitLabHttp } from '../../lib/gitlab/http';
import { buildReport, ReachInput, renderReach, runReach } from '../../lib/reach';
import { startSandbox } from '../../lib/sandbox';
import { CHROMIUM, CHROMIUM_MISSING, launchChromium, openReport } from '../../bench/reach/chromium';
import { reachOrg, REACH_BENCH_TOKEN } from '../../bench/reach/org';
import { tempDir } from '../drift/helpers';

// Code passed to page.evaluate runs in the browser; the test's own program has no DOM types.
declare const document: { getElementById(id: string): { textContent: string | null } | null; querySelector(s: string): { textContent: string | null } | null; querySelectorAll(s: string): { length: number } };

type Cy = { $: (s: string) => { map: (f: (n: { data: (k: string) => string }) => string) => string[] }; $id: (id: string) => { renderedPosition: () => { x: number; y: number } } };

describe('the HTML report in headless Chromium', () => {
  let browser: BrowserContext;
  let close: () => Promise<void>;
  const dir = tempDir('reach-html');
  const write = (name: string, html: string) => { const f = path.join(dir, name); fs.writeFileSync(f, html); return f; };

  beforeAll(async () => {
    // A missing browser fails the suite with the line saying so; it is never skipped.
    if (!fs.existsSync(CHROMIUM)) throw new Error(CHROMIUM_MISSING);
    ({ browser, close } = await launchChromium());
  });
  afterAll(async () => { await close?.(); });

  it('the demo org: renders, search highlights, a click shows the allowlist and reach, a screenshot, no request leaves the page', async () => {
    const sb = await startSandbox({ port: 0 });
    let html: string;
    try {
      const http = new GitLabHttp({ baseUrl: sb.url, token: 'glpat-sandbox-ops-readonly-00000000002', auth: 'private-token' });
      const { report, graph } = await runReach({ http, group: 'acme', includeSubgroups: true });
      html = [...renderReach('html', report, graph)].join('');
    } finally {
      await sb.stop();
    }
    const opened = await openReport(browser, write('demo.html', html));
    const { page } = opened;
    try {
      // 11 projects, 4 group entries' groups, the "any project" node.
      expect(opened.nodes).toBe(16);
      expect(opened.edges).toBeGreaterThan(0);
      await page.fill('#search', 'checkout');
      await page.press('#search', 'Enter');
      await page.waitForFunction(() => document.getElementById('matches')?.textContent === '1 match');
      const matched = await page.evaluate(() => ((globalThis as unknown as { __reachGraph: Cy }).__reachGraph).$('node.match').map((n) => n.data('label')));
      expect(matched).toEqual(['acme/web/checkout']);
      // One match selects it and shows its details; clicking another node shows that one's.
      expect(await page.textContent('#details h2')).toBe('acme/web/checkout');
      // Back to the whole graph, then click a node where cytoscape drew it.
      await page.fill('#search', '');
      await page.press('#search', 'Enter');
      await page.click('#fit');
      const box = await page.locator('#graph').boundingBox();
      const pos = await page.evaluate(() => ((globalThis as unknown as { __reachGraph: Cy }).__reachGraph).$id('p:acme/platform/tools/release-cli').renderedPosition());
      await page.mouse.click((box?.x ?? 0) + pos.x, (box?.y ?? 0) + pos.y);
      await page.waitForFunction(() => document.querySelector('#details h2')?.textContent === 'acme/platform/tools/release-cli');
      const details = await page.textContent('#details');
      expect(details).toContain('Allowlist (3 entries)');
      expect(details).toContain('acme/platform/deployer');
      expect(details).toContain('acme/web/storefront');
      expect(details).toContain('Its job token reaches (');
      const shot = await page.screenshot();
      expect(shot.subarray(1, 4).toString()).toBe('PNG');
      expect(shot.length).toBeGreaterThan(20_000);
      fs.writeFileSync(path.join(dir, 'demo.png'), shot);
      expect(opened.blocked).toEqual([]);
      expect(opened.errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('text from GitLab never becomes markup: a hostile name is shown as text, nothing is injected', async () => {
    const evil = 'acme/<img src=x onerror="document.title=1">';
    const input: ReachInput = {
      source: 'live', warnings: ['</script><script>document.title=2</script>'], groups: new Map(),
      nodes: [
        { project: 'acme/app', visibility: 'private', limitAccess: true, enforcedByInstance: false, open: false, scanned: true },
        { project: evil, visibility: 'public', limitAccess: true, enforcedByInstance: false, open: false, scanned: true },
      ],
      scopes: [{ project: 'acme/app', entries: [{ kind: 'project', path: evil }] }, { project: evil, entries: [] }],
    };
    const { report, graph } = buildReport(input);
    const opened = await openReport(browser, write('evil.html', [...renderReach('html', report, graph)].join('')));
    const { page } = opened;
    try {
      expect(await page.evaluate(() => document.querySelectorAll('img').length)).toBe(0);
      expect(await page.title()).toBe('tokenscope reach: 2 projects');
      await page.fill('#search', 'onerror');
      await page.press('#search', 'Enter');
      await page.waitForFunction((e) => document.querySelector('#details h2')?.textContent === e, evil);
      expect(await page.textContent('#details')).toContain('Authorized groups and projects: on');
      expect(opened.blocked).toEqual([]);
      expect(opened.errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('a 1,000-project org renders (time to first render is measured by npm run bench:reach, never asserted here)', async () => {
    const sb = await startSandbox({ port: 0, seed: reachOrg(1000).seed as never });
    let html: string;
    try {
      const http = new GitLabHttp({ baseUrl: sb.url, token: REACH_BENCH_TOKEN, auth: 'private-token' });
      const { report, graph } = await runReach({ http, group: 'org', includeSubgroups: true });
      html = [...renderReach('html', report, graph)].join('');
    } finally {
      await sb.stop();
    }
    const opened = await openReport(browser, write('org.html', html), 120_000);
    try {
      expect(opened.nodes).toBeGreaterThanOrEqual(1000);
      expect(opened.blocked).toEqual([]);
      expect(opened.errors).toEqual([]);
    } finally {
      await opened.page.close();
    }
  });
});
