/**
 * What the live reader returns for one project. Paths are GitLab's canonical
 * spelling; compare them case-insensitively.
 */
export interface LiveEntry {
  readonly fullPath: string;
  /** Numeric id parsed from the global id (`gid://gitlab/Project/12`), when GitLab gave one. */
  readonly id: number | undefined;
  /** GitLab marked the entry as added from the authentication log. */
  readonly autopopulated: boolean;
}

export interface AuthLogEntry {
  /** The project whose job token reached this one. */
  readonly fullPath: string;
  readonly lastAuthorizedAt: string;
}

export interface LiveScope {
  readonly fullPath: string;
  readonly id: number | undefined;
  /** `ciCdSettings.inboundJobTokenScopeEnabled`: the project's own stored value (null when GitLab hides it). */
  readonly inboundJobTokenScopeEnabled: boolean | null;
  /** `Project.visibility` (`private`, `internal`, `public`), present when asked for (`visibility`). */
  readonly visibility?: string;
  /**
   * REST `inbound_enabled` (project value OR instance enforcement), read only
   * when asked for (`effective`) and the raw value is false; undefined when not
   * asked for. Asked for and not answered, the project is a `LiveError`.
   */
  readonly effectiveInboundEnabled?: boolean;
  /** Inbound project allowlist, the project's own entry removed. */
  readonly projects: readonly LiveEntry[];
  readonly groups: readonly LiveEntry[];
  /**
   * Present when the authentication log was asked for. GitLab leaves out rows
   * whose origin project was deleted (`with_existing_origin_projects`), so
   * they can be neither listed nor counted.
   */
  readonly authLog?: readonly AuthLogEntry[];
  /** `Project.createdAt`, read with the authentication log (no log row can be older). */
  readonly createdAt?: string;
}

/** Why a project could not be read. `not_found` covers "absent or invisible": GitLab does not tell them apart. */
export type LiveErrorKind = 'not_found' | 'permission_denied' | 'error';

export interface LiveError {
  readonly error: LiveErrorKind;
  readonly message: string;
}

export type LiveResult = LiveScope | LiveError;

export function isLiveError<T extends object>(r: T | LiveError | undefined): r is LiveError {
  return r !== undefined && typeof (r as LiveError).error === 'string';
}

export interface ReadLiveOptions {
  /** Read `ciJobTokenAuthLogs` too. */
  readonly authLog?: boolean;
  /** For projects whose raw toggle is false, GET /projects/:id/job_token_scope for the effective value. */
  readonly effective?: boolean;
  /** Read `Project.visibility` too (one more field per project). */
  readonly visibility?: boolean;
  /** Parallel HTTP requests. @default 4 */
  readonly concurrency?: number;
  /**
   * A hint for the first page size of each list (e.g. the declared entry count);
   * lists longer than the first page are paginated using their count fields.
   */
  readonly expectedEntries?: (fullPath: string) => { projects: number; groups: number } | undefined;
  /** Called as projects finish: `done` of `total`. */
  readonly onProgress?: (done: number, total: number) => void;
  readonly limits?: Partial<QueryLimits>;
}

/** GitLab's GraphQL limits (facts sheet section 2) and how much of them we plan to use. */
export interface QueryLimits {
  /** Max complexity per request; GitLab sums a multiplex, so this bounds the whole request. */
  readonly maxComplexity: number;
  /** Max characters of one query text. */
  readonly maxQueryChars: number;
  /** Max items per page. */
  readonly maxPageSize: number;
  /** Max paths per `projects(fullPaths:)`. */
  readonly maxFullPaths: number;
  /** Max queries in one multiplexed HTTP request. */
  readonly maxQueriesPerRequest: number;
}

export const GITLAB_LIMITS: QueryLimits = {
  maxComplexity: 250,
  maxQueryChars: 10_000,
  maxPageSize: 100,
  maxFullPaths: 50,
  maxQueriesPerRequest: 20,
};
