import { parseAllDocuments } from 'yaml';

/**
 * A small checker for GitLab CI YAML, written from GitLab's CI/CD YAML syntax
 * reference: the keywords a job may have and the shapes of the values
 * tokenscope's templates use. Not a full linter: what it does not know it
 * rejects, so a template cannot silently use a keyword the reference lacks.
 */

export const GLOBAL_KEYWORDS = new Set([
  'default', 'include', 'stages', 'variables', 'workflow',
  // Deprecated globals, still accepted by GitLab.
  'image', 'services', 'cache', 'before_script', 'after_script',
]);

export const JOB_KEYWORDS = new Set([
  'after_script', 'allow_failure', 'artifacts', 'before_script', 'cache', 'coverage', 'dast_configuration',
  'dependencies', 'environment', 'extends', 'hooks', 'identity', 'id_tokens', 'image', 'inherit', 'interruptible',
  'manual_confirmation', 'needs', 'pages', 'parallel', 'release', 'resource_group', 'retry', 'rules', 'run', 'script',
  'secrets', 'services', 'stage', 'tags', 'timeout', 'trigger', 'variables', 'when', 'only', 'except',
]);

export const JOB_WHEN = new Set(['on_success', 'on_failure', 'never', 'always', 'manual', 'delayed']);
export const RULE_KEYS = new Set(['if', 'changes', 'exists', 'when', 'allow_failure', 'variables', 'needs', 'interruptible', 'start_in']);
export const ARTIFACT_KEYS = new Set(['paths', 'exclude', 'expire_in', 'expose_as', 'name', 'public', 'access', 'reports', 'untracked', 'when']);
export const ARTIFACT_WHEN = new Set(['on_success', 'on_failure', 'always']);
export const REPORT_TYPES = new Set([
  'accessibility', 'annotations', 'api_fuzzing', 'browser_performance', 'coverage_report', 'codequality', 'container_scanning',
  'coverage_fuzzing', 'cyclonedx', 'dast', 'dependency_scanning', 'dotenv', 'junit', 'license_scanning', 'load_performance',
  'metrics', 'requirements', 'repository_xray', 'sast', 'secret_detection', 'terraform',
]);
export const CACHE_KEYS = new Set(['key', 'paths', 'untracked', 'when', 'policy', 'unprotect', 'fallback_keys']);
export const DEFAULT_STAGES = ['.pre', 'build', 'test', 'deploy', '.post'];
export const INPUT_KEYS = new Set(['default', 'description', 'type', 'options', 'regex']);

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);

export interface ParsedTemplate {
  /** The `spec:` header document, when the file has one. */
  readonly spec?: Obj;
  readonly config: Obj;
}

/** Parses a template, applying `spec:inputs` defaults (overridden by `inputs`) the way `include: inputs:` does. */
export function parseTemplate(text: string, inputs: Record<string, unknown> = {}): ParsedTemplate {
  const docs = parseAllDocuments(text);
  for (const d of docs) if (d.errors.length) throw new Error(`YAML error: ${d.errors[0].message}`);
  const hasSpec = docs.length === 2;
  if (docs.length > 2) throw new Error('a CI file has at most two documents (spec header, then the configuration)');
  const spec = hasSpec ? (docs[0].toJS() as Obj).spec as Obj : undefined;
  const values: Record<string, unknown> = {};
  const declared = isObj(spec?.inputs) ? (spec!.inputs as Obj) : {};
  for (const [name, def] of Object.entries(declared)) {
    if (isObj(def) && 'default' in def) values[name] = def.default;
  }
  for (const [name, v] of Object.entries(inputs)) {
    if (!(name in declared)) throw new Error(`unknown input ${name}`);
    values[name] = v;
  }
  const configDoc = docs[docs.length - 1];
  // Interpolate on the parsed tree, as GitLab does: a value that is exactly one
  // interpolation keeps the input's type (a number stays a number).
  const interpolate = (v: unknown): unknown => {
    if (typeof v === 'string') {
      const whole = /^\$\[\[\s*inputs\.([A-Za-z0-9_-]+)\s*\]\]$/.exec(v);
      if (whole) return need(whole[1]);
      return v.replace(/\$\[\[\s*inputs\.([A-Za-z0-9_-]+)\s*\]\]/g, (_m, n) => String(need(n)));
    }
    if (Array.isArray(v)) return v.map(interpolate);
    if (isObj(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, interpolate(x)]));
    return v;
  };
  const need = (n: string) => {
    if (!(n in values)) throw new Error(`input ${n} has no value and no default`);
    return values[n];
  };
  return { spec, config: interpolate(configDoc.toJS({ maxAliasCount: 100 })) as Obj };
}

/** Resolves `extends` (deep merge of mappings, other values replaced), as GitLab does. */
export function resolveJob(config: Obj, name: string, seen: string[] = []): Obj {
  if (seen.includes(name)) throw new Error(`extends cycle: ${[...seen, name].join(' -> ')}`);
  const job = config[name];
  if (!isObj(job)) throw new Error(`extends: ${name} does not exist`);
  const parents = job.extends === undefined ? [] : Array.isArray(job.extends) ? job.extends : [job.extends];
  let merged: Obj = {};
  for (const p of parents) merged = deepMerge(merged, resolveJob(config, String(p), [...seen, name]));
  const own = { ...job };
  delete own.extends;
  return deepMerge(merged, own);
}

function deepMerge(a: Obj, b: Obj): Obj {
  const out: Obj = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = isObj(v) && isObj(out[k]) ? deepMerge(out[k] as Obj, v) : v;
  return out;
}

/** Every problem found; empty when the configuration passes. */
export function validateConfig(parsed: ParsedTemplate): string[] {
  const errors: string[] = [];
  const { config, spec } = parsed;
  if (spec) {
    for (const [name, def] of Object.entries(isObj(spec.inputs) ? spec.inputs : {})) {
      if (!isObj(def)) { errors.push(`spec.inputs.${name}: must be a mapping`); continue; }
      for (const k of Object.keys(def)) if (!INPUT_KEYS.has(k)) errors.push(`spec.inputs.${name}: unknown key ${k}`);
      if (def.type !== undefined && !['string', 'number', 'boolean', 'array'].includes(String(def.type))) errors.push(`spec.inputs.${name}: bad type ${String(def.type)}`);
    }
  }
  const stages = Array.isArray(config.stages) ? (config.stages as string[]) : DEFAULT_STAGES;
  const jobNames = Object.keys(config).filter((k) => !GLOBAL_KEYWORDS.has(k));
  const visible = jobNames.filter((k) => !k.startsWith('.'));
  for (const name of jobNames) {
    const raw = config[name];
    if (!isObj(raw)) { errors.push(`${name}: a job must be a mapping`); continue; }
    for (const k of Object.keys(raw)) if (!JOB_KEYWORDS.has(k)) errors.push(`${name}: unknown keyword ${k}`);
    let job: Obj;
    try {
      job = resolveJob(config, name);
    } catch (e) {
      errors.push(`${name}: ${(e as Error).message}`);
      continue;
    }
    const hidden = name.startsWith('.');
    errors.push(...validateJob(name, job, hidden, stages, visible));
  }
  if (isObj(config.variables)) errors.push(...validateVariables('variables', config.variables));
  return errors;
}

function validateJob(name: string, job: Obj, hidden: boolean, stages: string[], visible: string[]): string[] {
  const e: string[] = [];
  const at = (k: string) => `${name}.${k}`;
  if (!hidden && job.script === undefined && job.trigger === undefined && job.run === undefined) e.push(`${name}: needs script, run or trigger`);
  for (const k of ['script', 'before_script', 'after_script']) {
    if (job[k] !== undefined && !isScript(job[k])) e.push(`${at(k)}: must be a string or a (nested) list of strings`);
  }
  if (job.stage !== undefined && !stages.includes(String(job.stage))) e.push(`${at('stage')}: ${String(job.stage)} is not a stage (${stages.join(', ')})`);
  if (job.when !== undefined && !JOB_WHEN.has(String(job.when))) e.push(`${at('when')}: ${String(job.when)} is not one of ${[...JOB_WHEN].join(', ')}`);
  if (job.parallel !== undefined) {
    const p = job.parallel;
    if (isObj(p)) {
      if (!Array.isArray(p.matrix)) e.push(`${at('parallel')}: a mapping needs matrix:`);
    } else if (!Number.isInteger(p) || (p as number) < 1 || (p as number) > 200) {
      e.push(`${at('parallel')}: must be an integer from 1 to 200, got ${JSON.stringify(p)}`);
    }
  }
  if (job.resource_group !== undefined && (typeof job.resource_group !== 'string' || job.resource_group === '')) e.push(`${at('resource_group')}: must be a non-empty string`);
  if (job.interruptible !== undefined && typeof job.interruptible !== 'boolean') e.push(`${at('interruptible')}: must be true or false`);
  if (job.allow_failure !== undefined && typeof job.allow_failure !== 'boolean' && !isObj(job.allow_failure)) e.push(`${at('allow_failure')}: must be a boolean or {exit_codes}`);
  if (job.image !== undefined && typeof job.image !== 'string' && !(isObj(job.image) && typeof job.image.name === 'string')) e.push(`${at('image')}: must be a string or {name}`);
  if (job.variables !== undefined) e.push(...(isObj(job.variables) ? validateVariables(at('variables'), job.variables) : [`${at('variables')}: must be a mapping`]));
  if (job.needs !== undefined) {
    if (!Array.isArray(job.needs)) e.push(`${at('needs')}: must be a list`);
    else {
      for (const n of job.needs) {
        const ref = typeof n === 'string' ? n : isObj(n) ? n.job : undefined;
        if (typeof ref !== 'string') { e.push(`${at('needs')}: entries are job names or {job, artifacts, optional}`); continue; }
        if (isObj(n)) for (const k of Object.keys(n)) if (!['job', 'artifacts', 'optional', 'pipeline', 'project', 'ref', 'parallel'].includes(k)) e.push(`${at('needs')}: unknown key ${k}`);
        if (!visible.includes(ref)) e.push(`${at('needs')}: job ${ref} does not exist`);
      }
    }
  }
  if (job.rules !== undefined) {
    if (!Array.isArray(job.rules)) e.push(`${at('rules')}: must be a list`);
    else job.rules.forEach((r, i) => {
      if (!isObj(r)) { e.push(`${at('rules')}[${i}]: must be a mapping`); return; }
      for (const k of Object.keys(r)) if (!RULE_KEYS.has(k)) e.push(`${at('rules')}[${i}]: unknown key ${k}`);
      if (r.when !== undefined && !JOB_WHEN.has(String(r.when))) e.push(`${at('rules')}[${i}].when: ${String(r.when)} is not allowed`);
      if (r.if !== undefined && typeof r.if !== 'string') e.push(`${at('rules')}[${i}].if: must be a string`);
      if (r.changes !== undefined && !Array.isArray(r.changes) && !isObj(r.changes)) e.push(`${at('rules')}[${i}].changes: must be a list or {paths, compare_to}`);
      if (r.exists !== undefined && !Array.isArray(r.exists) && !isObj(r.exists)) e.push(`${at('rules')}[${i}].exists: must be a list or {paths, project, ref}`);
      if (r.allow_failure !== undefined && typeof r.allow_failure !== 'boolean') e.push(`${at('rules')}[${i}].allow_failure: must be true or false`);
      if (r.variables !== undefined && !isObj(r.variables)) e.push(`${at('rules')}[${i}].variables: must be a mapping`);
    });
    if (job.only !== undefined || job.except !== undefined) e.push(`${name}: rules cannot be used with only/except`);
  }
  if (job.artifacts !== undefined) e.push(...validateArtifacts(at('artifacts'), job.artifacts));
  if (job.cache !== undefined) {
    for (const c of Array.isArray(job.cache) ? job.cache : [job.cache]) {
      if (!isObj(c)) { e.push(`${at('cache')}: must be a mapping`); continue; }
      for (const k of Object.keys(c)) if (!CACHE_KEYS.has(k)) e.push(`${at('cache')}: unknown key ${k}`);
    }
  }
  return e;
}

function validateArtifacts(at: string, a: unknown): string[] {
  if (!isObj(a)) return [`${at}: must be a mapping`];
  const e: string[] = [];
  for (const k of Object.keys(a)) if (!ARTIFACT_KEYS.has(k)) e.push(`${at}: unknown key ${k}`);
  if (a.when !== undefined && !ARTIFACT_WHEN.has(String(a.when))) e.push(`${at}.when: ${String(a.when)} is not one of ${[...ARTIFACT_WHEN].join(', ')}`);
  for (const k of ['paths', 'exclude']) {
    if (a[k] !== undefined && !(Array.isArray(a[k]) && (a[k] as unknown[]).every((p) => typeof p === 'string'))) e.push(`${at}.${k}: must be a list of paths`);
  }
  if (a.reports !== undefined) {
    if (!isObj(a.reports)) e.push(`${at}.reports: must be a mapping`);
    else for (const [type, v] of Object.entries(a.reports)) {
      if (!REPORT_TYPES.has(type)) e.push(`${at}.reports: unknown report type ${type}`);
      else if (type === 'coverage_report') {
        if (!isObj(v)) e.push(`${at}.reports.coverage_report: must be {coverage_format, path}`);
      } else if (!(typeof v === 'string' || (Array.isArray(v) && v.every((p) => typeof p === 'string')))) {
        e.push(`${at}.reports.${type}: must be a path or a list of paths`);
      }
    }
  }
  return e;
}

function validateVariables(at: string, vars: Obj): string[] {
  const e: string[] = [];
  for (const [k, v] of Object.entries(vars)) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) e.push(`${at}: bad variable name ${k}`);
    const ok = typeof v === 'string' || typeof v === 'number' || (isObj(v) && Object.keys(v).every((x) => ['value', 'description', 'options', 'expand'].includes(x)));
    if (!ok) e.push(`${at}.${k}: must be a string, a number or {value, description}`);
  }
  return e;
}

function isScript(v: unknown, depth = 0): boolean {
  if (typeof v === 'string') return true;
  // GitLab flattens nested script lists (YAML anchors) up to 10 levels.
  return Array.isArray(v) && depth < 10 && v.every((x) => isScript(x, depth + 1));
}

/** The script lines of a job after flattening, as the runner runs them. */
export function scriptLines(job: Obj, key = 'script'): string[] {
  const flat = (v: unknown): string[] => (typeof v === 'string' ? [v] : Array.isArray(v) ? v.flatMap(flat) : []);
  return flat(job[key]);
}
