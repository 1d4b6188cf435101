export {
  JobTokenScope, type JobTokenScopeProps, type AllowEntry, type AllowEntryWithPolicies, type ScopePolicyMetadata, POLICY_METADATA_KEY, terraformName,
} from './constructs/job-token-scope';
export { JOB_TOKEN_POLICIES, type JobTokenPolicy, DEPRECATED_POLICIES, isJobTokenPolicy } from './model/policies';
export { TokenScopeStack, type TokenScopeStackProps, providerBaseUrl } from './constructs/token-scope-stack';
export { ScopeRule, type ScopeRuleProps } from './constructs/scope-rule';
export { GitLabManagedState, type GitLabManagedStateProps, type StackStateOption } from './constructs/gitlab-managed-state';
export { TargetLookups, lookupName } from './constructs/target-lookups';
export { type LockSource, LOCK_CONTEXT_KEY, LOCK_ENV_VAR } from './constructs/lock-source';
export { type LockFile, LOCK_FILE_NAME, loadLockFile, parseLockFile, serializeLockFile, readLockFile, writeLockFile } from './lockfile';
export { MAX_PROJECT_ENTRIES, MAX_GROUP_ENTRIES } from './model/limits';
export { parseTargetRef, type TargetRef } from './model/target';
