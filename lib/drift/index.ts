export * from './types';
export { readDeclared, listStacks, DeclaredScope, DeclaredRef, DeclaredReadError } from './declared';
export { compareScope, ResolvedScope, TargetRef, countsAsDrift, statusOf } from './compare';
export { resolveDeclaredIds } from './resolve-targets';
export { parseBaseline, readBaseline, baselineFrom, serializeBaseline, applyBaseline, Baseline, BaselineError } from './baseline';
export { parseShard, shardFromEnv, shardOf, inShard, Shard, ShardError } from './shard';
export { runDrift, driftFor, DriftRunOptions, DEFAULT_AUTH_LOG_DAYS } from './run';
export * from './report';
