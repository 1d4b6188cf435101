/**
 * Reading the two allowlists page by page, 20 per page, following
 * `X-Next-Page` until it is empty, as the provider's
 * `getProjectCIJobScopes` / `getProjectCIJobScopesGroups` and
 * `findProjectJobTokenInboundAllowlist` / `findGroupJobTokenInboundAllowlist` do.
 */
import type { GitLabApiClient, Page } from '../gitlab-client';

/** The provider hard-codes `PerPage: 20`. */
export const PROVIDER_PER_PAGE = 20;

async function allPages<T>(fetchPage: (page: number) => Promise<Page<T>>): Promise<T[]> {
  const out: T[] = [];
  for (let page = 1; page !== 0;) {
    const p = await fetchPage(page);
    out.push(...p.items);
    page = p.nextPage;
  }
  return out;
}

/**
 * `getProjectCIJobScopes`: every project entry, minus the project itself, which
 * is recognised only when `path_with_namespace` equals `project` exactly or its
 * id printed in decimal equals it (so `ACME/Web` or `0042` keep it in the list).
 */
export async function projectEntries(client: GitLabApiClient, project: string): Promise<Array<{ id: number; path_with_namespace: string }>> {
  let entries: Array<{ id: number; path_with_namespace: string }>;
  try {
    entries = await allPages((page) => client.inboundAllowlist(project, page, PROVIDER_PER_PAGE));
  } catch (err) {
    throw new Error(`unable to read CI/CD Job Token inbound allowlist. ${(err as Error).message}`);
  }
  const self = entries.findIndex((p) => p.path_with_namespace === project || String(p.id) === project);
  if (self >= 0) entries.splice(self, 1);
  return entries;
}

/** `getProjectCIJobScopesGroups`. */
export async function groupEntries(client: GitLabApiClient, project: string): Promise<Array<{ id: number }>> {
  try {
    return await allPages((page) => client.groupsAllowlist(project, page, PROVIDER_PER_PAGE));
  } catch (err) {
    throw new Error(`unable to read CI/CD Job Token inbound groups_allowlist. ${(err as Error).message}`);
  }
}

/** `find*JobTokenInboundAllowlist`: stops at the page holding the target. */
export async function hasEntry(client: GitLabApiClient, project: string, kind: 'project' | 'group', targetId: number): Promise<boolean> {
  const label = kind === 'project' ? 'allowlist' : 'groups_allowlist';
  for (let page = 1; page !== 0;) {
    let p: Page<{ id: number }>;
    try {
      p = kind === 'project'
        ? await client.inboundAllowlist(project, page, PROVIDER_PER_PAGE)
        : await client.groupsAllowlist(project, page, PROVIDER_PER_PAGE);
    } catch (err) {
      throw new Error(`unable to read CI/CD Job Token inbound ${label}. ${(err as Error).message}`);
    }
    if (p.items.some((e) => e.id === targetId)) return true;
    page = p.nextPage;
  }
  return false;
}

/** `compareAndGenerateActions`: ids to add (in desired order) and to remove (in current order). */
export function compareIds(desired: readonly number[], current: readonly number[]): { create: number[]; remove: number[] } {
  return {
    remove: current.filter((c) => !desired.includes(c)),
    create: desired.filter((d) => !current.includes(d)),
  };
}
