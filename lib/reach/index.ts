export * from './types';
export { buildGraph, edgesInto, edgesFrom, allEdges, reachFrom, originsOf, type ReachGraph } from './graph';
export { findingsOf } from './findings';
export { buildReport, edgesOf, type ReachReport, type ReachQuery, type ReachSummary } from './report';
export { canCreatePipelines, PIPELINE_POLICIES, UPPER_BOUND_NOTE } from './pipelines';
export { readLiveReach, type LiveReachOptions } from './read-live';
export { readDeclaredReach, type DeclaredReachOptions } from './read-declared';
export { runReach, checkChoices, type ReachRunOptions } from './run';
export { FORMATS, renderReach, type ReachFormat } from './render';
