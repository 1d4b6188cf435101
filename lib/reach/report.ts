import { findingsOf } from './findings';
import { buildGraph, countInto, edgesInto, nodeOf, originsOf, reachFrom, ReachGraph } from './graph';
import { UPPER_BOUND_NOTE } from './pipelines';
import {
  DEFAULT_MAX_GROUP_PROJECTS, GroupCount, KEPT_OPEN_FEATURES, ReachEdge, ReachFinding, ReachInput, ReachInputError, ReachNode, ReachOrigin,
  ReachStep,
} from './types';

export interface ReachQuery {
  readonly from?: string;
  readonly to?: string;
  readonly transitive?: boolean;
  readonly maxGroupProjects?: number;
}

export interface ReachSummary {
  readonly projects: number;
  /** Chosen projects whose allowlist could not be read. */
  readonly unreadable: number;
  /** Group entries whose projects could not be listed: no edges are drawn for them. */
  readonly unlistedGroups: number;
  readonly origins: number;
  readonly edges: number;
  readonly findings: number;
  /** HTTP requests made to GitLab, the token preflight included. */
  readonly requests: number;
}

/**
 * The report as `--format json` writes it (keys: issue 14's contract, plus
 * `summary`, `source`, `notes`, `warnings`). The edges are not held here: a
 * group entry expands to every project of the group, so they are produced
 * target by target from the graph when a renderer needs them (`edgesOf`).
 */
export interface ReachReport {
  readonly source: 'live' | 'declared';
  readonly summary: ReachSummary;
  readonly nodes: readonly ReachNode[];
  readonly findings: readonly ReachFinding[];
  readonly from?: string;
  readonly transitive?: boolean;
  readonly reach?: readonly ReachStep[];
  readonly to?: string;
  readonly origins?: readonly ReachOrigin[];
  readonly groups?: readonly GroupCount[];
  readonly notes: readonly string[];
  readonly warnings: readonly string[];
}

export const PUBLIC_NOTE =
  `public and internal projects stay reachable for ${KEPT_OPEN_FEATURES.join(', ')} whatever their allowlist says ` +
  '(internal: by jobs of any signed-in user; public: by any job), unless a feature is set to "Only project members", which this report does not read';
export const OPEN_NOTE = 'an open project also accepts the job tokens of projects outside this graph';

/** Builds the report: graph, findings, and the answer to `--from` / `--to`. Pure. Throws `ReachInputError` for a project not in the graph. */
export function buildReport(input: ReachInput, query: ReachQuery = {}, requests = 0): { report: ReachReport; graph: ReachGraph } {
  const graph = buildGraph(input);
  const nodes = graph.order.map((k) => graph.nodes.get(k) as ReachNode);
  let edgeCount = 0;
  for (const k of graph.order) edgeCount += countInto(graph, k);
  const findings = findingsOf(graph, { maxGroupProjects: query.maxGroupProjects ?? DEFAULT_MAX_GROUP_PROJECTS });
  const notes: string[] = [];
  if (nodes.some((n) => n.openFeatures)) notes.push(PUBLIC_NOTE);
  if (graph.openTargets.length > 0) notes.push(OPEN_NOTE);
  const extra: Record<string, unknown> = {};
  if (query.from !== undefined) {
    const n = known(graph, query.from, '--from');
    extra.from = n.project;
    extra.transitive = query.transitive === true;
    extra.reach = reachFrom(graph, n.project, { transitive: query.transitive });
    if (query.transitive) notes.push(UPPER_BOUND_NOTE);
  }
  if (query.to !== undefined) {
    const n = known(graph, query.to, '--to');
    if (!n.scanned) throw new ReachInputError(`--to ${query.to}: not one of the projects read (its allowlist is unknown); choose them with --group or --synth-dir`);
    if (n.error) throw new ReachInputError(`--to ${query.to}: its allowlist could not be read (${n.error})`);
    const o = originsOf(graph, n.project);
    extra.to = n.project;
    extra.origins = o.origins;
    extra.groups = o.groups;
  }
  const summary: ReachSummary = {
    projects: nodes.filter((n) => n.scanned).length,
    unreadable: nodes.filter((n) => n.error).length,
    unlistedGroups: [...input.groups.values()].filter((g) => g.error).length,
    origins: nodes.filter((n) => !n.scanned).length,
    edges: edgeCount,
    findings: findings.length,
    requests,
  };
  const report = {
    source: input.source, summary, nodes, findings, ...extra, notes, warnings: [...input.warnings],
  } as ReachReport;
  return { report, graph };
}

/** Every edge, target by target in path order, without holding them all. */
export function* edgesOf(graph: ReachGraph): Generator<ReachEdge> {
  for (const k of graph.order) yield* edgesInto(graph, k);
}

function known(g: ReachGraph, path: string, flag: string): ReachNode {
  const n = nodeOf(g, path);
  if (!n) {
    throw new ReachInputError(`${flag} ${path}: not in the graph (${g.order.length} projects); choose the projects with --group or --synth-dir`);
  }
  return n;
}
