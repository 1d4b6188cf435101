import type { PlanJson, PlanResourceChange } from './plan-file';
import { toId } from './names';

/** The provider resource tokenscope's constructs synthesize: one per declared project, authoritative. */
export const SCOPES_TYPE = 'gitlab_project_job_token_scopes';

/**
 * What Terraform will do to one scope. `forget` (a `removed` block) drops the
 * resource from state and leaves GitLab untouched.
 */
export type ScopeChangeKind = 'create' | 'destroy' | 'update' | 'replace' | 'forget' | 'no-op';

/** A planned set of ids, some of which Terraform may only learn during apply. */
export interface PlannedIds {
  readonly ids: readonly number[];
  /** `all`: the whole set is known after apply; `some`: `unknownCount` elements are. */
  readonly unknown: 'none' | 'some' | 'all';
  readonly unknownCount: number;
}

export type PlannedFlag = boolean | 'unknown' | null;

/** One `gitlab_project_job_token_scopes` resource change, with ids as Terraform has them. */
export interface RawScopeChange {
  readonly address: string;
  readonly kind: ScopeChangeKind;
  readonly actions: readonly string[];
  readonly actionReason?: string;
  /** Set when the plan imports the scope first (an `import` block, e.g. `importExisting`): the import id. */
  readonly importId?: string;
  /** The `project` attribute (full path or numeric id string) before and after; null where the scope does not exist. */
  readonly project: { readonly before: string | null; readonly after: string | null; readonly afterUnknown: boolean };
  /** The inbound allowlist toggle; null where the scope does not exist. */
  readonly enabled: { readonly before: boolean | null; readonly after: PlannedFlag };
  readonly projectIds: { readonly before: readonly number[]; readonly after: PlannedIds | null };
  readonly groupIds: { readonly before: readonly number[]; readonly after: PlannedIds | null };
}

export function changeKind(actions: readonly string[]): ScopeChangeKind {
  const a = actions.join(',');
  switch (a) {
    case 'create': return 'create';
    case 'delete': return 'destroy';
    case 'update': return 'update';
    case 'delete,create': case 'create,delete': return 'replace';
    case 'forget': return 'forget';
    default: return 'no-op';
  }
}

export function isScopeChange(rc: PlanResourceChange): boolean {
  return rc.type === SCOPES_TYPE && rc.mode !== 'data';
}

/** Every job-token scope resource in the plan, no-ops included, in plan order. Other resource types are ignored. */
export function extractScopeChanges(plan: PlanJson): RawScopeChange[] {
  return plan.resource_changes.filter(isScopeChange).map(toRawChange);
}

function toRawChange(rc: PlanResourceChange): RawScopeChange {
  const kind = changeKind(rc.change.actions);
  const before = asObject(rc.change.before);
  const after = kind === 'destroy' || kind === 'forget' ? undefined : asObject(rc.change.after);
  const unknown = asObject(rc.change.after_unknown) ?? {};
  const exists = { before: before !== undefined, after: after !== undefined };
  return {
    address: rc.address,
    kind,
    actions: [...rc.change.actions],
    ...(rc.action_reason ? { actionReason: rc.action_reason } : {}),
    ...(rc.change.importing && typeof rc.change.importing === 'object' ? { importId: String(rc.change.importing.id ?? '') } : {}),
    project: {
      before: exists.before ? projectAttr(before) : null,
      after: exists.after ? projectAttr(after) : null,
      afterUnknown: exists.after && (unknown.project === true || (projectAttr(after) === null && unknown.project_id === true)),
    },
    enabled: {
      before: exists.before ? asBool(before!.enabled) : null,
      after: !exists.after ? null : unknown.enabled === true ? 'unknown' : asBool(after!.enabled),
    },
    projectIds: {
      before: exists.before ? plannedIds(before!.target_project_ids, undefined).ids : [],
      after: exists.after ? plannedIds(after!.target_project_ids, unknown.target_project_ids) : null,
    },
    groupIds: {
      before: exists.before ? plannedIds(before!.target_group_ids, undefined).ids : [],
      after: exists.after ? plannedIds(after!.target_group_ids, unknown.target_group_ids) : null,
    },
  };
}

function projectAttr(values: Record<string, unknown> | undefined): string | null {
  if (!values) return null;
  for (const key of ['project', 'project_id']) {
    const v = values[key];
    if (typeof v === 'string' && v !== '') return v;
    if (typeof v === 'number') return String(v);
  }
  return null;
}

/**
 * Reads a planned set of ids. `after_unknown` marks the whole set (`true`) or
 * single elements (`[false, true]`) as known only after apply.
 */
export function plannedIds(value: unknown, unknownMarker: unknown): PlannedIds {
  if (unknownMarker === true) return { ids: [], unknown: 'all', unknownCount: 0 };
  const values = Array.isArray(value) ? value : [];
  const marks = Array.isArray(unknownMarker) ? unknownMarker : [];
  const ids: number[] = [];
  let unknownCount = 0;
  const length = Math.max(values.length, marks.length);
  for (let i = 0; i < length; i++) {
    if (marks[i] === true) {
      unknownCount++;
      continue;
    }
    const id = toId(values[i]);
    if (id !== undefined && !ids.includes(id)) ids.push(id);
  }
  return { ids, unknown: unknownCount > 0 ? 'some' : 'none', unknownCount };
}

function asObject(v: unknown): Record<string, unknown> | undefined {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

function asBool(v: unknown): boolean | null {
  return typeof v === 'boolean' ? v : null;
}
