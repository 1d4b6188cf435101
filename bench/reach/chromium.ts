/**
 * Debian's Chromium driven by playwright-core, for the reach HTML report's
 * tests and benchmark. Every request the page makes is routed: file: and data:
 * URLs go through, anything else is recorded and aborted, so "no request leaves
 * the page" is checked, not assumed.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { BrowserContext, Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_MISSING = `chromium is required at ${CHROMIUM} for the reach HTML tests (apt-get install chromium)`;

export interface OpenedReport {
  readonly page: Page;
  /** URLs the page tried to reach that are neither file: nor data:. */
  readonly blocked: string[];
  /** performance.now() at the graph's first render (ms since navigation start). */
  readonly renderMs: number;
  readonly nodes: number;
  readonly edges: number;
  readonly errors: string[];
}

/** A headless Chromium with a fresh profile (playwright's persistent context is how it takes a user data dir). */
export async function launchChromium(): Promise<{ browser: BrowserContext; close: () => Promise<void> }> {
  if (!fs.existsSync(CHROMIUM)) throw new Error(CHROMIUM_MISSING);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { chromium } = require('playwright-core') as typeof import('playwright-core');
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'tokenscope-chromium-'));
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 800 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  return {
    browser,
    close: async () => { await browser.close(); fs.rmSync(profile, { recursive: true, force: true }); },
  };
}

/** Opens an HTML report from a file and waits for the graph's first render. */
export async function openReport(context: BrowserContext, file: string, timeoutMs = 60_000): Promise<OpenedReport> {
  const page = await context.newPage();
  const blocked: string[] = [];
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('file:') || url.startsWith('data:')) return route.continue();
    blocked.push(url);
    return route.abort();
  });
  await page.goto(`file://${path.resolve(file)}`);
  await page.waitForFunction(() => (globalThis as unknown as { __reach?: { ready: boolean } }).__reach?.ready === true, undefined, { timeout: timeoutMs });
  const r = await page.evaluate(() => (globalThis as unknown as { __reach: { renderMs: number; nodes: number; edges: number } }).__reach);
  return { page, blocked, errors, renderMs: r.renderMs, nodes: r.nodes, edges: r.edges };
}
