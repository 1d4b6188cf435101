import type { GitLabHttp } from '../gitlab/http';
import type { LockFile } from '../lockfile';
import { readDeclared } from '../drift/declared';
import { resolveDeclaredIds } from '../drift/resolve-targets';
import { parseTargetRef } from '../model/target';
import type { ReachGraph } from './graph';
import { readDeclaredReach } from './read-declared';
import { readLiveReach } from './read-live';
import { buildReport, ReachQuery, ReachReport } from './report';
import { ReachInput, ReachInputError } from './types';

export interface ReachRunOptions extends ReachQuery {
  /** The projects of this group... */
  readonly group?: string;
  readonly includeSubgroups?: boolean;
  /** ...or those of the synthesized stacks in this dir. */
  readonly synthDir?: string;
  readonly stacks?: readonly string[];
  /** The graph the declaration gives, instead of live GitLab. */
  readonly declared?: boolean;
  /** With `declared`: no GitLab at all (ids and groups from the lock file). */
  readonly offline?: boolean;
  /** Required unless `offline`. */
  readonly http?: GitLabHttp;
  readonly lock?: LockFile;
  readonly concurrency?: number;
  readonly onProgress?: (done: number, total: number) => void;
  /** HTTP requests made before the run (the token preflight), counted in `summary.requests`. */
  readonly priorRequests?: number;
}

/** The words for a wrong combination of choices; the CLI's flags are named as such. */
export function checkChoices(opts: Omit<ReachRunOptions, 'http'>): void {
  if (opts.group !== undefined && opts.synthDir !== undefined) {
    throw new ReachInputError('--group and --synth-dir both choose the projects; pass one of them');
  }
  if (opts.group === undefined && opts.synthDir === undefined) {
    throw new ReachInputError('choose the projects: --group PATH (with --include-subgroups for its subgroups) or --synth-dir DIR (the projects of the synthesized stacks)');
  }
  if (opts.includeSubgroups && opts.group === undefined) throw new ReachInputError('--include-subgroups applies to --group PATH');
  if (opts.declared && opts.synthDir === undefined) throw new ReachInputError('--declared reads the synthesized stacks: pass --synth-dir DIR');
  if (opts.offline && !opts.declared) throw new ReachInputError('--offline needs --declared (the live graph is read from GitLab)');
  if (opts.transitive && opts.from === undefined) throw new ReachInputError('--transitive follows chains from one project: pass --from PROJECT');
  if (opts.group !== undefined) {
    const r = parseTargetRef(opts.group);
    if (!r.ok) throw new ReachInputError(`--group "${opts.group}" ${r.reason}`);
    if (r.ref.kind === 'id') throw new ReachInputError(`--group "${opts.group}" is a numeric id; give the group's full path (e.g. acme/platform)`);
  }
  for (const [flag, v] of [['--from', opts.from], ['--to', opts.to]] as const) {
    if (v === undefined) continue;
    const r = parseTargetRef(v);
    if (!r.ok) throw new ReachInputError(`${flag} "${v}" ${r.reason}`);
    if (r.ref.kind === 'id') throw new ReachInputError(`${flag} "${v}" is a numeric id; give the project's full path`);
  }
}

/**
 * `tokenscope reach`: reads the facts (live GitLab, or the declaration), builds
 * the graph and answers. Read-only. Throws `ReachInputError` for a wrong
 * choice, `DeclaredReadError` / `LockFileError` for unreadable inputs and
 * `FatalReadError` when GitLab refuses the token.
 */
export async function runReach(opts: ReachRunOptions): Promise<{ report: ReachReport; graph: ReachGraph }> {
  checkChoices(opts);
  if (!opts.offline && !opts.http) throw new ReachInputError('no GitLab client: pass one, or use --declared --offline');
  const start = opts.http?.requestCount ?? 0;
  let input: ReachInput;
  if (opts.declared) {
    input = await readDeclaredReach({
      synthDir: opts.synthDir as string, stacks: opts.stacks, lock: opts.lock, http: opts.offline ? undefined : opts.http, concurrency: opts.concurrency,
    });
  } else {
    const http = opts.http as GitLabHttp;
    let projects: string[] | undefined;
    if (opts.synthDir !== undefined) {
      const { scopes } = await resolveDeclaredIds(readDeclared(opts.synthDir, opts.stacks ?? []), opts.lock, http, { concurrency: opts.concurrency });
      const unnamed = scopes.filter((s) => s.project.startsWith('#')).map((s) => s.project.slice(1));
      if (unnamed.length > 0) {
        throw new ReachInputError(`project id ${unnamed.join(', ')} of the synthesized stacks is neither in the lock file nor known to GitLab`);
      }
      projects = scopes.map((s) => s.project);
    }
    input = await readLiveReach({
      http, group: opts.group, includeSubgroups: opts.includeSubgroups, projects, concurrency: opts.concurrency, onProgress: opts.onProgress,
    });
  }
  const requests = (opts.http ? opts.http.requestCount - start : 0) + (opts.priorRequests ?? 0);
  return buildReport(input, opts, requests);
}
