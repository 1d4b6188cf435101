import type { Addition, ProjectSuggestion, Removal, SuggestReport } from './types';
import { oneLine, terminalText } from '../util/escape';

export const SUGGEST_FORMATS = ['text', 'json'] as const;
export type SuggestFormat = (typeof SUGGEST_FORMATS)[number];

export function renderSuggestJson(report: SuggestReport): string {
  return JSON.stringify(report, null, 2) + '\n';
}

/** The readable report: one block per project with suggestions, one line per project without. */
export function renderSuggestText(report: SuggestReport): string {
  const s = report.summary;
  const lines: string[] = [
    `tokenscope suggest: ${s.projects} project${plural(s.projects)}, ${s.withChanges} with suggestions ` +
      `(${s.additions} to add, ${s.removals} to remove), ${s.unreadable} unreadable; ` +
      `"recent" = since ${report.options.since.slice(0, 10)} (${report.options.unusedDays} days)` +
      `${report.options.logSince ? `, log complete since ${report.options.logSince.slice(0, 10)}` : ''} (${s.requests} HTTP request${plural(s.requests)})`,
  ];
  for (const p of report.projects) {
    const where = [p.stack, p.source ? `${p.source.file}:${p.source.line}` : undefined].filter(Boolean).join(', ');
    const head = `${oneLine(p.project)}${where ? `  (${oneLine(where)})` : ''}`;
    if (p.status === 'no_change' && p.notes.length === 0) {
      lines.push('', `${head}  no change`);
      continue;
    }
    lines.push('', p.status === 'unreadable' ? `${head}  UNREADABLE` : head);
    if (p.error) lines.push(`  error   ${oneLine(p.error)}`);
    for (const r of p.remove) lines.push(`  remove  ${r.kind.padEnd(7)} ${oneLine(r.target)}  ${oneLine(describeRemoval(r))}`);
    for (const a of p.add) lines.push(`  add     ${a.kind.padEnd(7)} ${oneLine(a.target)}  ${oneLine(describeAddition(a))}`);
    for (const n of p.notes) lines.push(`  note    ${oneLine(n)}`);
    if (p.sourceProblem) lines.push(`  patch   ${oneLine(p.sourceProblem)}`);
  }
  // What the log cannot show, once per run.
  if (report.caveats.length > 0) lines.push('', ...report.caveats.map((c) => `note: ${oneLine(c)}`));
  // Paths and GitLab's words on a terminal: no escape sequences, no bare \r.
  return terminalText(lines.join('\n')) + '\n';
}

function describeRemoval(r: Removal): string {
  const auto = r.autopopulated ? 'autopopulated, ' : '';
  if (r.reason === 'covered_by_group') return `${auto}covered by the proposed group ${r.group}`;
  return `${auto}unused: ${r.lastAuthorizedAt ? `last used ${r.lastAuthorizedAt}` : 'never used'}`;
}

function describeAddition(a: Addition): string {
  if (a.reason === 'used_not_allowed') return `used ${a.lastAuthorizedAt}, not allowed: its jobs are refused`;
  const list = (a.origins ?? []).join(', ');
  if (a.reason === 'compact_group') return `instead of ${a.origins?.length ?? 0} of its projects (${list})`;
  return `to stay within GitLab's 200 project entries (covers ${list})`;
}

function plural(n: number): string {
  return n === 1 ? '' : 's';
}

/** Attaches where each scope is declared and why it could not be patched. */
export function withSources(
  projects: readonly ProjectSuggestion[],
  located: ReadonlyMap<string, { source?: ProjectSuggestion['source']; problem?: string }>,
): ProjectSuggestion[] {
  return projects.map((p) => {
    const l = located.get(p.project);
    if (!l) return p;
    return { ...p, ...(l.source ? { source: l.source } : {}), ...(l.problem ? { sourceProblem: l.problem } : {}) };
  });
}
