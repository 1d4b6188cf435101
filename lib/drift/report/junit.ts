import type { DriftReport, ProjectReport } from '../types';
import { describeFinding } from './describe';
import { xmlText } from '../../util/escape';

/** The shared XML escaping (`lib/util/escape.ts`), under the name this module always exported. */
export const xmlEscape = xmlText;

function detail(p: ProjectReport): string {
  const lines = p.findings.map((f) => {
    const words = describeFinding(f);
    // Words that already name their target (entry findings, lock_mismatch) are not prefixed with it again.
    const target = f.target && !words.includes(f.target) ? ` ${f.target}` : '';
    return `${f.kind}${target}: ${words}${f.accepted ? ' (accepted in baseline)' : ''}`;
  });
  if (p.error) lines.unshift(p.error);
  return lines.join('\n');
}

/**
 * JUnit XML for GitLab's test report widget: one test suite per stack, one test
 * case per project; drift is a failure, an unreadable project an error.
 */
export function renderJunit(report: DriftReport): string {
  const stacks = new Map<string, ProjectReport[]>();
  for (const p of report.projects) {
    const l = stacks.get(p.stack);
    if (l) l.push(p);
    else stacks.set(p.stack, [p]);
  }
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  out.push(
    `<testsuites name="tokenscope drift" tests="${report.summary.projects}" failures="${report.summary.drifted}" errors="${report.summary.unreadable}">`,
  );
  for (const [stack, projects] of stacks) {
    const failures = projects.filter((p) => p.status === 'drifted').length;
    const errors = projects.filter((p) => p.status === 'unreadable').length;
    out.push(`  <testsuite name="${xmlEscape(stack)}" tests="${projects.length}" failures="${failures}" errors="${errors}">`);
    for (const p of projects) {
      const open = `    <testcase classname="${xmlEscape(stack)}" name="${xmlEscape(p.project)}"`;
      if (p.status === 'in_sync' && p.findings.length === 0) {
        out.push(`${open}/>`);
        continue;
      }
      out.push(`${open}>`);
      const text = xmlEscape(detail(p));
      if (p.status === 'drifted') {
        const kinds = [...new Set(p.findings.filter((f) => !f.accepted).map((f) => f.kind))].join(', ');
        out.push(`      <failure type="drift" message="${xmlEscape(`drifted: ${kinds}`)}">${text}</failure>`);
      } else if (p.status === 'unreadable') {
        const kind = p.findings[0]?.kind ?? 'read_error';
        out.push(`      <error type="${xmlEscape(kind)}" message="${xmlEscape(p.findings[0]?.message ?? p.error ?? 'unreadable')}">${text}</error>`);
      } else {
        out.push(`      <system-out>${text}</system-out>`);
      }
      out.push('    </testcase>');
    }
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return out.join('\n') + '\n';
}
