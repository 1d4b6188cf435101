import { Construct } from 'constructs';
import { ProjectJobTokenScopes } from '@cdktf/provider-gitlab/lib/project-job-token-scopes';
import { MAX_GROUP_ENTRIES, MAX_PROJECT_ENTRIES } from '../model/limits';
import { parseTargetRef, TargetRef } from '../model/target';
import { JobTokenPolicy, policyProblems } from '../model/policies';
import { TargetLookups } from './target-lookups';
import { ScopeRegistry } from './scope-registry';
import { lockKey } from '../lockfile';
import { POLICY_METADATA_KEY, ScopePolicyMetadata } from '../model/scope-metadata';

/**
 * An allowlist entry with fine-grained permissions: the target's job tokens get
 * exactly these policies instead of the default permissions. Applied with
 * `tokenscope policies apply` (the Terraform provider cannot express them).
 */
export interface AllowEntryWithPolicies {
  /** Full path or numeric id. */
  readonly target: string;
  /** At least one of GitLab's `CiJobTokenScopePolicies`. */
  readonly policies: JobTokenPolicy[];
}

/** A plain target (default permissions) or a target with fine-grained policies. */
export type AllowEntry = string | AllowEntryWithPolicies;

export { POLICY_METADATA_KEY, type ScopePolicyMetadata };

export interface JobTokenScopeProps {
  /** The project whose inbound job-token scope this declares: full path (`acme/web`) or numeric id as a string. */
  readonly project: string;
  /**
   * The "Authorized groups and projects" toggle (formerly "Limit access to this
   * project"): when true, only the project itself and the allowlisted projects and
   * groups may use their job tokens against it.
   * @default true
   */
  readonly limitAccess?: boolean;
  /**
   * Projects whose CI/CD job tokens may reach this project: full paths or numeric
   * ids, optionally with fine-grained `policies`. @default []
   */
  readonly allowProjects?: AllowEntry[];
  /**
   * Groups whose projects (at any depth, now and later) may reach this project:
   * full paths or numeric ids, optionally with fine-grained `policies`. @default []
   */
  readonly allowGroups?: AllowEntry[];
  /**
   * Adopt the project's current settings with a Terraform import instead of
   * creating the resource blind. The import id is the project's numeric id (a
   * literal from the lock file, else its `gitlab_project` data source, which
   * Terraform reads at plan time).
   * @default false
   */
  readonly importExisting?: boolean;
  /** Names of `ScopeRule`s that must not apply to this scope (the per-scope override). @default [] */
  readonly exemptFromRules?: string[];
}

/** Where an allowlist entry came from, for messages. */
type EntryOrigin = { readonly kind: 'props'; readonly index: number } | { readonly kind: 'rule'; readonly rule: string };

interface Entry {
  readonly raw: string;
  readonly ref: TargetRef;
  readonly origin: EntryOrigin;
  readonly policies?: JobTokenPolicy[];
}

type ListName = 'allowProjects' | 'allowGroups';

/**
 * Declares one GitLab project's inbound CI/CD job-token scope: the allowlist
 * toggle and every project and group allowed in. Synthesizes exactly one
 * authoritative `gitlab_project_job_token_scopes` resource: entries not declared
 * are removed by Terraform.
 */
export class JobTokenScope extends Construct {
  static isJobTokenScope(x: unknown): x is JobTokenScope {
    return x instanceof JobTokenScope;
  }

  /** The project as given in props. */
  readonly project: string;
  /** The synthesized resource; escape hatch for provider features tokenscope does not model. */
  readonly resource: ProjectJobTokenScopes;
  readonly importExisting: boolean;

  private _limitAccess: boolean;
  private readonly projectRef: TargetRef | undefined;
  private readonly projectProblem: string | undefined;
  private readonly exempt: ReadonlySet<string>;
  private readonly entries: Record<ListName, Entry[]> = { allowProjects: [], allowGroups: [] };
  private readonly problems: string[] = [];
  private readonly requiredBy: string[] = [];
  private readonly lookups: TargetLookups;
  private readonly registry: ScopeRegistry;

  constructor(scope: Construct, id: string, props: JobTokenScopeProps) {
    super(scope, id);
    this.project = props.project;
    this._limitAccess = props.limitAccess ?? true;
    this.importExisting = props.importExisting ?? false;
    this.exempt = new Set(props.exemptFromRules ?? []);

    const parsed = parseTargetRef(props.project);
    if (parsed.ok) this.projectRef = parsed.ref;
    else this.projectProblem = `project ${JSON.stringify(props.project)} ${parsed.reason}; use a full path ("group/project") or a numeric id`;

    this.lookups = TargetLookups.of(this);
    this.registry = ScopeRegistry.of(this);
    if (this.projectRef) this.registry.register(this.projectRef.key, this);

    (props.allowProjects ?? []).forEach((raw, index) => this.addEntry('allowProjects', raw, { kind: 'props', index }));
    (props.allowGroups ?? []).forEach((raw, index) => this.addEntry('allowGroups', raw, { kind: 'props', index }));

    const name = this.projectRef ? this.lookups.allocateName(terraformName(this.projectRef)) : undefined;
    // GitLab takes only a numeric id in the allowlist POST/DELETE URLs, and the
    // provider puts `project` into them as given: always the id, never the path.
    const projectId = this.projectIdAttribute();
    this.resource = new ProjectJobTokenScopes(this, 'scopes', {
      project: projectId,
      enabled: this._limitAccess,
      targetProjectIds: this.projectIds(),
      targetGroupIds: this.groupIds(),
    });
    // Name the resource after the project, not the construct tree, so moving a
    // construct between parents never turns into a destroy and create.
    if (name) this.resource.overrideLogicalId(name);
    if (this.importExisting) this.resource.importFrom(projectId);
    this.resource.addOverride(`//.${POLICY_METADATA_KEY}`, this.policyMetadata());

    this.node.addValidation({ validate: () => this.problemsAtSynth() });
  }

  get limitAccess(): boolean {
    return this._limitAccess;
  }

  /** Allowlisted projects, as written (props first, then those added by rules). */
  get allowProjects(): readonly string[] {
    return this.entries.allowProjects.map((e) => e.raw);
  }

  get allowGroups(): readonly string[] {
    return this.entries.allowGroups.map((e) => e.raw);
  }

  /** True when the scope opted out of the rule with this name. */
  isExemptFrom(ruleName: string): boolean {
    return this.exempt.has(ruleName);
  }

  /**
   * Ensures a project is allowed (used by rules): already present, or the project
   * itself, is a no-op rather than an error.
   */
  ensureProjectAllowed(target: string, ruleName: string): void {
    this.ensure('allowProjects', target, ruleName);
    this.resource.targetProjectIds = this.projectIds();
  }

  ensureGroupAllowed(target: string, ruleName: string): void {
    this.ensure('allowGroups', target, ruleName);
    this.resource.targetGroupIds = this.groupIds();
  }

  /** Records that a rule requires the allowlist to stay enforced; checked at synth. */
  requireLimitAccess(ruleName: string): void {
    this.requiredBy.push(ruleName);
  }

  private ensure(list: ListName, raw: string, ruleName: string): void {
    const parsed = parseTargetRef(raw);
    if (!parsed.ok) {
      this.problems.push(`rule "${ruleName}" adds ${list} ${JSON.stringify(raw)}, which ${parsed.reason}`);
      return;
    }
    if (list === 'allowProjects' && this.isSelf(parsed.ref)) return;
    if (this.entries[list].some((e) => e.ref.key === parsed.ref.key)) return;
    this.addEntry(list, raw, { kind: 'rule', rule: ruleName });
  }

  private addEntry(list: ListName, entry: AllowEntry, origin: EntryOrigin): void {
    const where = origin.kind === 'props' ? `${list}[${origin.index}]` : `${list} (rule "${origin.rule}")`;
    const raw = typeof entry === 'string' ? entry : entry && typeof entry === 'object' ? entry.target : (entry as unknown as string);
    const parsed = parseTargetRef(raw);
    if (!parsed.ok) {
      this.problems.push(`${where} ${JSON.stringify(raw)} ${parsed.reason}; use a full path ("group/project") or a numeric id`);
      return;
    }
    let policies: JobTokenPolicy[] | undefined;
    if (typeof entry === 'object' && entry !== null) {
      const list = Array.isArray(entry.policies) ? entry.policies : [];
      for (const p of policyProblems(list)) this.problems.push(`${where} ${JSON.stringify(raw)} ${p}`);
      policies = [...new Set(list)].sort();
    }
    this.entries[list].push({ raw, ref: parsed.ref, origin, policies });
  }

  /** Declared fine-grained policies, sorted by kind and target so re-synth is byte-identical. */
  policyMetadata(): ScopePolicyMetadata {
    const policies: ScopePolicyMetadata['policies'] = [];
    for (const [list, kind] of [['allowProjects', 'project'], ['allowGroups', 'group']] as const) {
      const withPolicies = this.entries[list].filter((e) => e.policies && e.policies.length > 0);
      withPolicies.sort((a, b) => (a.ref.key < b.ref.key ? -1 : a.ref.key > b.ref.key ? 1 : 0));
      for (const e of withPolicies) policies.push({ kind, target: e.raw, policies: e.policies as JobTokenPolicy[] });
    }
    const project = this.projectPath();
    return { version: 1, ...(project ? { project } : {}), policies };
  }

  /** The project's full path as far as it is known: as given, or from the lock file for an id. */
  projectPath(): string | undefined {
    if (!this.projectRef) return undefined;
    return this.projectRef.kind === 'path' ? this.projectRef.path : this.lookups.projectPathOf(this.projectRef.id);
  }

  /**
   * The value of the resource's `project`: the literal id (given, or from the
   * lock file) or the project's data source `id`. A path missing from the lock
   * file stays a path; validation then fails the synth.
   */
  private projectIdAttribute(): string {
    const ref = this.projectRef;
    if (!ref) return this.project;
    if (ref.kind === 'id') return String(ref.id);
    const found = this.lookups.projectIdString(ref.path);
    return found.ok ? found.id : ref.path;
  }

  /** The project itself, by path or id: with a lock file, `"201"` and `acme/web/storefront` can be the same project. */
  private isSelf(ref: TargetRef): boolean {
    if (this.projectRef === undefined) return false;
    if (this.projectRef.key === ref.key) return true;
    const self = this.lockedId(this.projectRef);
    return self !== undefined && self === this.lockedId(ref);
  }

  private lockedId(ref: TargetRef): number | undefined {
    if (ref.kind === 'id') return ref.id;
    return this.lookups.lock?.projects[lockKey(ref.path)];
  }

  private projectIds(): number[] {
    return this.resolveIds('allowProjects');
  }

  private groupIds(): number[] {
    return this.resolveIds('allowGroups');
  }

  /** Literal ids ascending, then data-source ids by path, so re-synth is byte-identical. */
  private resolveIds(list: ListName): number[] {
    const literal: number[] = [];
    const viaLookup: Array<{ path: string; id: number }> = [];
    const seen = new Set<string>();
    for (const e of this.entries[list]) {
      if (seen.has(e.ref.key) || (list === 'allowProjects' && this.isSelf(e.ref))) continue;
      seen.add(e.ref.key);
      if (e.ref.kind === 'id') {
        literal.push(e.ref.id);
        continue;
      }
      const found = list === 'allowProjects' ? this.lookups.projectId(e.ref.path) : this.lookups.groupId(e.ref.path);
      if (!found.ok) continue;
      if (this.lookups.lock) literal.push(found.id);
      else viaLookup.push({ path: e.ref.path.toLowerCase(), id: found.id });
    }
    literal.sort((a, b) => a - b);
    viaLookup.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    return [...new Set(literal), ...viaLookup.map((v) => v.id)];
  }

  // Not named `validate`: constructs 10.3 refuses any construct with a `validate()` method (the pre-10 API).
  private problemsAtSynth(): string[] {
    const subject = `JobTokenScope for project ${JSON.stringify(this.project)}`;
    const errors: string[] = [];
    if (this.projectProblem) errors.push(`${subject}: ${this.projectProblem}`);
    if (this.lookups.lock && this.projectRef?.kind === 'path' && !this.lookups.projectId(this.projectRef.path).ok) {
      errors.push(
        `${subject}: the project itself is not in tokenscope.lock.json, and the provider needs its numeric id; run ` +
          '`tokenscope resolve` to add it (synthesize with TOKENSCOPE_LOCK_FILE=off first so that resolve sees it).',
      );
    }
    for (const p of this.problems) errors.push(`${subject}: ${p}`);

    for (const list of ['allowProjects', 'allowGroups'] as const) {
      const firstAt = new Map<string, Entry>();
      for (const e of this.entries[list]) {
        if (list === 'allowProjects' && this.isSelf(e.ref) && e.origin.kind === 'props') {
          errors.push(
            `${subject}: allowProjects[${e.origin.index}] ${JSON.stringify(e.raw)} is the project itself; a project always ` +
              `reaches itself and GitLab refuses it ("Target project can't be the same as the source project"). Remove it.`,
          );
        }
        const prev = firstAt.get(e.ref.key);
        if (prev && prev.origin.kind === 'props' && e.origin.kind === 'props') {
          errors.push(
            `${subject}: ${list} names ${JSON.stringify(e.raw)} twice (entries ${prev.origin.index} and ${e.origin.index}; ` +
              `paths compare case-insensitively). Remove one.`,
          );
        } else if (!prev) {
          firstAt.set(e.ref.key, e);
        }
        if (this.lookups.lock && e.ref.kind === 'path') {
          const found = list === 'allowProjects' ? this.lookups.projectId(e.ref.path) : this.lookups.groupId(e.ref.path);
          if (!found.ok) {
            errors.push(
              `${subject}: ${list === 'allowProjects' ? 'project' : 'group'} ${JSON.stringify(e.ref.path)} is not in ` +
                `tokenscope.lock.json; run \`tokenscope resolve\` to add it (synthesize with TOKENSCOPE_LOCK_FILE=off first so that resolve sees it).`,
            );
          }
        }
      }
    }

    const projectCount = this.countDistinct('allowProjects');
    const groupCount = this.countDistinct('allowGroups');
    if (projectCount > MAX_PROJECT_ENTRIES) {
      errors.push(
        `${subject}: ${projectCount} project entries; GitLab allows at most ${MAX_PROJECT_ENTRIES} per project ` +
          `("Validation failed: Source project exceeds the allowable number of project links in this direction"). ` +
          `Allow a group instead of many of its projects.`,
      );
    }
    if (groupCount > MAX_GROUP_ENTRIES) {
      errors.push(
        `${subject}: ${groupCount} group entries; GitLab allows at most ${MAX_GROUP_ENTRIES} per project ` +
          `("Validation failed: Source project exceeds the allowable number of group links in this direction"). ` +
          `Allow a parent group instead.`,
      );
    }

    if (this.projectRef) {
      const others = this.registry.othersFor(this.projectRef.key, this);
      if (others.length > 0) {
        errors.push(
          `${subject} is also declared at ${others.map((o) => o.node.path).join(', ')}; two scopes for one project ` +
            `would fight over one authoritative gitlab_project_job_token_scopes resource. Keep one.`,
        );
      }
    }

    if (!this._limitAccess) {
      for (const rule of this.requiredBy) {
        errors.push(
          `${subject}: limitAccess is false, but rule "${rule}" requires the allowlist to stay enforced. ` +
            `Set limitAccess: true, or exempt this scope with exemptFromRules: ["${rule}"].`,
        );
      }
    }
    return errors;
  }

  private countDistinct(list: ListName): number {
    const keys = new Set<string>();
    for (const e of this.entries[list]) if (!(list === 'allowProjects' && this.isSelf(e.ref))) keys.add(e.ref.key);
    return keys.size;
  }
}

/** Terraform resource name for a project's scope: readable and stable. */
export function terraformName(ref: TargetRef): string {
  const base = ref.kind === 'path' ? ref.path.toLowerCase().replace(/[^a-z0-9_-]/g, '_') : `id_${ref.id}`;
  return `scope_${base}`;
}
