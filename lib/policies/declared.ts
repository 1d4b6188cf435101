import { DeclaredReadError, DeclaredRef, declaredFromStack, readStackFiles, StackJson } from '../drift/declared';
import { POLICY_METADATA_KEY } from '../model/scope-metadata';
import { parseTargetRef } from '../model/target';
import { DEFAULT_PERMISSIONS, DeclaredPolicyEntry, DeclaredPolicyScope, EntryKind, permissionsOf } from './types';

/** A policy entry from a resource's `//` block, its target as the construct was given it. */
export interface PolicyMetadataEntry {
  readonly kind: EntryKind;
  readonly ref: DeclaredRef;
  readonly written: string;
  readonly policies: readonly string[];
}

/** One declared scope before ids are turned into paths: membership from the resource, policies from its `//` block. */
export interface UnresolvedPolicyScope {
  readonly stack: string;
  readonly resource: string;
  readonly project: DeclaredRef;
  /** The declared "Authorized groups and projects" toggle. */
  readonly enabled: boolean;
  readonly projects: readonly DeclaredRef[];
  readonly groups: readonly DeclaredRef[];
  readonly policies: readonly PolicyMetadataEntry[];
}

/**
 * Every job-token scope in the chosen stacks of a synth dir with the policies
 * its entries declare. Reads the same files as the drift reader (and uses it for
 * membership), plus the `//` block Terraform ignores.
 */
export function readDeclaredPolicySources(synthDir: string, stacks: readonly string[] = []): UnresolvedPolicyScope[] {
  return readStackFiles(synthDir, stacks).flatMap(({ stack, json, file }) => policyScopesFromStack(stack, json, file));
}

/** Pure: the scopes of one synthesized stack (`cdk.tf.json` parsed). */
export function policyScopesFromStack(stack: string, json: unknown, file = stack): UnresolvedPolicyScope[] {
  const scopes = declaredFromStack(stack, json as StackJson, file);
  const resources = ((json as { resource?: { gitlab_project_job_token_scopes?: Record<string, Record<string, unknown>> } })
    .resource?.gitlab_project_job_token_scopes) ?? {};
  return scopes.map((s) => ({
    stack: s.stack,
    resource: s.resource,
    project: s.project,
    enabled: s.enabled,
    projects: s.projects,
    groups: s.groups,
    policies: metadataOf(resources[s.resource]?.['//'], `${file}: ${s.resource}`),
  }));
}

function metadataOf(comment: unknown, where: string): PolicyMetadataEntry[] {
  const meta = (comment as Record<string, unknown> | undefined)?.[POLICY_METADATA_KEY] as Record<string, unknown> | undefined;
  if (meta === undefined) return [];
  const bad = (what: string) => new DeclaredReadError(`${where}: "//".${POLICY_METADATA_KEY} ${what}; synthesize again with this tokenscope`);
  if (!meta || typeof meta !== 'object') throw bad('is not an object');
  if (meta.version !== 1) throw bad(`has version ${JSON.stringify(meta.version)}, this tokenscope reads version 1`);
  if (!Array.isArray(meta.policies)) throw bad('has no policies list');
  return meta.policies.map((raw, i) => {
    const e = raw as { kind?: unknown; target?: unknown; policies?: unknown } | null;
    if (!e || (e.kind !== 'project' && e.kind !== 'group')) throw bad(`policies[${i}] has no kind "project" or "group"`);
    const parsed = parseTargetRef(typeof e.target === 'number' ? String(e.target) : e.target);
    if (!parsed.ok) throw bad(`policies[${i}] target ${JSON.stringify(e.target)} ${parsed.reason}`);
    if (!Array.isArray(e.policies) || e.policies.length === 0 || e.policies.some((p) => typeof p !== 'string')) {
      throw bad(`policies[${i}] (${JSON.stringify(e.target)}) has no list of policy names`);
    }
    const ref: DeclaredRef = parsed.ref.kind === 'id' ? { id: parsed.ref.id } : { path: parsed.ref.path };
    return { kind: e.kind, ref, written: parsed.ref.kind === 'id' ? String(parsed.ref.id) : parsed.ref.path, policies: e.policies as string[] };
  });
}

/** Full paths of projects and groups by numeric id (from the lock file, or looked up in GitLab). */
export interface IdNames {
  readonly projects: ReadonlyMap<number, string>;
  readonly groups: ReadonlyMap<number, string>;
}

/** Ids the scopes name that `known` cannot turn into paths. */
export function unnamedIds(scopes: readonly UnresolvedPolicyScope[], known: IdNames): { projects: number[]; groups: number[] } {
  const projects = new Set<number>();
  const groups = new Set<number>();
  const need = (ref: DeclaredRef, kind: EntryKind) => {
    if (ref.path !== undefined || ref.id === undefined) return;
    if (kind === 'project' && !known.projects.has(ref.id)) projects.add(ref.id);
    if (kind === 'group' && !known.groups.has(ref.id)) groups.add(ref.id);
  };
  for (const s of scopes) {
    need(s.project, 'project');
    s.projects.forEach((r) => need(r, 'project'));
    s.groups.forEach((r) => need(r, 'group'));
    s.policies.forEach((p) => need(p.ref, p.kind));
  }
  return { projects: [...projects].sort((a, b) => a - b), groups: [...groups].sort((a, b) => a - b) };
}

export interface ResolvedDeclared {
  readonly scopes: DeclaredPolicyScope[];
  /** Ids nobody could name; their entries (or whole scopes) are left out. */
  readonly problems: string[];
}

/**
 * Pure: turns ids into paths and joins membership with the declared policies.
 * An entry in the allowlist without a policy entry keeps the default
 * permissions; a policy entry without membership is still declared (the plan
 * then says it is not on the allowlist).
 */
export function resolveDeclaredPolicies(scopes: readonly UnresolvedPolicyScope[], names: IdNames): ResolvedDeclared {
  const problems: string[] = [];
  const out: DeclaredPolicyScope[] = [];
  const pathOf = (ref: DeclaredRef, kind: EntryKind): string | undefined => {
    if (ref.path !== undefined) return ref.path;
    return (kind === 'project' ? names.projects : names.groups).get(ref.id);
  };
  for (const s of scopes) {
    const project = pathOf(s.project, 'project');
    if (project === undefined) {
      problems.push(`${s.stack}: ${s.resource}: GitLab has no project with id ${s.project.id} (or the token cannot see it); its entries were not checked`);
      continue;
    }
    const entries = new Map<string, DeclaredPolicyEntry>();
    // `written` is known only for entries with policies (the // block keeps it); a plain entry is named by its path.
  const add = (kind: EntryKind, ref: DeclaredRef, written: string | undefined, policies: readonly string[] | undefined) => {
      const target = pathOf(ref, kind);
      if (target === undefined) {
        problems.push(`${s.stack}: ${project}: GitLab has no ${kind} with id ${ref.id} (or the token cannot see it); that entry was not checked`);
        return;
      }
      const key = `${kind}:${target.toLowerCase()}`;
      const prev = entries.get(key);
      const permissions = policies ? permissionsOf(false, policies) : prev?.permissions ?? DEFAULT_PERMISSIONS;
      entries.set(key, { kind, target: prev?.target ?? target, written: written ?? prev?.written ?? target, permissions });
    };
    s.projects.forEach((r) => add('project', r, undefined, undefined));
    s.groups.forEach((r) => add('group', r, undefined, undefined));
    s.policies.forEach((p) => add(p.kind, p.ref, p.written, p.policies));
    out.push({ stack: s.stack, resource: s.resource, project, entries: [...entries.values()] });
  }
  return { scopes: out, problems };
}
