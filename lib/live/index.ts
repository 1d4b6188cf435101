export { readLiveScopes, ReadStats, PERMISSION_TEXT } from './reader';
export { lookupIds, lookupPaths, PathIds, IdPaths, LookupOptions } from './lookup';
export { FatalReadError } from './engine';
export { estimateComplexity } from './complexity';
export * from './types';
