import type { ProjectLabel, ScopeAnalysis, TargetRef } from './analysis';
import type { PlanSummary } from './summary';

/**
 * `--format json`. Version 1 shape (documented in help/plan-summary.md):
 * `{ version, summary, widget, stacks[{ stack, file, terraformVersion?, unchanged,
 * adopted[], otherChanges, widget, scopes[] }], risks[], warnings[], notChecked[] }`; a scope the plan
 * imports before changing it has `imported: true`. Values known only
 * after apply are the string "unknown" (flags) or `knownAfterApply: true` (entries).
 */
export function renderJson(summary: PlanSummary): string {
  return JSON.stringify(toJsonReport(summary), null, 2) + '\n';
}

export function toJsonReport(summary: PlanSummary): Record<string, unknown> {
  return {
    version: 1,
    summary: summary.totals,
    widget: summary.widget,
    stacks: summary.stacks.map((s) => ({
      stack: s.stack,
      file: s.file,
      ...(s.terraformVersion ? { terraformVersion: s.terraformVersion } : {}),
      unchanged: s.unchanged,
      adopted: s.adopted.map((a) => ({ address: a.address, project: projectJson(a.project) })),
      otherChanges: s.otherChanges,
      widget: s.widget,
      scopes: s.scopes.map(scopeJson),
    })),
    risks: summary.risks,
    warnings: summary.warnings,
    notChecked: summary.notChecked,
  };
}

function scopeJson(s: ScopeAnalysis): Record<string, unknown> {
  return {
    address: s.address,
    project: projectJson(s.project),
    ...(s.previousProject ? { previousProject: projectJson(s.previousProject) } : {}),
    change: s.kind,
    ...(s.imported ? { imported: true } : {}),
    actions: s.actions,
    ...(s.actionReason ? { actionReason: s.actionReason } : {}),
    enabled: { before: s.enabled.before, after: s.enabled.after },
    toggle: s.toggle,
    projects: { added: s.projects.added.map(targetJson), removed: s.projects.removed.map(targetJson), knownAfterApply: s.projects.knownAfterApply },
    groups: { added: s.groups.added.map(targetJson), removed: s.groups.removed.map(targetJson), knownAfterApply: s.groups.knownAfterApply },
    notes: s.notes,
  };
}

function projectJson(p: ProjectLabel): Record<string, unknown> {
  return { path: p.path, id: p.id, knownAfterApply: p.knownAfterApply };
}

function targetJson(t: TargetRef): Record<string, unknown> {
  return { id: t.id, path: t.path, source: t.source, knownAfterApply: t.knownAfterApply };
}
