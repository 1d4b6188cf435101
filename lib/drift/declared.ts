import * as fs from 'fs';
import * as path from 'path';
import { jsonErrorReason } from '../util/json-error';
import { readTextFile } from '../util/read-file';
import { parseTargetRef } from '../model/target';
import { POLICY_METADATA_KEY } from '../model/scope-metadata';
import { isJsonObject as isObject } from '../util/json';

/** A project or group as the synthesized JSON names it: a full path (from a data source) or a literal id. */
export type DeclaredRef = { readonly path: string; readonly id?: number } | { readonly path?: undefined; readonly id: number };

/** One `gitlab_project_job_token_scopes` resource. */
export interface DeclaredScope {
  readonly stack: string;
  /** The stack file it was read from, for messages. */
  readonly file?: string;
  /** Terraform resource name, e.g. `scope_acme_web_checkout`. */
  readonly resource: string;
  readonly project: DeclaredRef;
  readonly enabled: boolean;
  readonly projects: readonly DeclaredRef[];
  readonly groups: readonly DeclaredRef[];
}

export class DeclaredReadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DeclaredReadError';
  }
}

export interface StackJson {
  provider?: { gitlab?: unknown };
  data?: {
    gitlab_project?: Record<string, { path_with_namespace?: string; id?: string | number }>;
    gitlab_group?: Record<string, { full_path?: string; group_id?: string | number }>;
  };
  resource?: {
    gitlab_project_job_token_scopes?: Record<string, {
      project?: unknown; project_id?: unknown; enabled?: unknown; target_project_ids?: unknown; target_group_ids?: unknown;
      '//'?: unknown;
    }>;
  };
}

const PROJECT_REF = /^\$\{data\.gitlab_project\.([^.}]+)\.id\}$/;
const GROUP_REF = /^\$\{data\.gitlab_group\.([^.}]+)\.(?:group_id|id)\}$/;

/** Stack names in the synth dir: `stacks/<name>/cdk.tf.json`. */
export function listStacks(synthDir: string): string[] {
  const stacksDir = path.join(synthDir, 'stacks');
  if (!fs.existsSync(stacksDir)) {
    throw new DeclaredReadError(`${synthDir} has no synthesized stacks (no ${stacksDir}); run \`npx cdktf synth\` first, or pass --synth-dir`);
  }
  return fs.readdirSync(stacksDir)
    .filter((n) => fs.existsSync(path.join(stacksDir, n, 'cdk.tf.json')))
    .sort();
}

/** The stacks of a synth dir to read: all of them, or the named ones (an unknown name is an error listing those there). */
export function chooseStacks(synthDir: string, stacks: readonly string[] = []): string[] {
  const available = listStacks(synthDir);
  const unknown = stacks.filter((s) => !available.includes(s));
  if (unknown.length > 0) {
    throw new DeclaredReadError(
      `no stack ${unknown.map((s) => `"${s}"`).join(', ')} in ${synthDir}; stacks there: ${available.join(', ') || 'none'}`,
    );
  }
  return stacks.length > 0 ? available.filter((s) => stacks.includes(s)) : available;
}

/** The parsed `cdk.tf.json` of each chosen stack; the one reader of stack files for drift, suggest and policies. */
export function readStackFiles(synthDir: string, stacks: readonly string[] = []): Array<{ stack: string; file: string; json: StackJson }> {
  return chooseStacks(synthDir, stacks).map((stack) => {
    const file = path.join(synthDir, 'stacks', stack, 'cdk.tf.json');
    const text = readTextFile(file, (m) => new DeclaredReadError(m));
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      throw new DeclaredReadError(`${file} is not valid JSON (${jsonErrorReason(e)}); synthesize again`);
    }
    if (!isObject(json)) {
      throw new DeclaredReadError(`${file} is ${jsonKind(json)}, not a synthesized cdktf stack (a JSON object); synthesize again`);
    }
    return { stack, file, json: json as StackJson };
  });
}

/**
 * Every `gitlab_project_job_token_scopes` in the chosen stacks, with targets
 * turned back into paths through the stack's data sources; literal ids stay ids.
 * Nothing declared at all is an error (a check of nothing is never "in sync"),
 * and so is one project declared twice.
 */
export function readDeclared(synthDir: string, stacks: readonly string[] = []): DeclaredScope[] {
  return declaredFromFiles(synthDir, readStackFiles(synthDir, stacks));
}

/** `readDeclared` over stack files already read (a command that also needs the files reads them once). */
export function declaredFromFiles(synthDir: string, files: ReadonlyArray<{ stack: string; file: string; json: StackJson }>): DeclaredScope[] {
  const found = files.flatMap(({ stack, json, file }) => declaredFromStack(stack, json, file).map((scope) => ({ scope, file })));
  if (found.length === 0) throw new DeclaredReadError(nothingDeclared(synthDir, files.map((f) => f.file)));
  const first = new Map<string, { scope: DeclaredScope; file: string }>();
  for (const f of found) {
    const key = refKey(f.scope.project);
    const prev = first.get(key);
    if (prev) throw new DeclaredReadError(declaredTwice(showDeclaredRef(f.scope.project), prev, f));
    first.set(key, f);
  }
  return found.map((f) => f.scope);
}

/** The words for one project declared by two resources; shared with the check after ids are named. */
export function declaredTwice(
  project: string,
  a: { scope: Pick<DeclaredScope, 'resource'>; file: string },
  b: { scope: Pick<DeclaredScope, 'resource'>; file: string },
): string {
  return `project ${project} is declared twice: ${a.file}: ${SCOPES}.${a.scope.resource} and ${b.file}: ${SCOPES}.${b.scope.resource}; ` +
    'each would own the whole allowlist (the resource is authoritative): keep one';
}

function nothingDeclared(synthDir: string, files: readonly string[]): string {
  const fix = 'synthesize an app with JobTokenScope constructs (`npx cdktf synth`), or pass --synth-dir';
  if (files.length === 0) {
    return `nothing declared: ${path.join(synthDir, 'stacks')} holds no synthesized stack (no <stack>/cdk.tf.json); ${fix}`;
  }
  const shown = files.length > 5 ? [...files.slice(0, 5), `and ${files.length - 5} more`] : files;
  return `nothing declared: no ${SCOPES} resource in ${shown.join(', ')}; ${fix}`;
}

const SCOPES = 'gitlab_project_job_token_scopes';

function jsonKind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return v.length === 0 ? 'an empty JSON array' : 'a JSON array';
  return `a JSON ${typeof v}`;
}

function refKey(r: DeclaredRef): string {
  return r.path !== undefined ? `path:${r.path.toLowerCase()}` : `id:${r.id}`;
}

export function showDeclaredRef(r: DeclaredRef): string {
  return r.path ?? `#${r.id}`;
}

/** A GitLab id as Terraform JSON may carry it: a positive whole number, or its decimal string. */
function literalId(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value > 0 ? value : undefined;
  if (typeof value === 'string' && /^\d+$/.test(value)) {
    const n = Number(value);
    return Number.isSafeInteger(n) && n > 0 ? n : undefined;
  }
  return undefined;
}

/** What a value looks like to a reader: digits (or a number) are meant as an id. */
function looksLikeId(value: unknown): boolean {
  return typeof value === 'number' || (typeof value === 'string' && /^[-+\d.eE]+$/.test(value) && /\d/.test(value));
}

function enabledOf(value: unknown, where: string): boolean {
  // The provider's default for `enabled` is true; Terraform itself turns "true"/"false" into booleans.
  if (value === undefined) return true;
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === 'false') return value === 'true';
  throw new DeclaredReadError(
    `${where}.enabled is ${JSON.stringify(value)}; it must be true or false, written as a literal (tokenscope cannot compare a Terraform expression or another type)`,
  );
}

export function declaredFromStack(stack: string, json: StackJson, file = stack): DeclaredScope[] {
  if (!isObject(json)) throw new DeclaredReadError(`${file} is ${jsonKind(json)}, not a synthesized cdktf stack (a JSON object); synthesize again`);
  const projectsByName = new Map<string, string>();
  const groupsByName = new Map<string, string>();
  const data = isObject(json.data) ? json.data : {};
  for (const [name, d] of Object.entries(isObject(data.gitlab_project) ? data.gitlab_project : {})) {
    if (isObject(d) && typeof d.path_with_namespace === 'string') projectsByName.set(name, d.path_with_namespace);
  }
  for (const [name, d] of Object.entries(isObject(data.gitlab_group) ? data.gitlab_group : {})) {
    if (isObject(d) && typeof d.full_path === 'string') groupsByName.set(name, d.full_path);
  }
  const ref = (value: unknown, kind: 'project' | 'group', where: string): DeclaredRef => {
    const id = literalId(value);
    if (id !== undefined) return { id };
    if (looksLikeId(value)) {
      throw new DeclaredReadError(`${file}: ${where} is ${JSON.stringify(value)}; ids are positive whole numbers`);
    }
    if (typeof value === 'string') {
      const m = (kind === 'project' ? PROJECT_REF : GROUP_REF).exec(value);
      if (m) {
        const p = (kind === 'project' ? projectsByName : groupsByName).get(m[1]);
        if (p) return { path: p };
        throw new DeclaredReadError(`${file}: ${where} refers to data.gitlab_${kind}.${m[1]}, which the stack does not define`);
      }
    }
    throw new DeclaredReadError(
      `${file}: ${where} is ${JSON.stringify(value)}; tokenscope reads literal ids and data.gitlab_${kind} references only`,
    );
  };
  const resources = json.resource as unknown;
  if (resources !== undefined && !isObject(resources)) {
    throw new DeclaredReadError(`${file}: "resource" is ${jsonKind(resources)}, not an object; synthesize again`);
  }
  const scopes = resources?.[SCOPES] as unknown;
  if (scopes !== undefined && !isObject(scopes)) {
    throw new DeclaredReadError(`${file}: "resource".${SCOPES} is ${jsonKind(scopes)}, not an object of resources; synthesize again`);
  }
  const out: DeclaredScope[] = [];
  for (const [name, r] of Object.entries(scopes ?? {})) {
    const where = `${file}: ${SCOPES}.${name}`;
    if (!isObject(r)) throw new DeclaredReadError(`${where} is ${jsonKind(r)}, not a resource block; synthesize again`);
    const rawProject = r.project ?? r.project_id;
    let project: DeclaredRef;
    if (rawProject === undefined || rawProject === null || rawProject === '') {
      throw new DeclaredReadError(`${where} has no project`);
    } else if (typeof rawProject === 'string' && !rawProject.includes('${') && !looksLikeId(rawProject)) {
      const parsed = parseTargetRef(rawProject);
      if (!parsed.ok) throw new DeclaredReadError(`${where}.project ${JSON.stringify(rawProject)} ${parsed.reason}`);
      project = { path: rawProject };
    } else {
      project = ref(rawProject, 'project', `${name}.project`);
      // A literal id (from the lock file): the constructs keep the path in the `//` metadata.
      const known = project.path === undefined ? metadataProjectPath(r['//']) : undefined;
      if (known) project = { id: project.id, path: known };
    }
    const list = (v: unknown, kind: 'project' | 'group', field: string): DeclaredRef[] => {
      if (v === undefined || v === null) return [];
      if (!Array.isArray(v)) throw new DeclaredReadError(`${file}: ${name}.${field} is not a list`);
      return v.map((x, i) => ref(x, kind, `${name}.${field}[${i}]`));
    };
    out.push({
      stack,
      file,
      resource: name,
      project,
      enabled: enabledOf(r.enabled, where),
      projects: list(r.target_project_ids, 'project', 'target_project_ids'),
      groups: list(r.target_group_ids, 'group', 'target_group_ids'),
    });
  }
  return out;
}

/**
 * The project's full path that the constructs write into the resource's
 * `"//": {"tokenscope": {"project": ...}}` block (Terraform ignores it), if any.
 */
export function metadataProjectPath(comment: unknown): string | undefined {
  if (!comment || typeof comment !== 'object') return undefined;
  const meta = (comment as Record<string, unknown>)[POLICY_METADATA_KEY];
  if (!meta || typeof meta !== 'object') return undefined;
  const p = (meta as Record<string, unknown>).project;
  return typeof p === 'string' && p !== '' && !p.includes('${') ? p : undefined;
}
