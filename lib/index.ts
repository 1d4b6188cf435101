export {
  JobTokenScope, JobTokenScopeProps, AllowEntry, AllowEntryWithPolicies, ScopePolicyMetadata, POLICY_METADATA_KEY, terraformName,
} from './constructs/job-token-scope';
export { JOB_TOKEN_POLICIES, JobTokenPolicy, DEPRECATED_POLICIES, isJobTokenPolicy } from './model/policies';
export { TokenScopeStack, TokenScopeStackProps, providerBaseUrl } from './constructs/token-scope-stack';
export { ScopeRule, ScopeRuleProps } from './constructs/scope-rule';
export { TargetLookups, lookupName } from './constructs/target-lookups';
export { LockSource, LOCK_CONTEXT_KEY, LOCK_ENV_VAR } from './constructs/lock-source';
export { LockFile, LOCK_FILE_NAME, parseLockFile, serializeLockFile, readLockFile, writeLockFile } from './lockfile';
export { MAX_PROJECT_ENTRIES, MAX_GROUP_ENTRIES } from './model/limits';
export { parseTargetRef, TargetRef } from './model/target';
