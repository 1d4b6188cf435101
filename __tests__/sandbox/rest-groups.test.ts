import type { Sandbox } from '../../lib/sandbox';
import { rest, startTestSandbox, TOK } from './helpers';

describe('sandbox REST GET /groups/:id', () => {
  let sb: Sandbox;
  beforeAll(async () => { sb = await startTestSandbox(); });
  afterAll(async () => { await sb.stop(); });

  test('by numeric id and by URL-encoded path', async () => {
    const byId = await rest(sb, 'GET', '/groups/11');
    expect(byId.status).toBe(200);
    expect(byId.body).toMatchObject({ id: 11, path: 'tools', full_path: 'acme/tools', parent_id: 10, web_url: `${sb.url}/groups/acme/tools` });
    const byPath = await rest(sb, 'GET', '/groups/acme%2Ftools');
    expect(byPath.body.id).toBe(11);
  });

  test("a group the token cannot see, or no such group: GitLab's 404", async () => {
    const hidden = await rest(sb, 'GET', '/groups/20', { token: TOK.dev });
    expect(hidden.status).toBe(404);
    expect(hidden.body).toEqual({ message: '404 Group Not Found' });
    const missing = await rest(sb, 'GET', '/groups/999');
    expect(missing.body).toEqual({ message: '404 Group Not Found' });
  });

  test('a bad token is refused', async () => {
    const r = await rest(sb, 'GET', '/groups/10', { token: 'glpat-nope-nope-nope-nope' });
    expect(r.status).toBe(401);
  });
});
