import type { PlanJson } from './plan-file';

/** GitLab's merge request Terraform widget report (`artifacts:reports:terraform`). */
export interface WidgetReport {
  readonly create: number;
  readonly update: number;
  readonly delete: number;
}

/**
 * Counts the way gitlab-terraform's jq does
 * (`[.resource_changes[]?.change.actions?] | {create: (map(select(.[] == "create")) | length), ...}`):
 * over every resource change of every type and mode, a replace counts once as
 * create and once as delete, no-op and read not at all.
 */
export function widgetReport(plan: PlanJson): WidgetReport {
  let create = 0;
  let update = 0;
  let del = 0;
  for (const rc of plan.resource_changes) {
    const actions = rc.change.actions;
    // jq's select emits once per matching element; actions never repeat a verb, but count as jq would.
    create += actions.filter((a) => a === 'create').length;
    update += actions.filter((a) => a === 'update').length;
    del += actions.filter((a) => a === 'delete').length;
  }
  return { create, update, delete: del };
}

/**
 * One report for several stacks. GitLab keeps one Terraform report per job, so
 * a job that plans every stack writes the sum.
 */
export function sumWidgetReports(reports: readonly WidgetReport[]): WidgetReport {
  return reports.reduce(
    (acc, r) => ({ create: acc.create + r.create, update: acc.update + r.update, delete: acc.delete + r.delete }),
    { create: 0, update: 0, delete: 0 },
  );
}

export function serializeWidgetReport(report: WidgetReport): string {
  return JSON.stringify({ create: report.create, update: report.update, delete: report.delete }) + '\n';
}
