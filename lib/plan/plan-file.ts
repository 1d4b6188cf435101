import * as fs from 'fs';
import * as path from 'path';
import { jsonErrorReason } from '../util/json-error';
import { readFailureReason } from '../util/read-file';
import { scopeChangeProblem } from './scope-values';

/**
 * The parts of `terraform show -json PLANFILE` output tokenscope reads, typed
 * loosely on purpose: Terraform adds fields between versions and we must not
 * reject a plan for carrying something new.
 */
export interface PlanChange {
  readonly actions: readonly string[];
  readonly before?: unknown;
  readonly after?: unknown;
  readonly after_unknown?: unknown;
  readonly before_sensitive?: unknown;
  readonly after_sensitive?: unknown;
  /** Terraform 1.5+: the resource is imported by this plan (an `import` block), with the import id. */
  readonly importing?: { readonly id?: string };
}

export interface PlanResourceChange {
  readonly address: string;
  readonly mode?: string;
  readonly type: string;
  readonly name?: string;
  readonly change: PlanChange;
  readonly action_reason?: string;
}

export interface PlanStateResource {
  readonly address?: string;
  readonly mode?: string;
  readonly type?: string;
  readonly name?: string;
  readonly values?: Record<string, unknown>;
}

export interface PlanModule {
  readonly resources?: readonly PlanStateResource[];
  readonly child_modules?: readonly PlanModule[];
}

export interface PlanJson {
  readonly format_version: string;
  readonly terraform_version?: string;
  readonly resource_changes: readonly PlanResourceChange[];
  readonly prior_state?: { values?: { root_module?: PlanModule } };
  readonly planned_values?: { root_module?: PlanModule };
  readonly errored?: boolean;
}

/** One plan file given on the command line, parsed, with the stack it belongs to. */
export interface StackPlan {
  readonly stack: string;
  readonly file: string;
  readonly plan: PlanJson;
}

export class PlanInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PlanInputError';
  }
}

const NOT_A_PLAN = 'not a Terraform plan (no format_version/resource_changes); produce it with terraform show -json PLANFILE';

/** Parses and validates plan JSON text; `file` names it in every message. */
export function parsePlanText(text: string, file: string): PlanJson {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new PlanInputError(`${file}: not JSON (${jsonErrorReason(e as Error)})`);
  }
  if (!data || typeof data !== 'object' || Array.isArray(data)) throw new PlanInputError(`${file}: ${NOT_A_PLAN}`);
  const d = data as Record<string, unknown>;
  if (typeof d.format_version !== 'string') throw new PlanInputError(`${file}: ${NOT_A_PLAN}`);
  // Terraform omits resource_changes when a configuration has no resources at all;
  // planned_values is still there, which is what tells a plan from a state dump.
  if (d.resource_changes === undefined && (d.planned_values === undefined || typeof d.planned_values !== 'object')) {
    throw new PlanInputError(`${file}: ${NOT_A_PLAN}`);
  }
  if (d.resource_changes !== undefined && !Array.isArray(d.resource_changes)) {
    throw new PlanInputError(`${file}: ${NOT_A_PLAN}`);
  }
  const changes = (d.resource_changes ?? []) as unknown[];
  changes.forEach((rc, i) => {
    const r = rc as Partial<PlanResourceChange> | null;
    if (!r || typeof r !== 'object' || typeof r.address !== 'string' || typeof r.type !== 'string'
      || !r.change || typeof r.change !== 'object' || !Array.isArray(r.change.actions)) {
      throw new PlanInputError(
        `${file}: resource_changes[${i}] is not a resource change (needs address, type, change.actions); produce the file with terraform show -json PLANFILE`,
      );
    }
  });
  // An errored plan stopped part way: what it lists is not what apply would do, so there is nothing to review.
  if (d.errored === true) {
    throw new PlanInputError(`${file}: Terraform marks this plan as errored (planning stopped part way, so the plan is incomplete); fix the errors terraform plan printed and plan again`);
  }
  changes.forEach((rc, i) => {
    const problem = scopeChangeProblem(rc as PlanResourceChange);
    if (problem) {
      throw new PlanInputError(`${file}: resource_changes[${i}] (${(rc as PlanResourceChange).address}): ${problem}; produce the file with terraform show -json PLANFILE`);
    }
  });
  return { ...d, resource_changes: changes } as unknown as PlanJson;
}

export function readPlanFile(file: string, cwd: string, stack?: string): StackPlan {
  const abs = path.resolve(cwd, file);
  let text: string;
  try {
    text = fs.readFileSync(abs, 'utf8');
  } catch (e) {
    throw new PlanInputError(`${file}: cannot read (${readFailureReason(e)})`);
  }
  return { stack: stack ?? stackNameFromFile(file), file, plan: parsePlanText(text, file) };
}

const GENERIC_STEMS = new Set(['plan', 'tfplan', 'terraform', 'show', '']);

/**
 * The stack a plan file belongs to: `cdktf.out/stacks/acme/plan.json` -> `acme`
 * (a generic file name takes its directory's name), `acme.plan.json` -> `acme`.
 */
export function stackNameFromFile(file: string): string {
  const base = path.basename(file);
  const stem = base.replace(/\.json$/i, '').replace(/\.(tf)?plan$/i, '');
  if (!GENERIC_STEMS.has(stem.toLowerCase())) return stem;
  const dir = path.basename(path.dirname(path.resolve(file)));
  return dir || stem || base;
}

/** Gives every plan a distinct stack name: a repeated name gets its file added, `acme (b/plan.json)`. */
export function distinctStacks(plans: readonly StackPlan[]): StackPlan[] {
  const counts = new Map<string, number>();
  for (const p of plans) counts.set(p.stack, (counts.get(p.stack) ?? 0) + 1);
  return plans.map((p) => ((counts.get(p.stack) ?? 0) > 1 ? { ...p, stack: `${p.stack} (${p.file})` } : p));
}
