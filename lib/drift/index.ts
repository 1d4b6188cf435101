export * from './types';
export { readDeclared, listStacks, type DeclaredScope, type DeclaredRef, DeclaredReadError } from './declared';
export { compareScope, type ResolvedScope, type TargetRef, countsAsDrift, statusOf } from './compare';
export { resolveDeclaredIds } from './resolve-targets';
export { parseBaseline, readBaseline, baselineFrom, serializeBaseline, applyBaseline, type Baseline, BaselineError } from './baseline';
export { parseShard, shardFromEnv, shardOf, inShard, type Shard, ShardError } from './shard';
export { runDrift, driftFor, type DriftRunOptions, DEFAULT_AUTH_LOG_DAYS } from './run';
export * from './report';
