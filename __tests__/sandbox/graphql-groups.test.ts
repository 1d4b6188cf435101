import type { Sandbox } from '../../lib/sandbox';
import { GitLabHttp } from '../../lib/gitlab/http';
import { lookupPaths } from '../../lib/live/lookup';
import { gql, startTestSandbox, TOK } from './helpers';

describe('sandbox GraphQL Query.groups(ids:)', () => {
  let sb: Sandbox;
  beforeAll(async () => { sb = await startTestSandbox(); });
  afterAll(async () => { await sb.stop(); });

  test('visible groups by global id; unknown and invisible ones are absent', async () => {
    const q = 'query($ids: [ID!]) { groups(ids: $ids, first: 10) { nodes { id fullPath } pageInfo { hasNextPage } } }';
    const ids = ['gid://gitlab/Group/11', 'gid://gitlab/Group/20', 'gid://gitlab/Group/999'];
    const asOps = await gql(sb, q, { ids });
    expect(asOps.body.data.groups.nodes).toEqual([{ id: 'gid://gitlab/Group/11', fullPath: 'acme/tools' }]);
    const asOutsider = await gql(sb, q, { ids }, TOK.outsider);
    expect(asOutsider.body.data.groups.nodes).toEqual([{ id: 'gid://gitlab/Group/20', fullPath: 'other' }]);
  });

  test('the live reader names group ids through it', async () => {
    const http = new GitLabHttp({ baseUrl: sb.url, token: TOK.ops });
    const found = await lookupPaths(http, [12], [10, 11, 404]);
    expect(found.errors).toEqual([]);
    expect([...found.groups]).toEqual([[10, 'acme'], [11, 'acme/tools']]);
    expect([...found.projects]).toEqual([[12, 'acme/web']]);
  });
});
