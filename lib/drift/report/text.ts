import { countsAsDrift } from '../compare';
import type { DriftReport, ProjectReport } from '../types';
import { describeFinding } from './describe';
import { oneLine } from '../../util/escape';

export interface TextOptions {
  readonly color: boolean;
  /** List in-sync projects one per line up to this many projects in the report. @default 100 */
  readonly listInSyncUpTo?: number;
}

const codes = { green: 32, yellow: 33, red: 31, dim: 2, bold: 1 } as const;
type Colour = keyof typeof codes;

/** Whether to colour: a terminal, and NO_COLOR unset or empty (no-color.org). */
export function useColor(isTTY: boolean | undefined, env: Readonly<Record<string, string | undefined>>): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '' && env.FORCE_COLOR !== '0') return true;
  return !!isTTY && env.TERM !== 'dumb';
}

export function renderText(report: DriftReport, opts: TextOptions): string {
  const paint = (c: Colour, s: string) => (opts.color ? `\u001b[${codes[c]}m${s}\u001b[0m` : s);
  const s = report.summary;
  const lines: string[] = [];
  lines.push(
    `${paint('bold', 'tokenscope drift')}: ${s.projects} project${s.projects === 1 ? '' : 's'}, ` +
      `${paint('green', `${s.inSync} in sync`)}, ${paint(s.drifted ? 'yellow' : 'green', `${s.drifted} drifted`)}, ` +
      `${paint(s.unreadable ? 'red' : 'green', `${s.unreadable} unreadable`)} (${s.requests} HTTP request${s.requests === 1 ? '' : 's'})`,
  );
  const listInSync = report.projects.length <= (opts.listInSyncUpTo ?? 100);
  const byStack = new Map<string, ProjectReport[]>();
  for (const p of report.projects) {
    if (p.status === 'in_sync' && !listInSync && !p.findings.length) continue;
    const l = byStack.get(p.stack);
    if (l) l.push(p);
    else byStack.set(p.stack, [p]);
  }
  // GitLab's text (paths, messages) may carry escape sequences or a bare \r: never into a terminal.
  const width = Math.min(48, Math.max(0, ...report.projects.map((p) => oneLine(p.project).length)));
  for (const [stack, projects] of byStack) {
    lines.push('', paint('bold', oneLine(stack)));
    for (const p of projects) {
      const label = p.status === 'in_sync' ? paint('green', 'in sync') : p.status === 'drifted' ? paint('yellow', 'DRIFTED') : paint('red', 'UNREADABLE');
      lines.push(`  ${oneLine(p.project).padEnd(width)}  ${label}`);
      if (p.error) lines.push(`      ${paint('red', 'error')}  ${oneLine(p.error)}`);
      for (const f of p.findings) {
        const drift = countsAsDrift(f);
        const kind = f.accepted ? paint('dim', `${f.kind} (accepted in baseline)`) : drift ? paint(p.status === 'unreadable' ? 'red' : 'yellow', f.kind) : paint('dim', f.kind);
        lines.push(`      ${kind}  ${oneLine(describeFinding(f))}`);
      }
    }
  }
  if (!listInSync && s.inSync > 0) lines.push('', paint('dim', `${s.inSync} projects in sync are not listed (use --format json for every project).`));
  return lines.join('\n') + '\n';
}
