export { readLiveScopes, type ReadStats, PERMISSION_TEXT } from './reader';
export { readLiveForDeclared, type DeclaredShape } from './for-declared';
export { lookupIds, lookupPaths, type PathIds, type IdPaths, type LookupOptions } from './lookup';
export { FatalReadError } from './engine';
export { estimateComplexity } from './complexity';
export * from './types';
