import type { GitLabHttp } from '../gitlab/http';
import { readGroupProjects } from '../live/group-projects';
import { lookupIds, nameIds } from '../live/lookup';
import { readLiveScopes } from '../live/reader';
import { isLiveError } from '../live/types';
import type { LockFile } from '../lockfile';
import type { DeclaredRef } from '../drift/declared';
import { readDeclaredPolicySources } from '../policies/declared';
import { instanceEnforces } from './enforcement';
import { localMembers, mergeGroups } from './group-sources';
import type { AllowEntry, GroupMembers, ReachInput, ReachNode, TargetScope } from './types';

export interface DeclaredReachOptions {
  readonly synthDir: string;
  readonly stacks?: readonly string[];
  readonly lock?: LockFile;
  /** GitLab, to name ids, expand groups and learn visibility and enforcement; undefined: offline (the lock file only). */
  readonly http?: GitLabHttp;
  readonly concurrency?: number;
}

/**
 * The reach graph the declaration would give: the synthesized stacks' scopes
 * (membership, toggles and the fine-grained permissions of their `//` blocks),
 * ids named from the lock file and then GitLab, and group entries expanded
 * through GitLab, or offline through the lock file (only the projects it
 * names). Online it also reads visibility (one batched lookup) and whether
 * the instance enforces the allowlist (only when a scope is declared off).
 * Read-only.
 */
export async function readDeclaredReach(opts: DeclaredReachOptions): Promise<ReachInput> {
  const { http } = opts;
  const concurrency = opts.concurrency ?? 4;
  const warnings: string[] = [];
  const sources = readDeclaredPolicySources(opts.synthDir, opts.stacks ?? []);
  const ids = { projects: new Set<number>(), groups: new Set<number>() };
  for (const s of sources) {
    for (const r of [s.project, ...s.projects]) if (r.path === undefined) ids.projects.add(r.id);
    for (const r of s.groups) if (r.path === undefined) ids.groups.add(r.id);
    for (const p of s.policies) if (p.ref.path === undefined) (p.kind === 'project' ? ids.projects : ids.groups).add(p.ref.id);
  }
  const names = await nameIds(http, opts.lock, ids.projects, ids.groups, { concurrency });
  warnings.push(...names.errors.map((e) => `could not name ids over GitLab: ${e}`));
  const pathOf = (r: DeclaredRef, kind: 'project' | 'group') =>
    r.path ?? (kind === 'project' ? names.projects : names.groups).get(r.id) ?? `#${r.id}`;

  const scopes: TargetScope[] = sources.map((s) => {
    const project = pathOf(s.project, 'project');
    const perms = new Map(s.policies.map((p) => [`${p.kind}:${pathOf(p.ref, p.kind).toLowerCase()}`, [...new Set(p.policies)].sort()]));
    const entry = (kind: 'project' | 'group') => (r: DeclaredRef): AllowEntry => {
      const path = pathOf(r, kind);
      const policies = perms.get(`${kind}:${path.toLowerCase()}`);
      return { kind, path, ...(policies ? { policies } : {}) };
    };
    return { project, entries: [...s.projects.map(entry('project')), ...s.groups.map(entry('group'))] };
  });
  const declaredOff = new Set(sources.filter((s) => !s.enabled).map((s) => pathOf(s.project, 'project').toLowerCase()));

  const visibility = new Map<string, string>();
  let enforced: boolean | undefined;
  if (http) {
    const found = await lookupIds(http, scopes.map((s) => s.project).filter((p) => !p.startsWith('#')), [], { concurrency, visibility: true });
    for (const [k, v] of found.projects) if (v.visibility) visibility.set(k, v.visibility);
    warnings.push(...found.errors.map((e) => `could not read visibility: ${e}`));
    enforced = await enforcementFor(http, [...declaredOff], warnings);
  } else if (declaredOff.size > 0) {
    warnings.push('offline: whether the instance enforces the allowlist is not known; projects declared with the allowlist off are shown open');
  }

  const nodes: ReachNode[] = scopes.map((s) => {
    const off = declaredOff.has(s.project.toLowerCase());
    return {
      project: s.project,
      visibility: visibility.get(s.project.toLowerCase()) ?? null,
      limitAccess: !off,
      enforcedByInstance: off ? (enforced ?? null) : false,
      open: off && enforced !== true,
      scanned: true,
    };
  });

  const groupPaths = [...new Map(scopes.flatMap((s) => s.entries).filter((e) => e.kind === 'group').map((e) => [e.path.toLowerCase(), e.path])).values()];
  let groups: Map<string, GroupMembers>;
  if (http) {
    const found = await readGroupProjects(http, groupPaths.filter((g) => !g.startsWith('#')), { includeSubgroups: true, concurrency });
    groups = mergeGroups(new Map(), groupPaths, found, warnings);
  } else {
    groups = localMembers(groupPaths, Object.keys(opts.lock?.projects ?? {}), 'lock');
    if (groupPaths.length > 0) {
      warnings.push(`offline: group entries expanded through the lock file, which names ${Object.keys(opts.lock?.projects ?? {}).length} projects; a group may have more`);
    }
  }
  return { source: 'declared', nodes, scopes, groups, warnings };
}

/** Enforcement from the live toggle of up to three projects declared off (a project's live value may differ from the declaration). */
async function enforcementFor(http: GitLabHttp, off: readonly string[], warnings: string[]): Promise<boolean | undefined> {
  if (off.length === 0) return undefined;
  const live = await readLiveScopes(http, off.filter((p) => !p.startsWith('#')).slice(0, 3));
  const rawOff = [...live.values()].filter((r) => !isLiveError(r) && r.inboundJobTokenScopeEnabled === false) as Array<{ id?: number; fullPath: string }>;
  const r = await instanceEnforces(http, rawOff);
  if (r.value === undefined) {
    warnings.push(`whether the instance enforces the allowlist is not known (${r.error ?? 'no project declared off has its allowlist off in GitLab'}); projects declared off are shown open`);
  }
  return r.value;
}
