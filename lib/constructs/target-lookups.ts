import { Construct } from 'constructs';
import { TerraformStack, Token } from 'cdktf';
import { DataGitlabGroup } from '@cdktf/provider-gitlab/lib/data-gitlab-group';
import { LockFile, lockKey } from '../lockfile';
import { LockSource, loadLock } from './lock-source';
import { ProjectIdLookup } from './project-id-lookup';

const LOOKUPS_ID = 'TokenScopeLookups';

/** The Terraform name a path's data source gets: readable, and stable across synths. */
export function lookupName(kind: 'project' | 'group', fullPath: string): string {
  return `${kind}_${fullPath.toLowerCase().replace(/[^a-z0-9_-]/g, '_')}`;
}

export type IdLookup = { ok: true; id: number } | { ok: false; missingFromLock: true };

/**
 * A project's id for a string attribute (the provider's `project`): a literal id
 * from the lock file (`"201"`), or a reference to its data source's `id`.
 */
export type IdStringLookup = { ok: true; id: string } | { ok: false; missingFromLock: true };

/**
 * One per stack: turns allowlist paths into ids, with exactly one data source per
 * distinct path in the stack (or a literal id from the lock file, and no data
 * source at all, when the stack has one).
 */
export class TargetLookups extends Construct {
  /** Finds or creates the stack's lookups. `lock` applies only when it is created. */
  static of(scope: Construct, lock?: LockSource): TargetLookups {
    const stack = TerraformStack.of(scope);
    const existing = stack.node.tryFindChild(LOOKUPS_ID);
    if (existing) return existing as TargetLookups;
    return new TargetLookups(stack, LOOKUPS_ID, lock);
  }

  readonly lock: LockFile | undefined;
  // One token per data source: every reference to an attribute creates a new
  // cdktf token (and captures a stack trace), so sharing them keeps synth fast.
  private readonly projects = new Map<string, ProjectIdTokens>();
  private readonly groups = new Map<string, number>();
  private readonly usedNames = new Set<string>();

  private constructor(scope: Construct, id: string, lock: LockSource | undefined) {
    super(scope, id);
    this.lock = loadLock(scope, lock);
  }

  projectId(fullPath: string): IdLookup {
    const found = this.projectTokens(fullPath);
    return found ? { ok: true, id: found.num } : { ok: false, missingFromLock: true };
  }

  /** The same id as `projectId`, as a string: what `gitlab_project_job_token_scopes.project` and its import id take. */
  projectIdString(fullPath: string): IdStringLookup {
    const found = this.projectTokens(fullPath);
    return found ? { ok: true, id: found.str } : { ok: false, missingFromLock: true };
  }

  /** The full path the lock file gives for a numeric project id, if any (for metadata that speaks paths). */
  projectPathOf(id: number): string | undefined {
    if (!this.lock) return undefined;
    for (const [p, v] of Object.entries(this.lock.projects)) if (v === id) return p;
    return undefined;
  }

  /** One data source per distinct path (shared by a scope's own project and by targets), or the lock file's literal. */
  private projectTokens(fullPath: string): ProjectIdTokens | undefined {
    const key = lockKey(fullPath);
    if (this.lock) {
      const id = this.lock.projects[key];
      return id === undefined ? undefined : { num: id, str: String(id) };
    }
    let found = this.projects.get(key);
    if (found === undefined) {
      const name = this.uniqueName('project', fullPath);
      const ds = new ProjectIdLookup(this, name, fullPath);
      ds.overrideLogicalId(name);
      found = new LazyProjectIdTokens(ds);
      this.projects.set(key, found);
    }
    return found;
  }

  groupId(fullPath: string): IdLookup {
    const key = lockKey(fullPath);
    if (this.lock) {
      const id = this.lock.groups[key];
      return id === undefined ? { ok: false, missingFromLock: true } : { ok: true, id };
    }
    let id = this.groups.get(key);
    if (id === undefined) {
      const name = this.uniqueName('group', fullPath);
      const ds = new DataGitlabGroup(this, name, { fullPath });
      ds.overrideLogicalId(name);
      id = ds.groupId;
      this.groups.set(key, id);
    }
    return { ok: true, id };
  }

  /** Paths whose ids come from data sources, for readers of the synthesized JSON. */
  get dataSourceCount(): number {
    return this.projects.size + this.groups.size;
  }

  /**
   * A Terraform name unique in this stack, derived from `base`. Two paths that
   * differ only in '.' vs '_' sanitize alike; the later one gets a number, so
   * neither silently overwrites the other in the JSON.
   */
  allocateName(base: string): string {
    let name = base;
    for (let n = 2; this.usedNames.has(name); n++) name = `${base}_${n}`;
    this.usedNames.add(name);
    return name;
  }

  private uniqueName(kind: 'project' | 'group', fullPath: string): string {
    return this.allocateName(lookupName(kind, fullPath));
  }
}

interface ProjectIdTokens {
  readonly num: number;
  readonly str: string;
}

/**
 * A data source's id as a string token and as a number token, each made on
 * first use: a scope's own project needs only the string, a target only the
 * number, and every token costs a stack trace.
 */
class LazyProjectIdTokens implements ProjectIdTokens {
  private _str: string | undefined;
  private _num: number | undefined;

  constructor(private readonly ds: ProjectIdLookup) {}

  get str(): string {
    if (this._str === undefined) this._str = this.ds.id;
    return this._str;
  }

  get num(): number {
    if (this._num === undefined) this._num = Token.asNumber(this.str);
    return this._num;
  }
}
