/** The GitLab sandbox: a local stand-in for GitLab's job-token API. */
export { startSandbox } from './server';
export type { Sandbox, SandboxOptions, SandboxStats } from './server';
export type { RecordedRequest } from './request-log';
export { SandboxState } from './state';
export { loadSeed } from './load-seed';
export type { Group, Project, ScopeLink, Token, User } from './state';
export { validateSeed, parseSeed, SeedError, JOB_TOKEN_POLICIES } from './seed';
export type {
  SeedFile, SeedUser, SeedGroup, SeedProject, SeedToken, SeedAllowlistEntry, SeedAuthLogEntry, SeedMergeRequest,
  SeedInstance, RoleName, TokenType, Visibility, JobStatus,
} from './seed';
export {
  computeComplexity, COMPLEXITY_LIMITS, MAX_DEPTH, ANONYMOUS_MAX_DEPTH, MAX_PAGE_SIZE, RESOLVER_CONNECTIONS,
} from './graphql/complexity';
export { computeDepth, recurringFields } from './graphql/depth';
export { sandboxSchema, SCHEMA_SDL } from './graphql/schema';
export { TerraformStateStore, StateStoreError } from './rest/terraform-state-store';
export type { StoredState, StateLock } from './rest/terraform-state-store';
