import { GitLabHttp } from '../../lib/gitlab/http';
import { mapPool } from '../../lib/live/pool';
import type { LiveResult } from '../../lib/live/types';

/**
 * The comparison: read each project the way the Terraform provider refreshes
 * `gitlab_project_job_token_scopes`: GET job_token_scope, then the project and
 * group allowlists at per_page=20, page by page.
 */
export async function readPerProjectRest(http: GitLabHttp, projects: ReadonlyArray<{ path: string; id: number }>, concurrency: number): Promise<Map<string, LiveResult>> {
  const out = new Map<string, LiveResult>();
  await mapPool(projects, concurrency, async (p) => {
    const scope = await http.getJson(`/api/v4/projects/${p.id}/job_token_scope`);
    if (scope.status !== 200) { out.set(p.path, { error: 'error', message: `HTTP ${scope.status}` }); return; }
    const list = async (which: string) => {
      const items: Array<{ path_with_namespace?: string; full_path?: string; web_url?: string; id: number }> = [];
      for (let page = 1; ; ) {
        const res = await http.getJson(`/api/v4/projects/${p.id}/job_token_scope/${which}`, { query: { per_page: 20, page } });
        items.push(...(res.json as typeof items));
        const next = res.headers.get('x-next-page');
        if (!next) break;
        page = Number(next);
      }
      return items;
    };
    const projects = await list('allowlist');
    const groups = await list('groups_allowlist');
    const enabled = (scope.json as { inbound_enabled: boolean }).inbound_enabled;
    out.set(p.path, {
      fullPath: p.path,
      id: p.id,
      inboundJobTokenScopeEnabled: enabled,
      projects: projects.filter((e) => e.id !== p.id).map((e) => ({ fullPath: e.path_with_namespace ?? String(e.id), id: e.id, autopopulated: false })),
      // The groups allowlist answers {id, name, web_url}: ids are what the provider compares.
      groups: groups.map((g) => ({ fullPath: g.full_path ?? `#${g.id}`, id: g.id, autopopulated: false })),
    });
  });
  return out;
}
