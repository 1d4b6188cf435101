import { GitLabHttp, GitLabHttpOptions, GitLabResponse } from '../gitlab/http';

/**
 * GitLab keeps authentication-log rows whose origin project was deleted, but
 * cannot return their non-null `originProject`: the row comes back `null` with
 * an error at `[..., "ciJobTokenAuthLogs", "nodes", i, "originProject"]`. The
 * live reader skips such rows (and keeps the rest of the log); this client
 * counts them per project from the same responses, so `suggest` can report
 * them without a second query.
 */
export class DeletedOriginCounter extends GitLabHttp {
  private readonly seen = new Set<string>();
  private readonly counts = new Map<string, number>();

  constructor(opts: GitLabHttpOptions) {
    super(opts);
  }

  /** Rows with a deleted origin, per project (lower-cased full path). */
  deletedOrigins(project: string): number {
    return this.counts.get(project.toLowerCase()) ?? 0;
  }

  override async graphql(body: unknown, opts: { idempotent?: boolean } = {}): Promise<GitLabResponse> {
    const res = await super.graphql(body, opts);
    const bodies = Array.isArray(body) ? body : [body];
    const results = Array.isArray(res.json) ? res.json : [res.json];
    results.forEach((r, i) => this.observe(bodies[i], r));
    return res;
  }

  private observe(request: unknown, result: unknown): void {
    const vars = ((request as { variables?: Record<string, unknown> } | undefined)?.variables ?? {}) as Record<string, unknown>;
    const r = result as { data?: Record<string, unknown> | null; errors?: Array<{ path?: unknown[] }> } | null;
    for (const e of r?.errors ?? []) {
      const p = Array.isArray(e.path) ? e.path : [];
      const at = p.indexOf('ciJobTokenAuthLogs');
      if (at < 0 || p[at + 1] !== 'nodes' || typeof p[at + 2] !== 'number' || p[p.length - 1] !== 'originProject') continue;
      let project: string | undefined;
      let page = 'first';
      if (p[0] === 'projects' && p[1] === 'nodes' && typeof p[2] === 'number') {
        const nodes = (r?.data?.projects as { nodes?: Array<{ fullPath?: unknown } | null> } | null | undefined)?.nodes;
        const fp = nodes?.[p[2]]?.fullPath;
        if (typeof fp === 'string') project = fp;
      } else if (p[0] === 'project' && typeof vars.path === 'string') {
        project = vars.path;
        page = String(vars.after ?? 'first');
      }
      if (!project) continue;
      const key = `${project.toLowerCase()}\u0000${page}\u0000${p[at + 2]}`;
      if (this.seen.has(key)) continue;
      this.seen.add(key);
      this.counts.set(project.toLowerCase(), (this.counts.get(project.toLowerCase()) ?? 0) + 1);
    }
  }
}
