/**
 * The vocabulary of `tokenscope reach` (issue 14). The JSON keys of
 * `ReachNode`, `ReachEdge`, `ReachFinding`, `ReachStep` and `ReachOrigin` are a
 * public contract: add, never rename.
 */

export type EdgeVia = 'project' | 'group' | 'open';

export const FINDING_KINDS = ['open_project', 'wide_group_entry', 'cross_group_reach', 'cycle'] as const;
export type ReachFindingKind = (typeof FINDING_KINDS)[number];

/** @default 50: a group entry wider than this is a `wide_group_entry`. */
export const DEFAULT_MAX_GROUP_PROJECTS = 50;

/**
 * What GitLab keeps reachable in public and internal projects whatever the
 * allowlist says, unless the feature is set to "Only project members"
 * (facts sheet, section 1). Internal: for jobs of any signed-in user; public: for any job.
 */
export const KEPT_OPEN_FEATURES = ['repository', 'artifacts', 'packages and container registry', 'releases', 'environments'] as const;

/** A project in the graph: one of the chosen projects, or an origin named by one of their allowlists. */
export interface ReachNode {
  readonly project: string;
  /** `private`, `internal`, `public`; null when not known (an origin outside the chosen projects, or offline). */
  readonly visibility: string | null;
  /** The project's own "Authorized groups and projects" toggle; null when not read. */
  readonly limitAccess: boolean | null;
  /** The toggle is off but the instance enforces the allowlist; null when not known. */
  readonly enforcedByInstance: boolean | null;
  /** Toggle off and not enforced: any project's job token reaches it; null when not known. */
  readonly open: boolean | null;
  /** One of the chosen projects (its allowlist was read); false for origins outside them. */
  readonly scanned: boolean;
  /** Public and internal projects: the features GitLab keeps reachable whatever the allowlist says. */
  readonly openFeatures?: readonly string[];
  /** Why its allowlist could not be read; it is then never a target. */
  readonly error?: string;
}

/** One allowlist entry. `policies` present: the entry has fine-grained permissions (GitLab's default permissions off). */
export interface AllowEntry {
  readonly kind: 'project' | 'group';
  readonly path: string;
  readonly policies?: readonly string[];
}

/** The allowlist of one chosen, readable project that is not open. */
export interface TargetScope {
  readonly project: string;
  readonly entries: readonly AllowEntry[];
}

/** The projects a group entry covers (any depth), or why they are not known. */
export interface GroupMembers {
  readonly group: string;
  readonly projects: readonly string[];
  /** Where the list came from: GitLab, the projects read for the graph, or the lock file (only the projects it names). */
  readonly source: 'gitlab' | 'scan' | 'lock';
  readonly error?: string;
}

/** Everything the pure graph logic needs; built by the live or the declared reader. */
export interface ReachInput {
  readonly source: 'live' | 'declared';
  readonly nodes: readonly ReachNode[];
  readonly scopes: readonly TargetScope[];
  /** Keyed by lower-cased group path. */
  readonly groups: ReadonlyMap<string, GroupMembers>;
  /** Things the reader could not do; the graph is right as far as it goes. */
  readonly warnings: readonly string[];
}

/** origin -> target: the target accepts the origin's job token. */
export interface ReachEdge {
  readonly from: string;
  readonly to: string;
  readonly via: EdgeVia;
  /** via `group`: the (nearest) group entry that covers the origin. */
  readonly group?: string;
  /** The entry has fine-grained permissions: only these apply. */
  readonly policies?: readonly string[];
}

export interface ReachFinding {
  readonly kind: ReachFindingKind;
  readonly project: string;
  readonly detail: string;
  /** wide_group_entry: the group and how many projects it covers. */
  readonly group?: string;
  readonly projects?: number;
  /** cross_group_reach: the origins outside the project's top-level group. */
  readonly origins?: readonly string[];
  /** cycle: every project of the cycle (a strongly connected set). */
  readonly members?: readonly string[];
}

/** One target of `--from`: how deep and through which projects. */
export interface ReachStep {
  readonly project: string;
  readonly depth: number;
  /** From the origin to this project, both included. */
  readonly chain: readonly string[];
  /** How the last hop is allowed. */
  readonly via: EdgeVia;
  readonly group?: string;
  readonly policies?: readonly string[];
}

/** One origin of `--to`. */
export interface ReachOrigin {
  readonly project: string;
  readonly via: EdgeVia;
  readonly group?: string;
  readonly policies?: readonly string[];
}

/** `--to`: per group entry, how many projects it covers and how many reach through it (nearest entry). */
export interface GroupCount {
  readonly group: string;
  readonly projects: number;
  readonly origins: number;
}

export class ReachInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReachInputError';
  }
}
