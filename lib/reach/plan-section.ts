import type { GitLabHttp } from '../gitlab/http';
import { FatalReadError } from '../live/engine';
import { readGroupProjects } from '../live/group-projects';
import type { LockFile } from '../lockfile';
import type { AccessState, ScopeAnalysis, TargetRef } from '../plan/analysis';
import { localMembers, mergeGroups } from './group-sources';
import { DEFAULT_MAX_GROUP_PROJECTS, GroupMembers } from './types';

/** How many origin projects reach a project on one side of the change: a count, `any` (allowlist off), or unknown. */
export type OriginCount = number | 'any' | null;

/** One changed project of plan-summary's "reach" section. */
export interface ReachRow {
  readonly project: string;
  readonly before: OriginCount;
  readonly after: OriginCount;
  /** Origin projects that can reach it after the change and could not before (groups expanded). */
  readonly added: number;
  readonly removed: number;
  /** The groups of its entries after the change, with how many projects each covers. */
  readonly groups: ReadonlyArray<{ readonly group: string; readonly projects: number }>;
  readonly notes: readonly string[];
}

export interface ReachPlanSection {
  /** Where group members came from: GitLab, or the lock file (only the projects it names). */
  readonly source: 'gitlab' | 'lock';
  readonly rows: readonly ReachRow[];
  /** One entry widening reach by more than `maxGroupProjects` projects. */
  readonly risks: readonly string[];
  readonly warnings: readonly string[];
}

const label = (t: TargetRef) => t.path ?? `${t.kind} id ${t.id}`;

/** The group members the section needs: through GitLab when a client is given (batched), else the lock file's projects. */
export async function groupMembersForPlan(
  scopes: readonly ScopeAnalysis[], opts: { lock?: LockFile; http?: GitLabHttp },
): Promise<{ members: Map<string, GroupMembers>; source: 'gitlab' | 'lock'; warnings: string[] }> {
  const groups = [...new Map(scopes.flatMap((s) => [...s.before.groups, ...s.after.groups])
    .filter((g) => g.path).map((g) => [(g.path as string).toLowerCase(), g.path as string])).values()];
  const warnings: string[] = [];
  if (opts.http && groups.length > 0) {
    try {
      const found = await readGroupProjects(opts.http, groups, { includeSubgroups: true });
      return { members: mergeGroups(new Map(), groups, found, warnings), source: 'gitlab', warnings };
    } catch (e) {
      if (!(e instanceof FatalReadError)) throw e;
      warnings.push(`reach: group members not read over GitLab (${e.message}); counted from the lock file`);
    }
  }
  return { members: localMembers(groups, Object.keys(opts.lock?.projects ?? {}), 'lock'), source: 'lock', warnings };
}

/**
 * Pure: for every changed scope, how many origin projects can reach the
 * project before and after (project entries plus the projects of group
 * entries, the project itself never counted), and a risk when one entry
 * widens reach by more than `maxGroupProjects` projects. A side whose
 * allowlist is off is `any`; a side the plan cannot tell (no managed scope
 * before a create, lists known only after apply) is unknown. A destroyed
 * scope ends with the allowlist on and empty (the provider's Delete).
 */
export function reachPlanSection(
  scopes: readonly ScopeAnalysis[],
  members: ReadonlyMap<string, GroupMembers>,
  opts: { source: 'gitlab' | 'lock'; maxGroupProjects?: number; warnings?: readonly string[] },
): ReachPlanSection {
  const max = opts.maxGroupProjects ?? DEFAULT_MAX_GROUP_PROJECTS;
  const rows: ReachRow[] = [];
  const risks: string[] = [];
  for (const s of scopes) {
    if (s.kind === 'forget') continue;
    const self = (s.project.path ?? s.project.label).toLowerCase();
    const originsOf = (state: AccessState, side: 'before' | 'after'): Set<string> | 'any' | null => {
      if (state.listsKnownAfterApply || state.enabled === 'unknown') return null;
      if (state.enabled === null) return side === 'after' && s.kind === 'destroy' ? new Set() : null;
      if (state.enabled === false) return 'any';
      const set = new Set<string>();
      for (const p of state.projects) if (!p.knownAfterApply) set.add(label(p).toLowerCase());
      for (const g of state.groups) for (const m of (g.path ? members.get(g.path.toLowerCase())?.projects : undefined) ?? []) set.add(m.toLowerCase());
      set.delete(self);
      return set;
    };
    const before = originsOf(s.before, 'before');
    const after = originsOf(s.after, 'after');
    const count = (o: typeof before): OriginCount => (o === null || o === 'any' ? o : o.size);
    const sets = before instanceof Set && after instanceof Set;
    const added = sets ? [...(after as Set<string>)].filter((k) => !(before as Set<string>).has(k)).length : 0;
    const removed = sets ? [...(before as Set<string>)].filter((k) => !(after as Set<string>).has(k)).length : 0;
    const notes: string[] = [];
    const unnamed = s.after.groups.filter((g) => !g.path && !g.knownAfterApply).map(label);
    if (unnamed.length > 0) notes.push(`${unnamed.join(', ')} not named: its projects are not counted`);
    const name = s.project.path ?? s.project.label;
    for (const g of s.groups.added) {
      if (!g.path) continue;
      const m = members.get(g.path.toLowerCase());
      const wider = (m?.projects ?? []).filter((p) => p.toLowerCase() !== self && !(before instanceof Set && before.has(p.toLowerCase()))).length;
      if (wider > max) {
        risks.push(`group entry ${g.path} on ${name} lets ${wider} more projects reach it (more than --max-group-projects ${max}), and every project created under ${g.path} later`);
      }
    }
    rows.push({
      project: name, before: count(before), after: count(after), added, removed, notes,
      groups: s.after.groups.filter((g) => g.path).map((g) => ({ group: g.path as string, projects: members.get((g.path as string).toLowerCase())?.projects.length ?? 0 })),
    });
  }
  return { source: opts.source, rows, risks, warnings: [...(opts.warnings ?? [])] };
}

const shown = (c: OriginCount) => (c === null ? '?' : c === 'any' ? 'any project' : String(c));
const code = (s: string) => '`' + s.replace(/[`|\r\n]/g, ' ') + '`';

/** The Markdown section: a row per changed project, risk notes, where group members came from. */
export function reachPlanMarkdown(section: ReachPlanSection): string {
  if (section.rows.length === 0) return '';
  const out = ['#### Reach', '', 'Origin projects whose job tokens can reach each changed project (groups expanded to their projects):', ''];
  out.push('| Project | Before | After | Change | Group entries after |', '|---|---|---|---|---|');
  for (const r of section.rows) {
    const change = typeof r.before === 'number' && typeof r.after === 'number'
      ? (r.added === 0 && r.removed === 0 ? 'none' : `+${r.added} / −${r.removed}`)
      : r.before === r.after ? 'none' : `${shown(r.before)} → ${shown(r.after)}`;
    const groups = r.groups.map((g) => `${code(g.group)} (${g.projects})`).join('<br>') || '–';
    out.push(`| ${code(r.project)} | ${shown(r.before)} | ${shown(r.after)} | ${change} | ${groups} |`);
  }
  out.push('');
  for (const risk of section.risks) out.push(`- :warning: ${risk.replace(/[|<>]/g, ' ')}`);
  for (const r of section.rows) for (const n of r.notes) out.push(`- ${code(r.project)}: ${n.replace(/[|<>]/g, ' ')}`);
  for (const w of section.warnings) out.push(`- ${w.replace(/[|<>]/g, ' ')}`);
  out.push(`- group members from ${section.source === 'gitlab' ? 'GitLab' : 'the lock file (only the projects it names; --expand-groups reads GitLab)'}; "any project": the allowlist is off, unless the instance enforces it`);
  return out.join('\n') + '\n\n';
}

/** The `reach` key of plan-summary's JSON. */
export function reachPlanJson(section: ReachPlanSection): Record<string, unknown> {
  return { source: section.source, projects: section.rows, risks: section.risks, warnings: section.warnings };
}
