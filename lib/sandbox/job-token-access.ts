/**
 * The check GitLab runs when a CI job token reaches another project: the
 * target's inbound allowlist (projects and groups), fine-grained permissions,
 * and the job user's own access. Allowed cross-project uses are written to the
 * target's authentication log.
 */
import { canReadProject, Principal } from './access';
import { inboundEffective } from './scope';
import type { Project, SandboxState, ScopeLink, Token } from './state';

export type JobTokenDecision =
  | { ok: true; origin: Project }
  | { ok: false; status: number; body: Record<string, unknown> };

/**
 * `handle_job_token_failure!` (lib/api/helpers.rb): both projects by
 * `Project#path`, the last segment of the full path, not the full path.
 */
export function scopeDeniedMessage(origin: Project, target: Project): string {
  return `403 Forbidden - Authentication by CI/CD job token not allowed from ${origin.path} to ${target.path}.`;
}

/** Rails' `Array#to_sentence`: "a", "a and b", "a, b, and c". */
export function toSentence(words: readonly string[]): string {
  if (words.length <= 1) return words.join('');
  if (words.length === 2) return `${words[0]} and ${words[1]}`;
  return `${words.slice(0, -1).join(', ')}, and ${words[words.length - 1]}`;
}

/** `job_token_policies_unauthorized_message` (lib/api/helpers.rb), the project by `Project#path`. */
export function insufficientPolicyMessage(target: Project, permissions: readonly string[]): string {
  if (permissions.length === 0) return '403 Forbidden - This action is unauthorized for CI/CD job tokens.';
  const head = `403 Forbidden - Insufficient permissions to access this resource in project ${target.path}. `;
  return permissions.length === 1
    ? `${head}The following token permission is required: ${permissions[0]}.`
    : `${head}The following token permissions are required: ${toSentence(permissions)}.`;
}

/** The allowlist entries of `target` that let `origin` in: its project entry, then entries of its groups, nearest first. */
export function matchingLinks(state: SandboxState, target: Project, origin: Project): ScopeLink[] {
  const out: ScopeLink[] = [];
  const direct = target.projectLinks.get(origin.id);
  if (direct) out.push(direct);
  for (const g of state.groupChain(origin.namespace).reverse()) {
    const link = target.groupLinks.get(g.id);
    if (link) out.push(link);
  }
  return out;
}

/**
 * Whether the entry grants every required permission
 * (`Ci::JobToken::Scope#policies_allowed_for_accessed_project?`). An `ADMIN_`
 * policy is taken to cover the `READ_` one of the same resource (unconfirmed
 * in GitLab's source; see README).
 */
export function linkGrants(link: ScopeLink, permissions: readonly string[]): boolean {
  if (link.defaultPermissions) return true;
  if (permissions.length === 0) return false;
  return permissions.every((p) => {
    const read = p.toUpperCase();
    return link.jobTokenPolicies.includes(read) || link.jobTokenPolicies.includes(read.replace(/^READ_/, 'ADMIN_'));
  });
}

/**
 * @param permissions the fine-grained permissions the endpoint needs, lower
 *   case as GitLab prints them (e.g. `read_releases`).
 *
 * Only the nearest matching entry decides (the project's own entry, else the
 * nearest group: `Ci::JobToken::Allowlist#nearest_scope_for_target_project`),
 * and only while `add_policies_to_ci_job_token` is on.
 */
export function authorizeJobToken(
  state: SandboxState, token: Token, target: Project, permissions: readonly string[],
): JobTokenDecision {
  const origin = state.projects.get(token.projectId!)!;
  if (origin.id !== target.id && inboundEffective(state, target)) {
    const nearest = matchingLinks(state, target, origin)[0];
    if (!nearest) return { ok: false, status: 403, body: { message: scopeDeniedMessage(origin, target) } };
    if (state.policiesEnabled() && !linkGrants(nearest, permissions)) {
      return { ok: false, status: 403, body: { message: insufficientPolicyMessage(target, permissions) } };
    }
  }
  const user = token.userId !== null ? state.users.get(token.userId) ?? null : null;
  const asUser: Principal = { user, token, scopes: ['api'] };
  if (!canReadProject(asUser, target)) return { ok: false, status: 404, body: { message: '404 Project Not Found' } };
  if (origin.id !== target.id) target.authLog.set(origin.id, state.nowIso());
  return { ok: true, origin };
}
