import type { DoctorReport } from './types';
import { oneLine, terminalText } from '../util/escape';

const ID_WIDTH = 18;

/** Plain ASCII, one line per check, then the verdict and the fix. */
export function renderText(r: DoctorReport, header: string): string {
  const lines: string[] = [header];
  for (const c of r.checks) {
    lines.push(`[${c.status}] ${c.id.padEnd(ID_WIDTH)} ${oneLine(c.message)}`);
  }
  lines.push('');
  lines.push(`Verdict: ${oneLine(r.verdict)}`);
  const fixes = r.fix ? r.fix.split('\n') : [];
  if (fixes.length === 1) lines.push(`Fix: ${fixes[0]}`);
  else if (fixes.length > 1) {
    lines.push('Fix:');
    for (const f of fixes) lines.push(`  - ${f}`);
  }
  // Job names, user names and GitLab's words on a terminal: no escape sequences, no bare \r.
  return terminalText(lines.join('\n')) + '\n';
}

export function renderJson(r: DoctorReport): string {
  return JSON.stringify(r, null, 2) + '\n';
}
