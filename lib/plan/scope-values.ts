import type { PlanResourceChange } from './plan-file';
import { isJsonObject as isObject } from '../util/json';

const SCOPES_TYPE = 'gitlab_project_job_token_scopes';
const ID_LISTS = ['target_project_ids', 'target_group_ids'] as const;

/**
 * Checks the values of one `gitlab_project_job_token_scopes` change against the
 * provider's schema (`enabled` bool, `target_*_ids` sets of numbers): a plan
 * that does not fit is refused with the attribute named, never read as "every
 * entry removed". Returns the problem, or undefined when the change fits.
 * Values known only after apply (`after_unknown`) may be absent.
 */
export function scopeChangeProblem(rc: PlanResourceChange): string | undefined {
  if (rc.type !== SCOPES_TYPE || rc.mode === 'data') return undefined;
  const actions = rc.change.actions;
  const unknown = isObject(rc.change.after_unknown) ? rc.change.after_unknown : {};
  for (const side of ['before', 'after'] as const) {
    const v = rc.change[side];
    const needed = side === 'after' ? actions.some((a) => a === 'create' || a === 'update' || a === 'no-op')
      : actions.some((a) => a === 'delete' || a === 'update' || a === 'no-op');
    if (v === null || v === undefined) {
      if (needed) return `change.${side} is ${v === null ? 'null' : 'missing'}, but the actions (${actions.join(', ')}) need the resource's values`;
      continue;
    }
    if (!isObject(v)) return `change.${side} is ${kindOf(v)}, not an object of the resource's attributes`;
    if (v.enabled !== undefined && v.enabled !== null && typeof v.enabled !== 'boolean') {
      return `change.${side}.enabled is ${JSON.stringify(v.enabled)}, not a boolean`;
    }
    for (const key of ID_LISTS) {
      const list = v[key];
      const marks = side === 'after' ? unknown[key] : undefined;
      if (list === undefined || list === null || marks === true) continue;
      if (!Array.isArray(list)) return `change.${side}.${key} is ${JSON.stringify(list)}, not a list of ids (the provider's set of numbers)`;
      const elementMarks = Array.isArray(marks) ? marks : [];
      for (let i = 0; i < list.length; i++) {
        if (elementMarks[i] === true && (list[i] === null || list[i] === undefined)) continue;
        if (!isId(list[i])) return `change.${side}.${key}[${i}] is ${JSON.stringify(list[i])}, not a project or group id`;
      }
    }
  }
  return undefined;
}

function isId(v: unknown): boolean {
  if (typeof v === 'number') return Number.isSafeInteger(v) && v > 0;
  return typeof v === 'string' && /^[1-9][0-9]*$/.test(v) && Number.isSafeInteger(Number(v));
}

function kindOf(v: unknown): string {
  return Array.isArray(v) ? 'a list' : `a ${typeof v} (${JSON.stringify(v)})`;
}
