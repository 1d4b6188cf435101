import type { DriftReport } from '../types';
import { describeFinding } from './describe';
import { markdownCode, markdownText } from '../../util/escape';

const STATUS_MD = { in_sync: '✅ in sync', drifted: '⚠️ drifted', unreadable: '❌ unreadable' } as const;

/** Paths, names and GitLab's words may hold anything: never markup in a note. */
const code = markdownCode;
const cell = markdownText;

/** For an issue or MR note: a summary line, a table of projects that need attention, and the rest folded. */
export function renderMarkdown(report: DriftReport): string {
  const s = report.summary;
  const out: string[] = [
    '## tokenscope drift',
    '',
    `**${s.projects}** projects: **${s.inSync}** in sync, **${s.drifted}** drifted, **${s.unreadable}** unreadable (${s.requests} HTTP requests).`,
  ];
  const attention = report.projects.filter((p) => p.status !== 'in_sync' || p.findings.length > 0);
  if (attention.length > 0) {
    out.push('', '| Project | Stack | Status | Finding | Target | Details |', '|---|---|---|---|---|---|');
    for (const p of attention) {
      if (p.error) out.push(`| ${code(p.project)} | ${cell(p.stack)} | ${STATUS_MD[p.status]} | | | ${cell(p.error)} |`);
      for (const f of p.findings) {
        const details = describeFinding(f) + (f.accepted ? ' (accepted in baseline)' : '');
        out.push(
          `| ${code(p.project)} | ${cell(p.stack)} | ${STATUS_MD[p.status]} | \`${f.kind}\` | ${f.target ? code(f.target) : ''} | ${cell(details)} |`,
        );
      }
    }
  }
  const inSync = report.projects.filter((p) => p.status === 'in_sync' && p.findings.length === 0);
  if (inSync.length > 0) {
    out.push('', `<details><summary>${inSync.length} in sync</summary>`, '');
    for (const p of inSync) out.push(`- ${code(p.project)} (${cell(p.stack)})`);
    out.push('', '</details>');
  }
  return out.join('\n') + '\n';
}
