import type { GitLabHttp } from '../gitlab/http';
import type { LockFile } from '../lockfile';
import { UnresolvedPolicyScope } from './declared';
import { checkPolicies } from './run';
import { describePermissions, EntryKind, Permissions, permissionsOf } from './types';
import { markdownCode, markdownText } from '../util/escape';

/** One row of the plan review's permissions section. */
export interface PolicyRow {
  readonly project: string;
  readonly kind: EntryKind;
  readonly target: string;
  /** What GitLab holds now; undefined when not compared, or the entry is not on the allowlist yet. */
  readonly live?: Permissions;
  readonly declared: Permissions;
}

/**
 * Fine-grained permissions next to the plan's membership changes. The plan JSON
 * does not carry them (they travel in a `//` comment), so they come from the
 * synth dir; GitLab is asked only when the review may use a token (`--resolve`).
 */
export interface PolicySection {
  /** `compared`: rows are the entries `policies apply` would change. `declared`: rows are the entries declaring policies. */
  readonly mode: 'compared' | 'declared';
  readonly rows: readonly PolicyRow[];
  readonly notes: readonly string[];
}

const describeRef = (r: { path?: string; id?: number }) => r.path ?? String(r.id);

/** Pure: the entries that declare policies, as the synth dir says. */
export function declaredSection(sources: readonly UnresolvedPolicyScope[]): PolicySection {
  const rows: PolicyRow[] = [];
  for (const s of sources) {
    for (const p of s.policies) {
      rows.push({
        project: describeRef(s.project), kind: p.kind, target: p.written,
        declared: permissionsOf(false, p.policies),
      });
    }
  }
  return { mode: 'declared', rows, notes: rows.length > 0 ? ['not compared with GitLab (use --resolve); see tokenscope policies apply'] : [] };
}

/** Declared against live (read-only): what `tokenscope policies apply` will change once this plan is applied. */
export async function comparedSection(
  http: GitLabHttp,
  sources: readonly UnresolvedPolicyScope[],
  lock?: LockFile,
): Promise<PolicySection> {
  const check = await checkPolicies(http, sources, { lock, forWrite: false });
  if (!check.plan) return { mode: 'declared', rows: declaredSection(sources).rows, notes: [...check.problems, ...check.warnings] };
  const rows: PolicyRow[] = check.plan.changes.map((c) => ({ project: c.project, kind: c.kind, target: c.target, live: c.from, declared: c.to }));
  for (const s of check.plan.skipped) {
    if (s.reason !== 'not_on_allowlist' || !s.kind || !s.target) continue;
    const entry = check.declared.find((d) => d.project === s.project)?.entries.find((e) => e.kind === s.kind && e.target === s.target);
    if (entry && !(entry.permissions.defaultPermissions && entry.permissions.policies.length === 0)) {
      rows.push({ project: s.project, kind: s.kind, target: s.target, declared: entry.permissions });
    }
  }
  const notes = [
    ...check.problems,
    ...check.warnings,
    ...check.plan.skipped.filter((s) => s.reason !== 'not_on_allowlist').map((s) => s.message),
  ];
  return { mode: 'compared', rows, notes };
}

export function policySectionMarkdown(section: PolicySection): string {
  if (section.rows.length === 0 && section.notes.length === 0) return '';
  const out = ['#### Job-token permissions', ''];
  const code = markdownCode;
  if (section.rows.length === 0) {
    out.push('No permission changes for `tokenscope policies apply`.');
  } else if (section.mode === 'compared') {
    out.push('Set by `tokenscope policies apply` after this plan is applied:', '');
    out.push('| Project | Entry | GitLab now | Declared |', '|---|---|---|---|');
    for (const r of section.rows) {
      out.push(`| ${code(r.project)} | ${r.kind} ${code(r.target)} | ${r.live ? describePermissions(r.live) : 'not on the allowlist yet'} | ${describePermissions(r.declared)} |`);
    }
  } else {
    out.push('Declared fine-grained permissions:', '');
    out.push('| Project | Entry | Declared |', '|---|---|---|');
    for (const r of section.rows) out.push(`| ${code(r.project)} | ${r.kind} ${code(r.target)} | ${describePermissions(r.declared)} |`);
  }
  if (section.notes.length > 0) {
    out.push('');
    for (const n of section.notes) out.push(`- policies: ${markdownText(n)}`);
  }
  return out.join('\n') + '\n\n';
}

/** The `policies` key of plan-summary's JSON. */
export function policySectionJson(section: PolicySection): Record<string, unknown> {
  return { mode: section.mode, entries: section.rows, notes: section.notes };
}
