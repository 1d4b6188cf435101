import type { GitLabHttp } from '../gitlab/http';
import type { ReadStats } from '../live/reader';
import { readLiveForDeclared } from '../live/for-declared';
import type { LockFile } from '../lockfile';
import { applyBaseline, Baseline, summarize } from './baseline';
import { compareScope, ResolvedScope } from './compare';
import { readDeclared, type DeclaredScope } from './declared';
import { resolveDeclaredIds } from './resolve-targets';
import { inShard, Shard } from './shard';
import type { DriftReport, ProjectReport } from './types';
import { withPolicyFindings } from './policy-findings';
import { declaredFor, withLockFindings, withUncheckedIds } from './lock-findings';

export interface DriftRunOptions {
  readonly synthDir: string;
  readonly stacks?: readonly string[];
  /** The declaration, when the caller has read it already (from `synthDir`). */
  readonly declared?: readonly DeclaredScope[];
  readonly http: GitLabHttp;
  readonly lock?: LockFile;
  /** Add `recently_used_but_not_allowed` from the authentication log. */
  readonly authLog?: boolean;
  /** "Recently": within this many days before `now`. @default 30 */
  readonly authLogDays?: number;
  readonly now?: Date;
  readonly concurrency?: number;
  readonly shard?: Shard;
  readonly baseline?: Baseline;
  readonly onProgress?: (done: number, total: number) => void;
  /** Compare fine-grained job-token permissions too (only when the stacks declare some). @default true */
  readonly policies?: boolean;
  /** HTTP requests made before the run (the token preflight), added to `summary.requests`. */
  readonly priorRequests?: number;
}

export interface DriftRunResult {
  readonly report: DriftReport;
  readonly stats: ReadStats;
}

export const DEFAULT_AUTH_LOG_DAYS = 30;

/** Declared (synth dir) against live (GraphQL), project by project. Throws `FatalReadError` when GitLab refuses the token. */
export async function runDrift(opts: DriftRunOptions): Promise<DriftRunResult> {
  const declared = opts.declared ?? readDeclared(opts.synthDir, opts.stacks ?? []);
  const start = opts.http.requestCount;
  const { scopes, lockMismatches, unchecked } = await resolveDeclaredIds(declared, opts.lock, opts.http, { concurrency: opts.concurrency });
  const mine = scopes.filter((s) => inShard(s.project, opts.shard));
  const report = await driftFor(mine, opts);
  const mineDeclared = declaredFor(declared, scopes, mine);
  report.projects = withUncheckedIds(withLockFindings(report.projects, mineDeclared, lockMismatches), mineDeclared, unchecked);
  if (opts.policies !== false) report.projects = await withPolicyFindings(report.projects, opts);
  const stats = report.stats;
  stats.httpRequests = opts.http.requestCount - start + (opts.priorRequests ?? 0);
  const summary = summarize(report.projects, stats.httpRequests);
  let out: DriftReport = { summary, projects: report.projects };
  if (opts.baseline) out = applyBaseline(out, opts.baseline);
  return { report: out, stats };
}

/** Reads and compares already-resolved scopes. */
export async function driftFor(
  scopes: readonly ResolvedScope[],
  opts: Pick<DriftRunOptions, 'http' | 'authLog' | 'authLogDays' | 'now' | 'concurrency' | 'onProgress'>,
): Promise<{ projects: ProjectReport[]; stats: ReadStats }> {
  const stats: ReadStats = { httpRequests: 0, graphqlRequests: 0, restRequests: 0, queries: 0, splits: 0 };
  const liveFor = await readLiveForDeclared(
    opts.http,
    scopes,
    { authLog: opts.authLog, effective: true, concurrency: opts.concurrency, onProgress: opts.onProgress },
    stats,
  );
  const now = opts.now ?? new Date();
  const since = opts.authLog ? new Date(now.getTime() - (opts.authLogDays ?? DEFAULT_AUTH_LOG_DAYS) * 86_400_000) : undefined;
  const projects = scopes.map((s) => compareScope(s, liveFor(s.project), { authLogSince: since }));
  return { projects, stats };
}
