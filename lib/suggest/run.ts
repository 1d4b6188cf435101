import { readDeclared } from '../drift/declared';
import { resolveDeclaredIds } from '../drift/resolve-targets';
import type { TargetRef } from '../drift/compare';
import type { GitLabHttp } from '../gitlab/http';
import { listGroupProjects } from '../import/group-projects';
import { readLiveForDeclared } from '../live/for-declared';
import { isLiveError, LiveEntry, LiveScope } from '../live/types';
import type { LockFile } from '../lockfile';
import { suggestForProject, windowStart } from './analyze';
import { AUTH_LOG_CAVEATS, DeclaredEntry, ProjectSuggestion, SuggestOptions, SuggestReport } from './types';

/** Where the declared allowlists come from: the synthesized app, or (with `--group`) GitLab as it is now. */
export type SuggestSource =
  | { readonly kind: 'synth'; readonly synthDir: string; readonly stacks?: readonly string[]; readonly lock?: LockFile }
  | { readonly kind: 'group'; readonly group: string; readonly includeSubgroups?: boolean };

export interface SuggestRunOptions extends SuggestOptions {
  readonly http: GitLabHttp;
  readonly source: SuggestSource;
  readonly concurrency?: number;
  readonly onProgress?: (done: number, total: number) => void;
}

/** A project to analyse: its declared lists and, for `--patch`, the numeric ids its entries may be written as. */
interface Target {
  readonly project: string;
  readonly stack?: string;
  readonly enabled: boolean;
  readonly projects: readonly TargetRef[];
  readonly groups: readonly TargetRef[];
  /** From `--group`: the live lists are the declaration. */
  readonly fromLive: boolean;
}

export interface SuggestRunResult {
  readonly report: SuggestReport;
  /** Full path (lower case) -> numeric id, for matching entries written as ids in the source. */
  readonly idsByPath: ReadonlyMap<string, number>;
}

/**
 * Reads each project's allowlist and authentication log (batched, read-only)
 * and proposes changes. Throws `FatalReadError` when GitLab refuses the token.
 */
export async function runSuggest(opts: SuggestRunOptions): Promise<SuggestRunResult> {
  const start = opts.http.requestCount;
  const idsByPath = new Map<string, number>();
  let targets: Target[];
  if (opts.source.kind === 'synth') {
    const declared = readDeclared(opts.source.synthDir, opts.source.stacks ?? []);
    const { scopes } = await resolveDeclaredIds(declared, opts.source.lock, opts.http, { concurrency: opts.concurrency });
    for (const s of scopes) for (const r of [...s.projects, ...s.groups]) if (r.path && r.id !== undefined) idsByPath.set(r.path.toLowerCase(), r.id);
    targets = scopes.map((s) => ({ project: s.project, stack: s.stack, enabled: s.enabled, projects: s.projects, groups: s.groups, fromLive: false }));
  } else {
    const paths = await listGroupProjects(opts.http, opts.source.group, opts.source.includeSubgroups ?? false);
    targets = paths.map((p) => ({ project: p, enabled: true, projects: [], groups: [], fromLive: true }));
  }

  const liveFor = await readLiveForDeclared(opts.http, targets, { authLog: true, concurrency: opts.concurrency, onProgress: opts.onProgress });

  const projects: ProjectSuggestion[] = targets.map((t) => {
    const r = liveFor(t.project);
    const base = { project: t.project, ...(t.stack !== undefined ? { stack: t.stack } : {}) };
    if (isLiveError(r)) {
      return { ...base, status: 'unreadable', add: [], remove: [], deletedOrigins: 0, notes: [], error: r.message };
    }
    for (const e of [...r.projects, ...r.groups]) if (e.id !== undefined && !idsByPath.has(e.fullPath.toLowerCase())) idsByPath.set(e.fullPath.toLowerCase(), e.id);
    const s = suggestForProject({
      ...base,
      projects: t.fromLive ? r.projects.map(fromLive) : t.projects.map((d) => declaredEntry(d, r.projects)),
      groups: t.fromLive ? r.groups.map(fromLive) : t.groups.map((d) => declaredEntry(d, r.groups)),
      authLog: (r.authLog ?? []).map((a) => ({ origin: a.fullPath, lastAuthorizedAt: a.lastAuthorizedAt })),
      ...(r.createdAt !== undefined ? { projectCreatedAt: r.createdAt } : {}),
    }, opts);
    return withToggleNote(s, t, r);
  });

  const summary = {
    projects: projects.length,
    withChanges: projects.filter((p) => p.status === 'changes').length,
    additions: projects.reduce((n, p) => n + p.add.length, 0),
    removals: projects.reduce((n, p) => n + p.remove.length, 0),
    unreadable: projects.filter((p) => p.status === 'unreadable').length,
    deletedOrigins: projects.reduce((n, p) => n + p.deletedOrigins, 0),
    requests: opts.http.requestCount - start,
  };
  return {
    report: {
      summary,
      options: {
        unusedDays: opts.unusedDays,
        compactThreshold: opts.compactThreshold,
        since: windowStart(opts).toISOString(),
        ...(opts.logSince ? { logSince: opts.logSince.toISOString() } : {}),
      },
      projects,
      caveats: AUTH_LOG_CAVEATS,
    },
    idsByPath,
  };
}

function fromLive(e: LiveEntry): DeclaredEntry {
  return { path: e.fullPath, ...(e.id !== undefined ? { id: e.id } : {}), autopopulated: e.autopopulated };
}

/** A declared entry with its live path (for an id) and GitLab's autopopulated mark. */
function declaredEntry(d: TargetRef, live: readonly LiveEntry[]): DeclaredEntry {
  const hit = live.find((e) => (d.path !== undefined && e.fullPath.toLowerCase() === d.path.toLowerCase()) || (d.id !== undefined && e.id === d.id));
  const path = d.path ?? hit?.fullPath;
  return { ...(path !== undefined ? { path } : {}), ...(d.id !== undefined ? { id: d.id } : {}), autopopulated: hit?.autopopulated ?? false };
}

function withToggleNote(s: ProjectSuggestion, t: Target, live: LiveScope): ProjectSuggestion {
  const off = t.fromLive ? live.inboundJobTokenScopeEnabled === false : !t.enabled;
  if (!off) return s;
  return { ...s, notes: [...s.notes, 'the allowlist is declared off (limitAccess: false): any project may reach this one today; these changes take effect once it is on'] };
}
