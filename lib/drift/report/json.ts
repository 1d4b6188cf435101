import type { DriftReport } from '../types';

/** The JSON contract of issue 4: `{ summary, projects: [{ project, stack, status, findings }] }`. */
export function renderJson(report: DriftReport): string {
  return JSON.stringify(report, null, 2) + '\n';
}
