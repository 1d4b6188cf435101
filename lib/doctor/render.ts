import type { DoctorReport } from './types';

const ID_WIDTH = 18;

/** Plain ASCII, one line per check, then the verdict and the fix. */
export function renderText(r: DoctorReport, header: string): string {
  const lines: string[] = [header];
  for (const c of r.checks) {
    lines.push(`[${c.status}] ${c.id.padEnd(ID_WIDTH)} ${c.message}`);
  }
  lines.push('');
  lines.push(`Verdict: ${r.verdict}`);
  const fixes = r.fix ? r.fix.split('\n') : [];
  if (fixes.length === 1) lines.push(`Fix: ${fixes[0]}`);
  else if (fixes.length > 1) {
    lines.push('Fix:');
    for (const f of fixes) lines.push(`  - ${f}`);
  }
  return lines.join('\n') + '\n';
}

export function renderJson(r: DoctorReport): string {
  return JSON.stringify(r, null, 2) + '\n';
}
