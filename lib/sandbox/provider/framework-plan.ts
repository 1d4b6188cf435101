/**
 * PlanResourceChange as terraform-plugin-framework computes it
 * (internal/fwserver/server_planresourcechange.go): when the proposed state
 * differs from the prior state, every Computed attribute that is null in the
 * config becomes unknown; then each attribute's plan modifiers run in order.
 *
 * A consequence worth knowing (it is the real provider's, not ours): on
 * `gitlab_project_job_token_scopes`, `project` and `project_id` are both
 * Computed with RequiresReplace and only one can be configured, so the other
 * turns unknown on any change and forces replacement. Every change to such a
 * resource plans delete-then-create. Pure: no I/O.
 */
import { ctyEqual, CtyObject, CtyValue, UNKNOWN } from './cty';
import type { BlockSchema } from './schema';

export interface PlanInput {
  readonly schema: BlockSchema;
  readonly prior: CtyObject | null;
  readonly proposed: CtyObject | null;
  readonly config: CtyObject | null;
}

export interface PlanResult {
  readonly planned: CtyObject | null;
  /** Top-level attributes whose change forces replacement. */
  readonly requiresReplace: string[];
}

function objectsEqual(schema: BlockSchema, a: CtyObject, b: CtyObject): boolean {
  return Object.entries(schema.attributes).every(([k, at]) => ctyEqual(at.type, a[k] ?? null, b[k] ?? null));
}

export function frameworkPlan({ schema, prior, proposed, config }: PlanInput): PlanResult {
  if (proposed === null) return { planned: null, requiresReplace: [] };
  const cfg = config ?? {};
  const planned: CtyObject = { ...proposed };
  if (prior === null || !objectsEqual(schema, proposed, prior)) {
    for (const [name, attr] of Object.entries(schema.attributes)) {
      if (attr.computed && (cfg[name] ?? null) === null) planned[name] = UNKNOWN;
    }
  }
  const requiresReplace: string[] = [];
  for (const [name, attr] of Object.entries(schema.attributes)) {
    for (const modifier of attr.planModifiers ?? []) {
      const state: CtyValue = prior ? prior[name] ?? null : null;
      if (modifier === 'useStateForUnknown') {
        if (state !== null && planned[name] === UNKNOWN && cfg[name] !== UNKNOWN) planned[name] = state;
      } else if (prior !== null && !ctyEqual(attr.type, planned[name] ?? null, state)) {
        requiresReplace.push(name);
      }
    }
  }
  return { planned, requiresReplace: [...new Set(requiresReplace)].sort() };
}
