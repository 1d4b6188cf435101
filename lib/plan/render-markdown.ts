import type { ScopeAnalysis, TargetRef } from './analysis';
import { targetLabel } from './analysis';
import type { PlanSummary, StackSummary } from './summary';
import { markdownCode, markdownText } from '../util/escape';

export interface MarkdownOptions {
  /** A line under the summary, e.g. the pipeline and commit the plan came from. */
  readonly footer?: string;
  /** Entries listed in a table cell before the rest move to the details. */
  readonly maxCellEntries?: number;
}

const CHANGE_WORD: Record<ScopeAnalysis['kind'], string> = {
  create: 'created', destroy: 'destroyed', update: 'updated', replace: 'replaced', forget: 'forgotten',
};

/** Markdown for a merge request note: a summary line, risks, a table per stack, details folded away. */
export function renderMarkdown(summary: PlanSummary, opts: MarkdownOptions = {}): string {
  const max = opts.maxCellEntries ?? 5;
  const out: string[] = ['### tokenscope plan review', '', `**${summaryLine(summary)}**`, ''];
  if (opts.footer) out.push(opts.footer, '');
  if (summary.risks.length > 0) {
    out.push(`#### :warning: Risks (${summary.risks.length})`, '');
    for (const r of summary.risks) out.push(`- ${escapeText(r.message)}`);
    out.push('');
  }
  if (summary.notChecked.length > 0) {
    out.push(`#### :x: Not checked (${summary.notChecked.length})`, '');
    for (const w of summary.notChecked) out.push(`- ${escapeText(w)}`);
    out.push('');
  }
  if (summary.warnings.length > 0) {
    out.push('#### Warnings', '');
    for (const w of summary.warnings) out.push(`- ${escapeText(w)}`);
    out.push('');
  }
  for (const stack of summary.stacks) out.push(...stackSection(stack, max));
  const detailed = summary.stacks.flatMap((s) => s.scopes);
  if (detailed.length > 0) {
    out.push(`<details><summary>Details (${detailed.length} ${detailed.length === 1 ? 'scope' : 'scopes'})</summary>`, '');
    for (const s of detailed) out.push(...scopeDetails(s));
    out.push('</details>', '');
  }
  return out.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd() + '\n';
}

export function summaryLine(summary: PlanSummary): string {
  const t = summary.totals;
  const stacks = `${t.stacks} ${t.stacks === 1 ? 'stack' : 'stacks'}`;
  const imported = t.imported > 0 ? `; ${t.imported} imported` : '';
  if (t.scopesChanged === 0) {
    return `No job-token scope changes in ${stacks} (${t.unchanged} ${t.unchanged === 1 ? 'scope' : 'scopes'} unchanged${imported}).`;
  }
  const kinds = ([['created', t.created], ['destroyed', t.destroyed], ['updated', t.updated], ['replaced', t.replaced], ['forgotten', t.forgotten]] as const)
    .filter(([, n]) => n > 0).map(([w, n]) => `${n} ${w}`).join(', ');
  const unchecked = summary.notChecked.length > 0 ? ' Not every risk could be checked (see "Not checked").' : '';
  const risk = (t.risks > 0 ? ` ${t.risks} ${t.risks === 1 ? 'risk' : 'risks'}.` : unchecked ? '' : ' No risks found.') + unchecked;
  return `${stacks}: ${t.scopesChanged} job-token ${t.scopesChanged === 1 ? 'scope changes' : 'scopes change'} (${kinds}); ` +
    `${t.entriesAdded} ${t.entriesAdded === 1 ? 'entry' : 'entries'} added, ${t.entriesRemoved} removed${imported}.${risk}`;
}

function stackSection(stack: StackSummary, max: number): string[] {
  const out = [`#### Stack ${code(stack.stack)}`, ''];
  if (stack.scopes.length === 0) {
    out.push(`No job-token scope changes (${stack.unchanged} unchanged).`);
  } else {
    out.push('| Project | Change | Allowlist | Added | Removed |', '|---|---|---|---|---|');
    for (const s of stack.scopes) {
      out.push(`| ${projectCell(s)} | ${s.imported ? 'imported, ' : ''}${CHANGE_WORD[s.kind]} | ${allowlistCell(s)} | ${entriesCell(s, 'added', max)} | ${entriesCell(s, 'removed', max)} |`);
    }
    if (stack.unchanged > 0) out.push('', `${stack.unchanged} ${stack.unchanged === 1 ? 'scope' : 'scopes'} unchanged.`);
  }
  if (stack.adopted.length > 0) {
    // Nothing changes in GitLab, but from this apply on Terraform is authoritative for these projects.
    out.push('', `Imported as GitLab holds ${stack.adopted.length === 1 ? 'it' : 'them'} (no change; Terraform manages ${stack.adopted.length === 1 ? 'it' : 'them'} from now on): ` +
      `${stack.adopted.map((a) => (a.project.path ? code(a.project.path) : escapeText(a.project.label))).join(', ')}.`);
  }
  if (stack.otherChanges > 0) {
    out.push('', `${stack.otherChanges} other resource ${stack.otherChanges === 1 ? 'change' : 'changes'} (not job-token scopes; counted in the Terraform widget).`);
  }
  out.push('');
  return out;
}

function projectCell(s: ScopeAnalysis): string {
  const label = s.project.path ? code(s.project.path) : escapeText(s.project.label);
  return s.previousProject ? `${label} (was ${code(s.previousProject.label)})` : label;
}

function allowlistCell(s: ScopeAnalysis): string {
  const word = (v: boolean | null | 'unknown') => (v === 'unknown' ? '*(known after apply)*' : v === null ? '?' : v ? 'on' : 'off');
  switch (s.kind) {
    // The provider's Delete empties the lists and turns the allowlist on.
    case 'destroy': return `${word(s.enabled.before)} → **on, empty**`;
    case 'forget': return 'unmanaged';
    case 'create': return `**${word(s.enabled.after)}**`;
    default:
      if (s.toggle === 'on' || s.toggle === 'off') return `${word(s.enabled.before)} → **${s.toggle}**`;
      return word(s.enabled.after);
  }
}

function entriesCell(s: ScopeAnalysis, pick: 'added' | 'removed', max: number): string {
  const all = [...s.projects[pick], ...s.groups[pick]];
  if (all.length === 0) {
    const unknown = pick === 'removed' && s.kind !== 'create' && (s.projects.knownAfterApply || s.groups.knownAfterApply);
    return unknown ? '*(known after apply)*' : '–';
  }
  const shown = all.slice(0, max).map(targetCell);
  if (all.length > max) shown.push(`and ${all.length - max} more (see details)`);
  return shown.join('<br>');
}

function targetCell(t: TargetRef): string {
  if (t.knownAfterApply) return `*(${t.kind} known after apply)*`;
  const prefix = t.kind === 'group' ? 'group ' : '';
  return t.path ? `${prefix}${code(t.path)}` : `${t.kind} id ${code(String(t.id))}`;
}

function scopeDetails(s: ScopeAnalysis): string[] {
  const out = [`**${escapeText(s.project.label)}** (${code(s.address)}, stack ${code(s.stack)}, actions ${code(s.actions.join(', '))})`, ''];
  for (const [kind, e] of [['project', s.projects], ['group', s.groups]] as const) {
    for (const pick of ['added', 'removed'] as const) {
      if (e[pick].length === 0) continue;
      out.push(`- ${kind} entries ${pick}: ${e[pick].map(detailTarget).join(', ')}`);
    }
  }
  for (const n of s.notes) out.push(`- ${escapeText(n)}`);
  out.push('');
  return out;
}

function detailTarget(t: TargetRef): string {
  if (t.knownAfterApply) return '*(known after apply)*';
  if (!t.path) return `${code(targetLabel(t))} (not resolved)`;
  const from = t.source === 'plan' ? 'the plan' : t.source === 'lock' ? 'the lock file' : 'GitLab';
  return `${code(t.path)} (id ${t.id}, from ${from})`;
}

/** Paths and names as code spans; messages (which quote GitLab and plan files) as escaped text: never markup in a note. */
const code = markdownCode;
const escapeText = markdownText;
