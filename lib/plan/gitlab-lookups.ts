import type { GitLabHttp } from '../gitlab/http';
import { FatalReadError } from '../live/engine';
import { lookupPaths } from '../live/lookup';
import { readLiveScopes } from '../live/reader';
import { isLiveError } from '../live/types';
import type { IdNames, KnownName } from './names';
import type { AuthLogEntry, AuthLogs } from './risks';

export interface Lookup<T> {
  readonly value: T;
  /** What could not be read; the caller shows these and goes on. */
  readonly warnings: readonly string[];
}

/**
 * Names ids over GitLab with the shared batched lookup (`projects(ids:)`,
 * `groups(ids:)`, global ids). An id GitLab does not show stays unnamed (the
 * summary prints the id).
 */
export async function resolveIdsFromGitLab(
  http: GitLabHttp,
  ids: { projects: readonly number[]; groups: readonly number[] },
): Promise<Lookup<IdNames>> {
  const warnings: string[] = [];
  const projects = new Map<number, KnownName>();
  const groups = new Map<number, KnownName>();
  try {
    const found = await lookupPaths(http, ids.projects, ids.groups);
    found.projects.forEach((path, id) => projects.set(id, { path, source: 'gitlab' }));
    found.groups.forEach((path, id) => groups.set(id, { path, source: 'gitlab' }));
    warnings.push(...found.errors.map((e) => `could not resolve ids over GraphQL: ${e}`));
  } catch (e) {
    warnings.push(`could not resolve ids over GraphQL: ${(e as Error).message}`);
  }
  const missing = [
    ...ids.projects.filter((id) => !projects.has(id)).map((id) => `project ${id}`),
    ...ids.groups.filter((id) => !groups.has(id)).map((id) => `group ${id}`),
  ];
  if (missing.length > 0 && warnings.length === 0) {
    warnings.push(`GitLab did not name ${missing.join(', ')} (deleted, or not visible to the token); shown as ids`);
  }
  return { value: { projects, groups }, warnings };
}

/**
 * Reads `Project.ciJobTokenAuthLogs` for each path through the shared live
 * reader (batched, every page; needs Maintainer and GitLab 17.6+). A project
 * whose log cannot be read gets a warning, never a guess.
 */
export async function fetchAuthLogs(http: GitLabHttp, paths: readonly string[]): Promise<Lookup<AuthLogs>> {
  const logs = new Map<string, AuthLogEntry[]>();
  const warnings: string[] = [];
  const unique = [...new Set(paths.map((p) => p.toLowerCase()))];
  if (unique.length === 0) return { value: logs, warnings };
  try {
    const live = await readLiveScopes(http, unique, { authLog: true });
    const byLower = new Map([...live].map(([k, v]) => [k.toLowerCase(), v]));
    for (const p of unique) {
      const r = byLower.get(p);
      if (!r || isLiveError(r)) {
        warnings.push(`auth log of ${p} unreadable: ${r ? r.message : 'not read'}`);
        continue;
      }
      logs.set(p, (r.authLog ?? []).map((a) => ({ origin: a.fullPath, lastAuthorizedAt: a.lastAuthorizedAt })));
    }
  } catch (e) {
    if (!(e instanceof FatalReadError)) throw e;
    for (const p of unique) warnings.push(`auth log of ${p} unreadable: ${e.message}`);
  }
  return { value: logs, warnings };
}

/**
 * Which of these projects the instance holds to the allowlist although their own
 * toggle is off (GraphQL `inboundJobTokenScopeEnabled` false, REST `inbound_enabled`
 * true): there, a scope planned with the allowlist off cannot take effect, and
 * Terraform plans it again on every run. A project whose own toggle is still on
 * cannot be told apart (both values are true) and is not in the set.
 */
export async function fetchEnforcement(http: GitLabHttp, paths: readonly string[]): Promise<Lookup<Set<string>>> {
  const enforced = new Set<string>();
  const warnings: string[] = [];
  const unique = [...new Set(paths.map((p) => p.toLowerCase()))];
  if (unique.length === 0) return { value: enforced, warnings };
  try {
    const live = await readLiveScopes(http, unique, { effective: true });
    for (const [p, r] of live) {
      if (isLiveError(r)) {
        warnings.push(`could not read whether the instance enforces the allowlist of ${p}: ${r.message}`);
        continue;
      }
      if (r.inboundJobTokenScopeEnabled === false && r.effectiveInboundEnabled === true) enforced.add(p.toLowerCase());
    }
  } catch (e) {
    if (!(e instanceof FatalReadError)) throw e;
    for (const p of unique) warnings.push(`could not read whether the instance enforces the allowlist of ${p}: ${e.message}`);
  }
  return { value: enforced, warnings };
}
