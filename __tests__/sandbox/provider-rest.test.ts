import type { Sandbox } from '../../lib/sandbox';
import { rest, startTestSandbox, testSeed, TOK, TEST_NOW } from './helpers';
import { startSandbox } from '../../lib/sandbox';

/**
 * The REST answers the GitLab Terraform provider (gitlabhq/gitlab 18.6.1,
 * resource_gitlab_project_job_token_scopes.go) builds its state from, held to
 * the facts sheet: it pages both allowlists at per_page=20 following
 * X-Next-Page until it is empty (client-go reads "" as page 0), reads the
 * effective `inbound_enabled` into `enabled`, and PATCHes `enabled` expecting
 * 204 with no body.
 */
describe('REST answers the Terraform provider relies on', () => {
  let sb: Sandbox;
  beforeAll(async () => { sb = await startTestSandbox(); });
  afterAll(async () => { await sb.stop(); });

  /** The provider's loop: page 1, then resp.NextPage until 0. */
  async function walk(path: string): Promise<{ items: Array<{ id: number }>; pages: Array<Record<string, string | null>> }> {
    const items: Array<{ id: number }> = [];
    const pages: Array<Record<string, string | null>> = [];
    for (let page = 1; page !== 0;) {
      const r = await rest(sb, 'GET', `${path}?per_page=20&page=${page}`);
      expect(r.status).toBe(200);
      items.push(...r.body);
      pages.push(Object.fromEntries(['x-page', 'x-per-page', 'x-next-page', 'x-prev-page', 'x-total', 'x-total-pages'].map((h) => [h, r.headers.get(h)])));
      expect(r.headers.get('link')).toContain('rel="first"');
      page = Number(r.headers.get('x-next-page') || '0');
    }
    return { items, pages };
  }

  it('project allowlist at per_page=20: two pages, X-* headers as GitLab sends them, every entry once (the project itself included)', async () => {
    const { items, pages } = await walk('/projects/18/job_token_scope/allowlist');
    expect(pages).toEqual([
      { 'x-page': '1', 'x-per-page': '20', 'x-next-page': '2', 'x-prev-page': '', 'x-total': '26', 'x-total-pages': '2' },
      { 'x-page': '2', 'x-per-page': '20', 'x-next-page': '', 'x-prev-page': '1', 'x-total': '26', 'x-total-pages': '2' },
    ]);
    expect(items).toHaveLength(26);
    expect(new Set(items.map((p) => p.id)).size).toBe(26);
    expect(items[0]).toMatchObject({ id: 18, path_with_namespace: 'acme/big' });
  });

  it('group allowlist at per_page=20: two pages, every group once', async () => {
    const { items, pages } = await walk('/projects/acme%2Fbig/job_token_scope/groups_allowlist');
    expect(pages.map((p) => [p['x-page'], p['x-per-page'], p['x-next-page'], p['x-total'], p['x-total-pages']])).toEqual([
      ['1', '20', '2', '22', '2'],
      ['2', '20', '', '22', '2'],
    ]);
    expect(items).toHaveLength(22);
    expect(Object.keys(items[0]).sort()).toEqual(['id', 'name', 'web_url']);
  });

  it('a short list is one page with an empty X-Next-Page, so the provider stops after one request', async () => {
    const { pages } = await walk('/projects/12/job_token_scope/groups_allowlist');
    expect(pages).toEqual([{ 'x-page': '1', 'x-per-page': '20', 'x-next-page': '', 'x-prev-page': '', 'x-total': '1', 'x-total-pages': '1' }]);
  });

  it('PATCH enabled answers 204 with no body and no content type', async () => {
    const r = await rest(sb, 'PATCH', '/projects/12/job_token_scope', { body: { enabled: true } });
    expect(r.status).toBe(204);
    expect(r.text).toBe('');
    expect(r.headers.get('content-type')).toBeNull();
    expect(r.headers.get('content-length')).toBe('0');
  });

  it('inbound_enabled is the effective value: on an instance that enforces the allowlist it stays true after PATCH false', async () => {
    const enforced = await startSandbox({ seed: testSeed({ instance: { enforceAllowlist: true, now: '2026-11-23T12:00:00Z' } }), now: TEST_NOW });
    try {
      // acme/open stores its own toggle off.
      expect((await rest(enforced, 'GET', '/projects/15/job_token_scope')).body).toEqual({ inbound_enabled: true, outbound_enabled: false });
      expect((await rest(enforced, 'PATCH', '/projects/12/job_token_scope', { body: { enabled: false } })).status).toBe(204);
      // What the provider reads back into `enabled`: true. A declared `enabled = false` is a diff on every plan.
      expect((await rest(enforced, 'GET', '/projects/12/job_token_scope')).body).toEqual({ inbound_enabled: true, outbound_enabled: false });
    } finally {
      await enforced.stop();
    }
    // Without enforcement the stored value is what GET answers.
    expect((await rest(sb, 'GET', '/projects/15/job_token_scope', { token: TOK.ops })).body.inbound_enabled).toBe(false);
  });
});
