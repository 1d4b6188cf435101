export { collectPaths, resolveLock, AppPaths, ResolveResult } from './resolve';
