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

export function scopeDeniedMessage(origin: Project, target: Project): string {
  return `403 Forbidden - Authentication by CI/CD job token not allowed from ${origin.fullPath} to ${target.fullPath}.`;
}

export function insufficientPolicyMessage(target: Project, permission: string): string {
  return `403 Forbidden - Insufficient permissions to access this resource in project ${target.fullPath}. The following token permission is required: ${permission}.`;
}

/** The allowlist entries of `target` that let `origin` in: its project entry and entries of any group above it. */
export function matchingLinks(state: SandboxState, target: Project, origin: Project): ScopeLink[] {
  const out: ScopeLink[] = [];
  const direct = target.projectLinks.get(origin.id);
  if (direct) out.push(direct);
  for (const g of state.groupChain(origin.namespace)) {
    const link = target.groupLinks.get(g.id);
    if (link) out.push(link);
  }
  return out;
}

/**
 * @param permission the fine-grained permission the endpoint needs, lower case
 *   as GitLab prints it (e.g. `read_releases`).
 */
export function authorizeJobToken(
  state: SandboxState, token: Token, target: Project, permission: string,
): JobTokenDecision {
  const origin = state.projects.get(token.projectId!)!;
  if (origin.id !== target.id && inboundEffective(state, target)) {
    const links = matchingLinks(state, target, origin);
    if (links.length === 0) return { ok: false, status: 403, body: { message: scopeDeniedMessage(origin, target) } };
    const read = permission.toUpperCase();
    const admin = read.replace(/^READ_/, 'ADMIN_');
    const granted = links.some((l) => l.defaultPermissions || l.jobTokenPolicies.includes(read) || l.jobTokenPolicies.includes(admin));
    if (!granted) return { ok: false, status: 403, body: { message: insufficientPolicyMessage(target, permission) } };
  }
  const user = token.userId !== null ? state.users.get(token.userId) ?? null : null;
  const asUser: Principal = { user, token, scopes: ['api'] };
  if (!canReadProject(asUser, target)) return { ok: false, status: 404, body: { message: '404 Project Not Found' } };
  if (origin.id !== target.id) target.authLog.set(origin.id, state.nowIso());
  return { ok: true, origin };
}
