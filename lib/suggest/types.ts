/** The vocabulary of `tokenscope suggest`. JSON keys, statuses and reasons are a public contract. */

/** An allowlist entry as declared (or, with `--group`, as GitLab holds it now). */
export interface DeclaredEntry {
  /** Full path; undefined for a numeric id that could not be turned into a path. */
  readonly path?: string;
  readonly id?: number;
  /** GitLab marks the live entry as added from the authentication log. */
  readonly autopopulated: boolean;
}

export interface AuthLogRow {
  readonly origin: string;
  readonly lastAuthorizedAt: string;
}

export interface SuggestInput {
  readonly project: string;
  readonly stack?: string;
  readonly projects: readonly DeclaredEntry[];
  readonly groups: readonly DeclaredEntry[];
  readonly authLog: readonly AuthLogRow[];
  /** When GitLab created the project (`Project.createdAt`): its log reaches back no further. */
  readonly projectCreatedAt?: string;
}

export interface SuggestOptions {
  readonly now: Date;
  /** Entries nobody used within this many days are proposed for removal; origins used within it count as "recent". */
  readonly unusedDays: number;
  /** More than this many origins from one group: propose the group instead. */
  readonly compactThreshold: number;
  /**
   * The log is complete only from this instant on (`--log-since`: e.g. when the
   * instance reached GitLab 17.6, which began recording it).
   */
  readonly logSince?: Date;
  readonly maxProjectEntries?: number;
  readonly maxGroupEntries?: number;
}

export const ADD_REASONS = ['used_not_allowed', 'compact_group', 'fit_limit'] as const;
export type AddReason = (typeof ADD_REASONS)[number];
export const REMOVE_REASONS = ['unused', 'covered_by_group'] as const;
export type RemoveReason = (typeof REMOVE_REASONS)[number];

export interface Addition {
  readonly kind: 'project' | 'group';
  readonly target: string;
  readonly reason: AddReason;
  /** The latest use by this origin (for a group: by any origin under it). */
  readonly lastAuthorizedAt?: string;
  /** For a group proposed instead of projects: the origins it covers. */
  readonly origins?: readonly string[];
}

export interface Removal {
  readonly kind: 'project' | 'group';
  readonly target: string;
  readonly reason: RemoveReason;
  readonly autopopulated: boolean;
  /** The last use GitLab recorded, however old; null when never used. */
  readonly lastAuthorizedAt: string | null;
  /** For `covered_by_group`: the group proposed in its place. */
  readonly group?: string;
}

export type SuggestStatus = 'no_change' | 'changes' | 'unreadable';

export interface SourceLocation {
  /** Relative to the `--source` directory. */
  readonly file: string;
  readonly line: number;
}

export interface ProjectSuggestion {
  readonly project: string;
  readonly stack?: string;
  readonly status: SuggestStatus;
  readonly add: readonly Addition[];
  readonly remove: readonly Removal[];
  /**
   * Always 0, kept for the JSON contract: GitLab leaves authentication-log
   * rows whose origin project was deleted out of the log, so they cannot be
   * counted (see `SuggestReport.caveats`).
   */
  readonly deletedOrigins: number;
  /** Limits and other things worth reading. */
  readonly notes: readonly string[];
  /** Why the project could not be read (status `unreadable`). */
  readonly error?: string;
  /** Where the scope is declared, when `--patch` looked for it. */
  readonly source?: SourceLocation;
  /** Why no patch could be made for this scope. */
  readonly sourceProblem?: string;
}

export interface SuggestSummary {
  readonly projects: number;
  readonly withChanges: number;
  readonly additions: number;
  readonly removals: number;
  readonly unreadable: number;
  /** Always 0 (see `ProjectSuggestion.deletedOrigins`). */
  readonly deletedOrigins: number;
  /** HTTP requests made to GitLab, retries included. */
  readonly requests: number;
}

export interface SuggestReport {
  readonly summary: SuggestSummary;
  readonly options: { readonly unusedDays: number; readonly compactThreshold: number; readonly since: string; readonly logSince?: string };
  readonly projects: readonly ProjectSuggestion[];
  /** What GitLab's authentication log cannot tell, so no suggestion can be based on it. */
  readonly caveats: readonly string[];
}

/** What the authentication log cannot show (facts sheet section 5; `job_token_auth_logs_resolver.rb`). */
export const AUTH_LOG_CAVEATS: readonly string[] = [
  'GitLab leaves rows whose origin project was deleted out of the authentication log: uses by deleted projects can be neither listed nor counted ' +
    '(their allowlist entries go with them)',
  'GitLab writes the log asynchronously, up to 5 minutes late: uses in the last minutes may be missing',
];

/** 0: nothing to suggest; 2: suggestions; 1: a project could not be read or an error (errors win). Same scheme as drift. */
export const EXIT_NOTHING = 0;
export const EXIT_ERROR = 1;
export const EXIT_SUGGESTIONS = 2;

export function suggestExitCode(report: SuggestReport): number {
  if (report.summary.unreadable > 0) return EXIT_ERROR;
  return report.summary.withChanges > 0 ? EXIT_SUGGESTIONS : EXIT_NOTHING;
}
