import type { ApplyResult } from './apply';
import type { PolicyCheck } from './run';
import { PolicySkip, isWarning } from './plan';
import { EntryKind, Permissions, describePermissions } from './types';
import { oneLine, terminalText } from '../util/escape';

/** Exit codes of `policies apply`, like `terraform plan -detailed-exitcode`: 0 nothing (left) to do, 1 error, 2 changes pending. */
export const EXIT_OK = 0;
export const EXIT_ERROR = 1;
export const EXIT_PENDING = 2;

export type ChangeResult = 'pending' | 'applied' | 'failed';

export interface ReportedChange {
  readonly stack: string;
  readonly project: string;
  readonly kind: EntryKind;
  readonly target: string;
  readonly from: Permissions;
  readonly to: Permissions;
  readonly result: ChangeResult;
  readonly errors?: readonly string[];
}

export interface ReportedSkip extends PolicySkip {
  readonly severity: 'warning' | 'error';
}

/** `--format json` of `policies apply`; its keys are a public contract. */
export interface PolicyApplyReport {
  readonly gitlab: { readonly url: string; readonly version: string | null };
  /** `--yes` was given: changes were sent. */
  readonly apply: boolean;
  readonly summary: {
    readonly projects: number;
    readonly entries: number;
    readonly unchanged: number;
    readonly changes: number;
    readonly applied: number;
    readonly failed: number;
    readonly skipped: number;
  };
  readonly changes: readonly ReportedChange[];
  readonly skipped: readonly ReportedSkip[];
  readonly problems: readonly string[];
  readonly warnings: readonly string[];
}

export function buildReport(url: string, check: PolicyCheck, results: readonly ApplyResult[] | undefined): PolicyApplyReport {
  const plan = check.plan ?? { changes: [], skipped: [], unchanged: 0 };
  const changes: ReportedChange[] = plan.changes.map((c, i) => {
    const r = results?.[i];
    const base = { stack: c.stack, project: c.project, kind: c.kind, target: c.target, from: c.from, to: c.to };
    if (!r) return { ...base, result: 'pending' };
    return r.ok ? { ...base, result: 'applied' } : { ...base, result: 'failed', errors: r.errors };
  });
  const skipped: ReportedSkip[] = plan.skipped.map((s) => ({ ...s, severity: isWarning(s) ? 'warning' : 'error' }));
  return {
    gitlab: { url, version: check.feature.version ?? null },
    apply: results !== undefined,
    summary: {
      projects: check.declared.filter((s) => s.entries.length > 0).length,
      entries: check.declared.reduce((n, s) => n + s.entries.length, 0),
      unchanged: plan.unchanged,
      changes: changes.length,
      applied: changes.filter((c) => c.result === 'applied').length,
      failed: changes.filter((c) => c.result === 'failed').length,
      skipped: skipped.length,
    },
    changes,
    skipped,
    problems: check.problems,
    warnings: check.warnings,
  };
}

export function exitCodeFor(report: PolicyApplyReport): number {
  if (report.problems.length > 0 || report.summary.failed > 0 || report.skipped.some((s) => s.severity === 'error')) return EXIT_ERROR;
  if (report.changes.some((c) => c.result === 'pending')) return EXIT_PENDING;
  return EXIT_OK;
}

export function renderJson(report: PolicyApplyReport): string {
  return JSON.stringify(report, null, 2) + '\n';
}

const MARK: Record<ChangeResult, string> = { pending: '~', applied: '+', failed: 'x' };

export function renderText(report: PolicyApplyReport): string {
  const lines: string[] = [];
  const s = report.summary;
  lines.push(`tokenscope policies apply: ${s.entries} declared entr${s.entries === 1 ? 'y' : 'ies'} in ${s.projects} project${s.projects === 1 ? '' : 's'}, ` +
    `${report.gitlab.url}${report.gitlab.version ? ` (GitLab ${report.gitlab.version})` : ''}`);
  for (const p of report.problems) lines.push(`error: ${oneLine(p)}`);
  for (const w of report.warnings) lines.push(`warning: ${oneLine(w)}`);

  const byProject = new Map<string, string[]>();
  const section = (project: string) => {
    let l = byProject.get(project);
    if (!l) { l = []; byProject.set(project, l); }
    return l;
  };
  for (const c of report.changes) {
    const line = `  ${MARK[c.result]} ${c.kind} ${oneLine(c.target)}: ${describePermissions(c.from)} -> ${describePermissions(c.to)}` +
      (c.result === 'applied' ? ' (applied)' : c.result === 'failed' ? ` (failed: ${oneLine((c.errors ?? []).join('; '))})` : '');
    section(c.project).push(line);
  }
  for (const k of report.skipped) {
    section(k.project).push(`  ! ${k.severity}: ${oneLine(k.message)}`);
  }
  for (const [project, l] of byProject) {
    lines.push('', oneLine(project), ...l);
  }
  lines.push('');
  lines.push(summaryLine(report));
  // Paths and GitLab's words on a terminal: no escape sequences, no bare \r.
  return terminalText(lines.join('\n')) + '\n';
}

function summaryLine(report: PolicyApplyReport): string {
  const s = report.summary;
  const n = (k: number, word: string) => `${k} ${word}${k === 1 ? '' : 's'}`;
  if (!report.apply) {
    if (s.changes === 0) return `Nothing to change (${s.unchanged} unchanged).`;
    return `${n(s.changes, 'change')} (${s.unchanged} unchanged); re-run with --yes to apply`;
  }
  if (s.changes === 0) return `Nothing to change (${s.unchanged} unchanged).`;
  return `Applied ${s.applied} of ${n(s.changes, 'change')}${s.failed > 0 ? `, ${s.failed} failed` : ''} (${s.unchanged} unchanged).`;
}
