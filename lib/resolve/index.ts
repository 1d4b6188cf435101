export { collectPaths, resolveLock, type AppPaths, type ResolveResult } from './resolve';
