/**
 * Mutation resolvers: GitLab's job-token scope mutations. Callers without the
 * `api` scope or Maintainer on the project get GitLab's "resource not
 * available" error; service failures come back in the payload's `errors`.
 * Target lookups follow app/graphql/mutations/ci/job_token_scope/*.rb.
 */
import { GraphQLError } from 'graphql';
import { canAdminProject, canReadProject, hasScope } from '../access';
import { MSG, ScopeResult } from '../scope';
import type { Project, ScopeLink } from '../state';
import { AllowlistEntryView, CiCdSettingView, GqlContext, JobTokenScopeView, notAvailable } from './resolvers';

export const POLICIES_FLAG_DISABLED = '`add_policies_to_ci_job_token` feature flag is disabled.';

/** The project a mutation manages; not found, invisible or not Maintainer all look the same. */
function managedProject(ctx: GqlContext, path: string): Project {
  if (!hasScope(ctx.principal, 'api')) notAvailable();
  const p = ctx.state.projectByPath(path);
  if (!p || !canReadProject(ctx.principal, p) || !canAdminProject(ctx.principal, p)) notAvailable();
  return p;
}

function payload<T>(result: ScopeResult<T>, ok: (v: T) => Record<string, unknown>, failed: Record<string, unknown>, clientMutationId?: string | null): Record<string, unknown> {
  if (result.ok) return { ...ok(result.value), clientMutationId: clientMutationId ?? null, errors: [] };
  return { ...failed, clientMutationId: clientMutationId ?? null, errors: [result.message] };
}

interface MutationInput { clientMutationId?: string | null; projectPath: string }

export function mutationRoot(): Record<string, unknown> {
  return {
    ciJobTokenScopeAddGroupOrProject(args: { input: MutationInput & { targetPath: string; defaultPermissions?: boolean | null; jobTokenPolicies?: string[] | null } }, ctx: GqlContext) {
      const { input } = args;
      const source = managedProject(ctx, input.projectPath);
      const opts = { defaultPermissions: input.defaultPermissions ?? true, jobTokenPolicies: input.jobTokenPolicies ?? [] };
      const group = ctx.state.groupByPath(input.targetPath);
      const project = group ? undefined : ctx.state.projectByPath(input.targetPath);
      const result: ScopeResult<ScopeLink> = group
        ? ctx.scope.addGroup(source, group, ctx.principal, opts)
        : project
          ? ctx.scope.addProject(source, project, ctx.principal, opts)
          : { ok: false, reason: 'not_found', message: MSG.groupOrProjectDoesNotExist };
      return payload(result, (link) => ({
        ciJobTokenScope: new JobTokenScopeView(source),
        ciJobTokenScopeAllowlistEntry: new AllowlistEntryView(source, link),
      }), { ciJobTokenScope: null, ciJobTokenScopeAllowlistEntry: null }, input.clientMutationId);
    },
    ciJobTokenScopeAddProject(args: { input: MutationInput & { targetProjectPath: string; direction?: string | null } }, ctx: GqlContext) {
      const { input } = args;
      const source = managedProject(ctx, input.projectPath);
      const target = ctx.state.projectByPath(input.targetProjectPath);
      const result: ScopeResult<ScopeLink> = target && canReadProject(ctx.principal, target)
        ? ctx.scope.addProject(source, target, ctx.principal)
        : { ok: false, reason: 'not_found', message: MSG.targetProjectNotFound };
      return payload(result, (link) => ({
        ciJobTokenScope: new JobTokenScopeView(source),
        ciJobTokenScopeAllowlistEntry: new AllowlistEntryView(source, link),
      }), { ciJobTokenScope: null, ciJobTokenScopeAllowlistEntry: null }, input.clientMutationId);
    },
    ciJobTokenScopeRemoveProject(args: { input: MutationInput & { targetProjectPath: string } }, ctx: GqlContext) {
      const { input } = args;
      const source = managedProject(ctx, input.projectPath);
      const result = ctx.scope.removeProject(source, ctx.state.projectByPath(input.targetProjectPath), ctx.principal);
      return payload(result, (link) => ({
        ciJobTokenScope: new JobTokenScopeView(source),
        ciJobTokenScopeAllowlistEntry: new AllowlistEntryView(source, link),
      }), { ciJobTokenScope: null, ciJobTokenScopeAllowlistEntry: null }, input.clientMutationId);
    },
    ciJobTokenScopeRemoveGroup(args: { input: MutationInput & { targetGroupPath: string } }, ctx: GqlContext) {
      const { input } = args;
      const source = managedProject(ctx, input.projectPath);
      const result = ctx.scope.removeGroup(source, ctx.state.groupByPath(input.targetGroupPath), ctx.principal);
      return payload(result, (link) => ({
        ciJobTokenScope: new JobTokenScopeView(source),
        ciJobTokenScopeAllowlistEntry: new AllowlistEntryView(source, link),
      }), { ciJobTokenScope: null, ciJobTokenScopeAllowlistEntry: null }, input.clientMutationId);
    },
    ciJobTokenScopeUpdatePolicies(args: { input: MutationInput & { targetPath: string; defaultPermissions: boolean; jobTokenPolicies: string[] } }, ctx: GqlContext) {
      const { input } = args;
      const source = managedProject(ctx, input.projectPath);
      const group = ctx.state.groupByPath(input.targetPath);
      const project = group ? undefined : ctx.state.projectByPath(input.targetPath);
      const target = group ? { group } : project ? { project } : undefined;
      // update_job_token_policies.rb raises this before the service runs: a top-level error, the field null.
      if (!ctx.state.policiesEnabled()) throw new GraphQLError(POLICIES_FLAG_DISABLED);
      const result = ctx.scope.updatePolicies(source, target, ctx.principal, input.defaultPermissions, input.jobTokenPolicies);
      return payload(result, (link) => ({ ciJobTokenScopeAllowlistEntry: new AllowlistEntryView(source, link) }),
        { ciJobTokenScopeAllowlistEntry: null }, input.clientMutationId);
    },
    ciJobTokenScopeAutopopulateAllowlist(args: { input: MutationInput }, ctx: GqlContext) {
      const source = managedProject(ctx, args.input.projectPath);
      return payload(ctx.scope.autopopulate(source, ctx.principal), (status) => ({ status }), { status: 'error' }, args.input.clientMutationId);
    },
    ciJobTokenScopeClearAllowlistAutopopulations(args: { input: MutationInput }, ctx: GqlContext) {
      const source = managedProject(ctx, args.input.projectPath);
      return payload(ctx.scope.clearAutopopulated(source, ctx.principal), (status) => ({ status }), { status: 'error' }, args.input.clientMutationId);
    },
    projectCiCdSettingsUpdate(args: { input: { clientMutationId?: string | null; fullPath: string; inboundJobTokenScopeEnabled?: boolean | null; jobTokenScopeEnabled?: boolean | null; pushRepositoryForJobTokenAllowed?: boolean | null } }, ctx: GqlContext) {
      const { input } = args;
      // GitLab raises this argument error before it even looks the project up: a top-level error, the field null.
      if (input.jobTokenScopeEnabled === true) throw new GraphQLError('job_token_scope_enabled can only be set to false');
      const project = managedProject(ctx, input.fullPath);
      if (input.inboundJobTokenScopeEnabled !== undefined && input.inboundJobTokenScopeEnabled !== null) {
        ctx.scope.setInboundEnabled(project, input.inboundJobTokenScopeEnabled);
      }
      if (input.jobTokenScopeEnabled === false) project.outboundEnabled = false;
      if (input.pushRepositoryForJobTokenAllowed !== undefined && input.pushRepositoryForJobTokenAllowed !== null) {
        project.pushRepositoryForJobTokenAllowed = input.pushRepositoryForJobTokenAllowed;
      }
      return { ciCdSettings: new CiCdSettingView(project), clientMutationId: input.clientMutationId ?? null, errors: [] };
    },
  };
}
