import * as fs from 'fs';
import * as path from 'path';
import { jsonErrorReason } from '../util/json-error';
import { POLICY_METADATA_KEY } from '../model/scope-metadata';

/** A project or group as the synthesized JSON names it: a full path (from a data source) or a literal id. */
export type DeclaredRef = { readonly path: string; readonly id?: number } | { readonly path?: undefined; readonly id: number };

/** One `gitlab_project_job_token_scopes` resource. */
export interface DeclaredScope {
  readonly stack: string;
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
    try {
      return { stack, file, json: JSON.parse(fs.readFileSync(file, 'utf8')) as StackJson };
    } catch (e) {
      throw new DeclaredReadError(`${file} is not valid JSON (${jsonErrorReason(e)}); synthesize again`);
    }
  });
}

/**
 * Every `gitlab_project_job_token_scopes` in the chosen stacks, with targets
 * turned back into paths through the stack's data sources; literal ids stay ids.
 */
export function readDeclared(synthDir: string, stacks: readonly string[] = []): DeclaredScope[] {
  return readStackFiles(synthDir, stacks).flatMap(({ stack, json, file }) => declaredFromStack(stack, json, file));
}

export function declaredFromStack(stack: string, json: StackJson, file = stack): DeclaredScope[] {
  const projectsByName = new Map<string, string>();
  const groupsByName = new Map<string, string>();
  for (const [name, d] of Object.entries(json.data?.gitlab_project ?? {})) {
    if (typeof d.path_with_namespace === 'string') projectsByName.set(name, d.path_with_namespace);
  }
  for (const [name, d] of Object.entries(json.data?.gitlab_group ?? {})) {
    if (typeof d.full_path === 'string') groupsByName.set(name, d.full_path);
  }
  const ref = (value: unknown, kind: 'project' | 'group', where: string): DeclaredRef => {
    if (typeof value === 'number' && Number.isSafeInteger(value)) return { id: value };
    if (typeof value === 'string') {
      if (/^\d+$/.test(value)) return { id: Number(value) };
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
  const out: DeclaredScope[] = [];
  for (const [name, r] of Object.entries(json.resource?.gitlab_project_job_token_scopes ?? {})) {
    const rawProject = r.project ?? r.project_id;
    let project: DeclaredRef;
    if (typeof rawProject === 'number' || (typeof rawProject === 'string' && /^\d+$/.test(rawProject))) {
      // A literal id (from the lock file): the constructs keep the path in the `//` metadata.
      const known = metadataProjectPath(r['//']);
      project = known ? { id: Number(rawProject), path: known } : { id: Number(rawProject) };
    }
    else if (typeof rawProject === 'string' && !rawProject.includes('${')) project = { path: rawProject };
    else if (typeof rawProject === 'string') project = ref(rawProject, 'project', `${name}.project`);
    else throw new DeclaredReadError(`${file}: gitlab_project_job_token_scopes.${name} has no project`);
    const list = (v: unknown, kind: 'project' | 'group', field: string): DeclaredRef[] => {
      if (v === undefined || v === null) return [];
      if (!Array.isArray(v)) throw new DeclaredReadError(`${file}: ${name}.${field} is not a list`);
      return v.map((x, i) => ref(x, kind, `${name}.${field}[${i}]`));
    };
    out.push({
      stack,
      resource: name,
      project,
      // The provider's default for `enabled` is true.
      enabled: r.enabled === undefined ? true : r.enabled === true || r.enabled === 'true',
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
