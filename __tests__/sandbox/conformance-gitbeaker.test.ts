import { Gitlab } from '@gitbeaker/rest';
import type { Sandbox } from '../../lib/sandbox';
import { startTestSandbox, TOK } from './helpers';

describe('conformance: @gitbeaker/rest ProjectJobTokenScopes against the sandbox', () => {
  let sb: Sandbox;
  beforeAll(async () => { sb = await startTestSandbox(); });
  afterAll(async () => { await sb.stop(); });

  const client = (token: string = TOK.ops) => new Gitlab({ host: sb.url, token });

  it('authenticates, reads the project and toggles the scope', async () => {
    const api = client();
    expect((await api.Users.showCurrentUser()).username).toBe('ops');
    expect((await api.Projects.show('acme/big')).id).toBe(18);
    expect(await api.ProjectJobTokenScopes.show(18)).toEqual({ inbound_enabled: true, outbound_enabled: false });
    await api.ProjectJobTokenScopes.edit(18, false);
    expect(await api.ProjectJobTokenScopes.show('acme/big')).toEqual({ inbound_enabled: false, outbound_enabled: false });
    await api.ProjectJobTokenScopes.edit(18, true);
    expect((await api.ProjectJobTokenScopes.show(18)).inbound_enabled).toBe(true);
  });

  it('lists (all pages), adds and removes allowlist entries', async () => {
    const api = client();
    const projects = await api.ProjectJobTokenScopes.showInboundAllowList(18);
    expect(projects).toHaveLength(26);
    expect(projects[0].path_with_namespace).toBe('acme/big');
    expect(await api.ProjectJobTokenScopes.showGroupsAllowList(18)).toHaveLength(22);

    expect(await api.ProjectJobTokenScopes.addToInboundAllowList(18, 15)).toEqual({ source_project_id: 18, target_project_id: 15 });
    const group = sb.state.groupByPath('acme/tools')!.id;
    expect(await api.ProjectJobTokenScopes.addToGroupsAllowList(18, group)).toEqual({ source_project_id: 18, target_group_id: group });
    expect(await api.ProjectJobTokenScopes.showInboundAllowList(18)).toHaveLength(27);
    expect(await api.ProjectJobTokenScopes.showGroupsAllowList(18)).toHaveLength(23);
    await expect(api.ProjectJobTokenScopes.addToInboundAllowList(18, 15)).rejects.toMatchObject({
      cause: { description: '400 Bad request - This project is already in the job token allowlist.', response: { status: 400 } },
    });

    await api.ProjectJobTokenScopes.removeFromInboundAllowList(18, 15);
    await api.ProjectJobTokenScopes.removeFromGroupsAllowList(18, group);
    expect(await api.ProjectJobTokenScopes.showInboundAllowList(18)).toHaveLength(26);
    expect(await api.ProjectJobTokenScopes.showGroupsAllowList(18)).toHaveLength(22);
  });

  it('is refused with a bad token', async () => {
    await expect(client('glpat-not-a-real-token-000000000').ProjectJobTokenScopes.show(18)).rejects.toMatchObject({
      cause: { description: '401 Unauthorized', response: { status: 401 } },
    });
  });
});
