import type { GitLabHttp } from '../gitlab/http';
import { readLiveScopes, ReadStats } from '../live/reader';
import { isLiveError } from '../live/types';
import { listGroupProjects } from './group-projects';
import type { ImportedScope, UnreadableProject } from './render-module';

export interface ImportReadOptions {
  readonly http: GitLabHttp;
  /** Import every project of this group... */
  readonly group?: string;
  readonly includeSubgroups?: boolean;
  /** ...or these projects. */
  readonly projects?: readonly string[];
  readonly concurrency?: number;
  readonly onProgress?: (done: number, total: number) => void;
}

export interface ImportReadResult {
  readonly scopes: ImportedScope[];
  readonly unreadable: UnreadableProject[];
  /** Projects whose own toggle is off while the instance enforces the allowlist; imported as on. */
  readonly enforcedByInstance: string[];
}

/**
 * Reads the live scopes to import with the batched drift reader. Never drops
 * a project: those it cannot read come back in `unreadable` with GitLab's reason.
 * Throws `FatalReadError` when GitLab refuses the token, `GroupReadError` for a missing group.
 */
export async function readForImport(opts: ImportReadOptions): Promise<ImportReadResult> {
  const paths = opts.group ? await listGroupProjects(opts.http, opts.group, opts.includeSubgroups ?? false) : [...(opts.projects ?? [])];
  const stats: ReadStats = { httpRequests: 0, graphqlRequests: 0, restRequests: 0, queries: 0, splits: 0 };
  // `effective`: a project whose own toggle is off may still be enforced by the instance.
  const live = await readLiveScopes(opts.http, paths, { effective: true, concurrency: opts.concurrency, onProgress: opts.onProgress }, stats);
  const scopes: ImportedScope[] = [];
  const unreadable: UnreadableProject[] = [];
  const enforcedByInstance: string[] = [];
  for (const [requested, r] of live) {
    if (isLiveError(r)) {
      unreadable.push({ project: requested, reason: r.message });
      continue;
    }
    const enforced = r.inboundJobTokenScopeEnabled === false && r.effectiveInboundEnabled === true;
    if (enforced) enforcedByInstance.push(r.fullPath);
    scopes.push({
      project: r.fullPath,
      // Declaring "off" where the instance enforces the allowlist could never take effect; declare what is in force.
      limitAccess: r.inboundJobTokenScopeEnabled !== false || enforced,
      projects: r.projects.map((e) => ({ path: e.fullPath, autopopulated: e.autopopulated })),
      groups: r.groups.map((e) => ({ path: e.fullPath, autopopulated: e.autopopulated })),
    });
  }
  return { scopes, unreadable, enforcedByInstance };
}
