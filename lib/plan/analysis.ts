import type { IdNames, NameSource } from './names';
import { toId } from './names';
import type { PlannedFlag, PlannedIds, RawScopeChange, ScopeChangeKind } from './scope-changes';

/** An allowlist entry as a reviewer sees it: a path where one is known, else the id, else "known after apply". */
export interface TargetRef {
  readonly kind: 'project' | 'group';
  /** null when Terraform learns the id only during apply. */
  readonly id: number | null;
  /** null when no source could name the id. */
  readonly path: string | null;
  readonly source: NameSource | null;
  readonly knownAfterApply: boolean;
}

export interface EntryChanges {
  readonly added: readonly TargetRef[];
  readonly removed: readonly TargetRef[];
  /** The whole planned list is known only after apply: added/removed cannot be told yet. */
  readonly knownAfterApply: boolean;
}

export interface ProjectLabel {
  readonly path: string | null;
  readonly id: number | null;
  readonly knownAfterApply: boolean;
  /** What to print: the path, `id 123`, or `(known after apply)`. */
  readonly label: string;
}

export type Toggle = 'on' | 'off' | 'unknown' | null;

/** The allowlist of one project on one side of the change. `enabled: null`: no managed scope. */
export interface AccessState {
  readonly enabled: PlannedFlag;
  readonly projects: readonly TargetRef[];
  readonly groups: readonly TargetRef[];
  readonly listsKnownAfterApply: boolean;
}

/** One changed scope, named for people, plus the before/after states the risk checks need. */
export interface ScopeAnalysis {
  readonly stack: string;
  readonly address: string;
  readonly kind: Exclude<ScopeChangeKind, 'no-op'>;
  readonly actions: readonly string[];
  readonly actionReason?: string;
  /** The plan imports the scope before changing it (`importExisting`): the change is against what GitLab holds. */
  readonly imported?: boolean;
  readonly project: ProjectLabel;
  /** Set when a replace moves the scope from one project to another. */
  readonly previousProject?: ProjectLabel;
  readonly enabled: { readonly before: boolean | null; readonly after: PlannedFlag };
  readonly toggle: Toggle;
  readonly projects: EntryChanges;
  readonly groups: EntryChanges;
  readonly notes: readonly string[];
  readonly before: AccessState;
  readonly after: AccessState;
}

/**
 * What the provider's Delete does (`resource_gitlab_project_job_token_scopes.go`):
 * it empties both lists and sets `enabled = true`. Nothing is opened; everyone else is shut out.
 */
export const DESTROY_NOTE =
  'scope destroyed: the provider removes every allowlist entry and leaves the allowlist on, so only the project ' +
  'itself can reach it: every other project\'s job token is blocked (nothing is opened)';
export const DELETE_FIRST_NOTE =
  'deleted before it is created again: between the two steps the allowlist is on and empty, so every other ' +
  'project\'s job token is blocked until the create finishes';
export const CREATE_FIRST_SAME_PROJECT_NOTE =
  'created before the old resource is destroyed, on the same project: the provider\'s delete then empties the ' +
  'allowlist the create just wrote, so after apply it is on and empty';
export const CREATE_NOTE =
  'scope created: the resource is authoritative, so any entry in GitLab that is not listed here is removed';
export const UPGRADE_NOTE =
  'to keep the allowlist in place instead, re-adopt the scope under its id before applying (terraform state rm, then ' +
  'terraform import with the numeric id): see the README, "Upgrading: numeric project ids"';
export const FORGET_NOTE = 'removed from Terraform state only: GitLab keeps the current settings, unmanaged';
export const IMPORT_NOTE = 'imported first (importExisting): "before" is what GitLab holds now, set outside Terraform';

/** A scope the plan imports and leaves as GitLab holds it: from now on Terraform manages it. */
export interface AdoptedScope {
  readonly stack: string;
  readonly address: string;
  readonly project: ProjectLabel;
}

/** The scope when the plan only imports it (no change), else undefined. */
export function adoptedScope(stack: string, raw: RawScopeChange, names: IdNames): AdoptedScope | undefined {
  if (raw.kind !== 'no-op' || raw.importId === undefined) return undefined;
  return { stack, address: raw.address, project: projectLabel(raw.project.after ?? raw.project.before, false, names) };
}

export function analyzeScopeChange(stack: string, raw: RawScopeChange, names: IdNames): ScopeAnalysis | undefined {
  if (raw.kind === 'no-op') return undefined;
  const target = (kind: 'project' | 'group') => (id: number): TargetRef => {
    const known = (kind === 'project' ? names.projects : names.groups).get(id);
    return { kind, id, path: known?.path ?? null, source: known?.source ?? null, knownAfterApply: false };
  };
  const before: AccessState = {
    enabled: raw.enabled.before,
    projects: raw.projectIds.before.map(target('project')),
    groups: raw.groupIds.before.map(target('group')),
    listsKnownAfterApply: false,
  };
  const afterList = (kind: 'project' | 'group', planned: PlannedIds | null): TargetRef[] =>
    planned ? [...planned.ids.map(target(kind)), ...unknownTargets(kind, planned)] : [];
  const after: AccessState = {
    enabled: raw.enabled.after,
    projects: afterList('project', raw.projectIds.after),
    groups: afterList('group', raw.groupIds.after),
    listsKnownAfterApply: raw.projectIds.after?.unknown === 'all' || raw.groupIds.after?.unknown === 'all',
  };
  const project = projectLabel(raw.kind === 'destroy' || raw.kind === 'forget' ? raw.project.before : raw.project.after,
    raw.kind !== 'destroy' && raw.kind !== 'forget' && raw.project.afterUnknown, names);
  const before0 = raw.kind === 'replace' && raw.project.before !== null && raw.project.before !== raw.project.after
    ? projectLabel(raw.project.before, false, names)
    : undefined;
  // A path in state and the same project's id in the plan is not a move: it is the upgrade to numeric ids.
  const previous = before0 && !sameProject(before0, project) ? before0 : undefined;
  const renamed = before0 && !previous ? before0 : undefined;
  // A scope that moves to another project starts from nothing there; the old project's side is a destroy.
  const moved = previous !== undefined;
  const projects = entryChanges(moved ? [] : before.projects, raw.projectIds.after, after.projects);
  const groups = entryChanges(moved ? [] : before.groups, raw.groupIds.after, after.groups);
  return {
    stack,
    address: raw.address,
    kind: raw.kind,
    actions: raw.actions,
    ...(raw.actionReason ? { actionReason: raw.actionReason } : {}),
    ...(raw.importId !== undefined ? { imported: true } : {}),
    project,
    ...(previous ? { previousProject: previous } : {}),
    enabled: raw.enabled,
    toggle: toggleOf(raw),
    projects: raw.kind === 'forget' ? { added: [], removed: [], knownAfterApply: false } : projects,
    groups: raw.kind === 'forget' ? { added: [], removed: [], knownAfterApply: false } : groups,
    notes: notesFor(raw, previous, project, renamed),
    before: moved ? { enabled: null, projects: [], groups: [], listsKnownAfterApply: false } : before,
    // The provider's Delete leaves the allowlist on and empty.
    after: raw.kind === 'destroy' ? { enabled: true, projects: [], groups: [], listsKnownAfterApply: false } : after,
  };
}

function unknownTargets(kind: 'project' | 'group', planned: PlannedIds): TargetRef[] {
  const n = planned.unknown === 'all' ? 1 : planned.unknownCount;
  return Array.from({ length: n }, () => ({ kind, id: null, path: null, source: null, knownAfterApply: true }));
}

function entryChanges(before: readonly TargetRef[], planned: PlannedIds | null, after: readonly TargetRef[]): EntryChanges {
  if (planned === null) return { added: [], removed: [...before], knownAfterApply: false };
  if (planned.unknown === 'all') {
    // Nothing is known about the new list; show the placeholder so the change is never silently empty.
    return { added: after.filter((t) => t.knownAfterApply), removed: [], knownAfterApply: true };
  }
  const beforeIds = new Set(before.map((t) => t.id));
  const afterIds = new Set(after.map((t) => t.id).filter((id): id is number => id !== null));
  return {
    added: after.filter((t) => t.knownAfterApply || !beforeIds.has(t.id)),
    removed: before.filter((t) => !afterIds.has(t.id as number)),
    knownAfterApply: false,
  };
}

export function projectLabel(attr: string | null, unknown: boolean, names: IdNames): ProjectLabel {
  if (unknown || attr === null) {
    return { path: null, id: null, knownAfterApply: unknown, label: '(known after apply)' };
  }
  const id = toId(attr);
  if (id === undefined) return { path: attr, id: null, knownAfterApply: false, label: attr };
  const known = names.projects.get(id);
  return { path: known?.path ?? null, id, knownAfterApply: false, label: known?.path ?? `id ${id}` };
}

function toggleOf(raw: RawScopeChange): Toggle {
  const { before, after } = raw.enabled;
  if (raw.kind === 'destroy' || raw.kind === 'forget') return null;
  if (after === 'unknown') return 'unknown';
  if (after === null) return null;
  if (raw.kind === 'create') return after ? 'on' : 'off';
  if (before === after) return null;
  return after ? 'on' : 'off';
}

/**
 * Terraform's `action_reason` in words where it is one people meet here. With
 * gitlabhq/gitlab 18.6.1 every change to a scope is planned so: the deprecated,
 * computed `project_id` turns unknown and forces a replacement.
 */
function reasonWords(reason: string | undefined): string {
  if (reason === undefined) return 'Terraform must recreate it';
  if (reason === 'replace_because_cannot_update') return 'the provider cannot update it in place; gitlabhq/gitlab replaces a scope on any change';
  if (reason === 'replace_because_tainted') return 'it is tainted';
  return reason;
}

/** The same GitLab project on both sides: equal ids, or equal paths (GitLab paths are case-insensitive). */
export function sameProject(a: ProjectLabel, b: ProjectLabel): boolean {
  if (a.id !== null && b.id !== null) return a.id === b.id;
  return a.path !== null && b.path !== null && a.path.toLowerCase() === b.path.toLowerCase();
}

function notesFor(raw: RawScopeChange, previous: ProjectLabel | undefined, project: ProjectLabel, renamed?: ProjectLabel): string[] {
  const notes: string[] = raw.importId !== undefined ? [IMPORT_NOTE] : [];
  switch (raw.kind) {
    case 'create': notes.push(CREATE_NOTE); break;
    case 'destroy': notes.push(DESTROY_NOTE); break;
    case 'forget': notes.push(FORGET_NOTE); break;
    case 'replace': {
      let why = reasonWords(raw.actionReason);
      if (previous) why = `the project changes from ${previous.label} to ${project.label}`;
      else if (renamed) {
        why = `the project attribute changes from ${JSON.stringify(raw.project.before)} to ${JSON.stringify(raw.project.after)}, ` +
          `the same project (${project.label}) now given by its numeric id`;
      }
      notes.push(`scope replaced (${why})`);
      if (renamed) notes.push(UPGRADE_NOTE);
      else if (previous && toId(previous.label) === undefined && project.path === null && project.id !== null) {
        notes.push(`if ${project.id} is the id of ${previous.label}, this replace is the upgrade to numeric ids: ${UPGRADE_NOTE}`);
      }
      if (previous) notes.push(`${previous.label}: ${DESTROY_NOTE}`);
      if (raw.actions[0] === 'delete') notes.push(DELETE_FIRST_NOTE);
      else if (!previous) notes.push(CREATE_FIRST_SAME_PROJECT_NOTE);
      break;
    }
    default: break;
  }
  const toggle = toggleOf(raw);
  if (raw.kind === 'update' && toggle === 'on') notes.push('allowlist turned on: only the listed projects and groups (and the project itself) can reach it');
  if (raw.kind === 'update' && toggle === 'off') notes.push('allowlist turned off: job tokens of any project can reach it, unless the instance enforces the allowlist');
  if (raw.enabled.after === 'unknown') notes.push('the allowlist toggle is known after apply');
  for (const [label, planned] of [['project', raw.projectIds.after], ['group', raw.groupIds.after]] as const) {
    if (planned?.unknown === 'all') notes.push(`the ${label} entries are known after apply: the final list shows only after apply`);
    else if (planned?.unknown === 'some') notes.push(`${planned.unknownCount} ${label} ${planned.unknownCount === 1 ? 'entry is' : 'entries are'} known after apply`);
  }
  if (project.knownAfterApply) notes.push('the project itself is known after apply');
  return notes;
}

/** How a target is printed: path, else `id N` (never dropped), else `(known after apply)`. */
export function targetLabel(t: TargetRef): string {
  if (t.knownAfterApply) return '(known after apply)';
  if (t.path) return t.path;
  return `${t.kind === 'group' ? 'group' : 'project'} id ${t.id}`;
}
