import { adoptedScope, analyzeScopeChange, ScopeAnalysis } from './analysis';
import type { AdoptedScope } from './analysis';
import type { IdNames } from './names';
import { mergeNames, namesFromPlan } from './names';
import type { StackPlan } from './plan-file';
import type { AuthLogs, Risk } from './risks';
import { allOriginsBlockedRisks, allowlistDisabledRisks, blockingRisks } from './risks';
import { extractScopeChanges, isScopeChange } from './scope-changes';
import type { WidgetReport } from './widget-report';
import { sumWidgetReports, widgetReport } from './widget-report';

export interface StackSummary {
  readonly stack: string;
  readonly file: string;
  readonly terraformVersion?: string;
  /** Changed job-token scopes, in plan order. */
  readonly scopes: readonly ScopeAnalysis[];
  /** Job-token scopes the plan leaves as they are. */
  readonly unchanged: number;
  /** Of those, the ones it imports (adopts as GitLab holds them). */
  readonly adopted: readonly AdoptedScope[];
  /** Changes to resources of other types (counted in the widget report, not reviewed here). */
  readonly otherChanges: number;
  readonly widget: WidgetReport;
}

export interface SummaryTotals {
  readonly stacks: number;
  readonly scopesChanged: number;
  readonly created: number;
  readonly destroyed: number;
  readonly updated: number;
  readonly replaced: number;
  readonly forgotten: number;
  readonly unchanged: number;
  /** Scopes the plan imports, changed or not. */
  readonly imported: number;
  readonly entriesAdded: number;
  readonly entriesRemoved: number;
  readonly risks: number;
}

export interface PlanSummary {
  readonly stacks: readonly StackSummary[];
  readonly risks: readonly Risk[];
  /** Things the summary could not do (an id lookup that failed); the summary is still right as far as it goes. */
  readonly warnings: readonly string[];
  /**
   * Checks that were asked for and could not be made (an authentication log
   * that could not be read): the risks list is incomplete, never "no risks".
   */
  readonly notChecked: readonly string[];
  readonly totals: SummaryTotals;
  readonly widget: WidgetReport;
}

/** Names every plan's own data sources give, first in the table. */
export function namesFromPlans(plans: readonly StackPlan[]): IdNames {
  return mergeNames(...plans.map((p) => namesFromPlan(p.plan)));
}

export function analyzePlans(plans: readonly StackPlan[], names: IdNames): ScopeAnalysis[] {
  return plans.flatMap((p) =>
    extractScopeChanges(p.plan)
      .map((c) => analyzeScopeChange(p.stack, c, names))
      .filter((a): a is ScopeAnalysis => a !== undefined));
}

/** Ids no source has named yet: what `--resolve` asks GitLab about. */
export function unresolvedIds(scopes: readonly ScopeAnalysis[]): { projects: number[]; groups: number[] } {
  const projects = new Set<number>();
  const groups = new Set<number>();
  for (const s of scopes) {
    for (const p of [s.project, s.previousProject]) if (p && p.id !== null && p.path === null) projects.add(p.id);
    for (const state of [s.before, s.after]) {
      for (const t of state.projects) if (t.id !== null && t.path === null) projects.add(t.id);
      for (const t of state.groups) if (t.id !== null && t.path === null) groups.add(t.id);
    }
  }
  return { projects: [...projects].sort((a, b) => a - b), groups: [...groups].sort((a, b) => a - b) };
}

export interface SummaryInput {
  readonly plans: readonly StackPlan[];
  readonly scopes: readonly ScopeAnalysis[];
  readonly authLogs?: AuthLogs;
  readonly warnings?: readonly string[];
  readonly notChecked?: readonly string[];
  /** Lower-cased paths of projects the instance holds to the allowlist (their own toggle off, in force on). */
  readonly enforced?: ReadonlySet<string>;
  readonly now: Date;
  /** Names for the projects of scopes imported without a change (beyond what each plan's data sources give). */
  readonly names?: IdNames;
}

/** Scopes that plan the allowlist off: what `fetchEnforcement` is asked about. */
export function scopesTurningOff(scopes: readonly ScopeAnalysis[]): ScopeAnalysis[] {
  return scopes.filter((s) => s.toggle === 'off' && s.project.path !== null);
}

export function enforcedWarning(project: string): string {
  return `${project}: the instance enforces the allowlist, so limitAccess: false cannot take effect: the provider reads ` +
    'enabled = true back and Terraform plans this change on every run (a permanent diff); declare limitAccess: true';
}

export function buildSummary(input: SummaryInput): PlanSummary {
  const stacks: StackSummary[] = input.plans.map((p) => {
    const scopeChanges = p.plan.resource_changes.filter(isScopeChange);
    const changedOthers = p.plan.resource_changes.filter((rc) => !isScopeChange(rc)
      && rc.change.actions.some((a) => a === 'create' || a === 'update' || a === 'delete'));
    const scopes = input.scopes.filter((s) => s.stack === p.stack);
    const names = input.names ? mergeNames(namesFromPlan(p.plan), input.names) : namesFromPlan(p.plan);
    const adopted = extractScopeChanges(p.plan).map((c) => adoptedScope(p.stack, c, names)).filter((a): a is AdoptedScope => a !== undefined);
    return {
      stack: p.stack,
      file: p.file,
      ...(p.plan.terraform_version ? { terraformVersion: p.plan.terraform_version } : {}),
      scopes,
      unchanged: scopeChanges.length - scopes.length,
      adopted,
      otherChanges: changedOthers.length,
      widget: widgetReport(p.plan),
    };
  });
  const enforced = input.enforced ?? new Set<string>();
  const isEnforced = (s: ScopeAnalysis) => s.project.path !== null && enforced.has(s.project.path.toLowerCase());
  const risks = [
    // Turning the allowlist off opens nothing where the instance enforces it.
    ...allowlistDisabledRisks(input.scopes.filter((s) => !isEnforced(s))),
    ...allOriginsBlockedRisks(input.scopes),
    ...(input.authLogs ? blockingRisks(input.scopes, input.authLogs, input.now) : []),
  ];
  const warnings = [...(input.warnings ?? [])];
  for (const s of scopesTurningOff(input.scopes)) if (isEnforced(s)) warnings.push(enforcedWarning(s.project.path as string));
  const count = (k: ScopeAnalysis['kind']) => input.scopes.filter((s) => s.kind === k).length;
  const entries = (pick: 'added' | 'removed') =>
    input.scopes.reduce((n, s) => n + s.projects[pick].length + s.groups[pick].length, 0);
  return {
    stacks,
    risks,
    warnings,
    notChecked: [...(input.notChecked ?? [])],
    totals: {
      stacks: stacks.length,
      scopesChanged: input.scopes.length,
      created: count('create'),
      destroyed: count('destroy'),
      updated: count('update'),
      replaced: count('replace'),
      forgotten: count('forget'),
      unchanged: stacks.reduce((n, s) => n + s.unchanged, 0),
      imported: stacks.reduce((n, s) => n + s.adopted.length, 0) + input.scopes.filter((s) => s.imported).length,
      entriesAdded: entries('added'),
      entriesRemoved: entries('removed'),
      risks: risks.length,
    },
    widget: sumWidgetReports(stacks.map((s) => s.widget)),
  };
}
