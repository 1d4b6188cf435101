import { GitLabHttp, gitlabErrorText } from '../gitlab/http';

/**
 * Whether the instance enforces the allowlist, from REST `inbound_enabled` of a
 * project whose own toggle is off (GraphQL gives the project's own value;
 * enforcement is an instance setting, so one answer holds for all). Up to three
 * projects are tried; undefined (with the reason) when none answers, and then
 * no project is called open.
 */
export async function instanceEnforces(http: GitLabHttp, off: ReadonlyArray<{ readonly id?: number; readonly fullPath: string }>): Promise<{ value?: boolean; error?: string }> {
  if (off.length === 0) return {};
  const reasons: string[] = [];
  for (const s of off.slice(0, 3)) {
    const where = `/api/v4/projects/${s.id ?? encodeURIComponent(s.fullPath)}/job_token_scope`;
    const res = await http.request('GET', where).catch((e: Error) => e);
    const body = res instanceof Error ? undefined : (res.json as { inbound_enabled?: unknown } | undefined);
    if (!(res instanceof Error) && res.status === 200 && typeof body?.inbound_enabled === 'boolean') return { value: body.inbound_enabled };
    reasons.push(res instanceof Error ? res.message : `HTTP ${res.status}${gitlabErrorText(res) ? `: ${gitlabErrorText(res)}` : ''}`);
  }
  return { error: `could not read whether the instance enforces the allowlist (GET /api/v4/projects/:id/job_token_scope: ${reasons.join('; ')}); not called open` };
}

