import { MAX_GROUP_ENTRIES, MAX_PROJECT_ENTRIES } from '../model/limits';
import { byPath as byPathOrder } from '../source/literals';
import { Addition, DeclaredEntry, ProjectSuggestion, Removal, SuggestInput, SuggestOptions } from './types';

const DAY_MS = 86_400_000;

export const EMPTY_LOG_NOTE =
  'the authentication log is empty: GitLab has recorded no job token from another project here (it records from 17.6 on, ' +
  'up to 5 minutes late), which does not show that the entries are unused; none is proposed for removal';

/**
 * Why the log cannot show an entry unused: it reaches back less than the
 * window (the project is younger, or `--log-since` says logging began later).
 */
export function tooYoungNote(logStart: Date, why: 'created' | 'log-since', opts: Pick<SuggestOptions, 'now' | 'unusedDays'>): string {
  const days = Math.max(0, Math.floor((opts.now.getTime() - logStart.getTime()) / DAY_MS));
  const judgeable = new Date(logStart.getTime() + opts.unusedDays * DAY_MS).toISOString().slice(0, 10);
  const start = logStart.toISOString().slice(0, 10);
  const reason = why === 'created' ? `the project was created on ${start}` : `--log-since ${start}`;
  return `the authentication log reaches back only ${days} day${days === 1 ? '' : 's'} (${reason}), less than the ` +
    `${opts.unusedDays}-day window: too young to judge which entries are unused; none is proposed for removal ` +
    `(run again from ${judgeable} on, or lower --unused-days)`;
}

/** The latest of the project's creation and `--log-since`: no use before it can be in the log. */
export function logStartOf(input: Pick<SuggestInput, 'projectCreatedAt'>, opts: Pick<SuggestOptions, 'logSince'>): { at: Date; why: 'created' | 'log-since' } | undefined {
  const created = input.projectCreatedAt !== undefined ? Date.parse(input.projectCreatedAt) : NaN;
  const since = opts.logSince?.getTime() ?? NaN;
  if (Number.isFinite(created) && (!Number.isFinite(since) || created >= since)) return { at: new Date(created), why: 'created' };
  if (Number.isFinite(since)) return { at: new Date(since), why: 'log-since' };
  return undefined;
}

/** The instant before which a use no longer counts as recent. */
export function windowStart(opts: Pick<SuggestOptions, 'now' | 'unusedDays'>): Date {
  return new Date(opts.now.getTime() - opts.unusedDays * DAY_MS);
}

/** The namespace a project lives in: `acme/web/shop` -> `acme/web`; undefined for a path without one. */
export function parentOf(path: string): string | undefined {
  const i = path.lastIndexOf('/');
  return i > 0 ? path.slice(0, i) : undefined;
}

/** True when `path` is `group` or lies under it, at any depth (how GitLab's group entries work). */
export function isUnder(path: string, group: string): boolean {
  const p = path.toLowerCase();
  const g = group.toLowerCase();
  return p === g || p.startsWith(g + '/');
}

/**
 * Compares one project's allowlist with its authentication log and proposes
 * the least-privilege list: allow what jobs used recently, remove what nobody
 * used within the window (autopopulated entries first), allow a group instead
 * of more than `compactThreshold` of its projects, and stay within GitLab's
 * 200 + 200 limits. Pure: no I/O, no clock.
 */
export function suggestForProject(input: SuggestInput, opts: SuggestOptions): ProjectSuggestion {
  const since = windowStart(opts).getTime();
  const maxProjects = opts.maxProjectEntries ?? MAX_PROJECT_ENTRIES;
  const maxGroups = opts.maxGroupEntries ?? MAX_GROUP_ENTRIES;
  const self = input.project.toLowerCase();

  // Latest use per origin, ever and within the window.
  const lastUse = new Map<string, { origin: string; at: string; ms: number }>();
  for (const row of input.authLog) {
    const ms = Date.parse(row.lastAuthorizedAt);
    if (!Number.isFinite(ms) || row.origin.toLowerCase() === self) continue;
    const key = row.origin.toLowerCase();
    const prev = lastUse.get(key);
    if (!prev || prev.ms < ms) lastUse.set(key, { origin: row.origin, at: row.lastAuthorizedAt, ms });
  }
  const recent = [...lastUse.values()].filter((u) => u.ms >= since);

  const projectEntries = input.projects.filter((e): e is DeclaredEntry & { path: string } => e.path !== undefined && e.path.toLowerCase() !== self);
  const groupEntries = input.groups.filter((e): e is DeclaredEntry & { path: string } => e.path !== undefined);
  const notes: string[] = [];
  const unnamed = input.projects.length + input.groups.length - projectEntries.length - groupEntries.length
    - input.projects.filter((e) => e.path?.toLowerCase() === self).length;
  if (unnamed > 0) notes.push(`${unnamed} entr${unnamed === 1 ? 'y is a numeric id' : 'ies are numeric ids'} with no known path; left as ${unnamed === 1 ? 'it is' : 'they are'}`);

  const allowedByProject = (origin: string) => projectEntries.some((e) => e.path.toLowerCase() === origin.toLowerCase());
  const allowedByGroup = (origin: string) => groupEntries.some((g) => isUnder(origin, g.path));
  const usedRecently = (path: string) => (lastUse.get(path.toLowerCase())?.ms ?? -Infinity) >= since;
  const latestUnder = (group: string) => maxBy(recent.filter((u) => isUnder(u.origin, group)));

  const missing = recent.filter((u) => !allowedByProject(u.origin) && !allowedByGroup(u.origin));
  const add: Addition[] = [];
  const remove: Removal[] = [];
  const removed = new Set<string>();

  // Compaction: a group instead of many of its projects, counting the projects already allowed one by one.
  const byParent = new Map<string, string[]>();
  for (const u of missing) {
    const parent = parentOf(u.origin);
    if (parent) byParent.set(parent.toLowerCase(), [...(byParent.get(parent.toLowerCase()) ?? []), u.origin]);
  }
  const compacted = new Set<string>();
  for (const [, origins] of [...byParent.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const group = parentOf(origins[0]) as string;
    const alreadyListed = projectEntries.filter((e) => parentOf(e.path)?.toLowerCase() === group.toLowerCase() && usedRecently(e.path));
    const count = origins.length + alreadyListed.length;
    if (count <= opts.compactThreshold) continue;
    const covered = [...origins, ...alreadyListed.map((e) => e.path)].sort(byPathOrder);
    add.push({ kind: 'group', target: group, reason: 'compact_group', lastAuthorizedAt: latestUnder(group)?.at, origins: covered });
    for (const o of origins) compacted.add(o.toLowerCase());
    for (const e of projectEntries) {
      if (isUnder(e.path, group) && !removed.has(`p:${e.path.toLowerCase()}`)) {
        removed.add(`p:${e.path.toLowerCase()}`);
        remove.push({ kind: 'project', target: e.path, reason: 'covered_by_group', autopopulated: e.autopopulated, lastAuthorizedAt: lastUse.get(e.path.toLowerCase())?.at ?? null, group });
      }
    }
  }
  for (const u of missing) {
    if (!compacted.has(u.origin.toLowerCase())) add.push({ kind: 'project', target: u.origin, reason: 'used_not_allowed', lastAuthorizedAt: u.at });
  }

  // Least privilege: entries nobody used within the window. An empty log shows no use at all, which is no
  // evidence that an entry is unused (nothing recorded yet, or logging only just began): nothing is removed then.
  // Nor from a log younger than the window: an entry used only before it began would look unused.
  const emptyLog = input.authLog.length === 0;
  const logStart = logStartOf(input, opts);
  const tooYoung = !emptyLog && logStart !== undefined && logStart.at.getTime() > since;
  const hasEntries = projectEntries.length + groupEntries.length > 0;
  if (emptyLog && hasEntries) notes.push(EMPTY_LOG_NOTE);
  if (tooYoung && hasEntries && logStart) notes.push(tooYoungNote(logStart.at, logStart.why, opts));
  const judgeUnused = !emptyLog && !tooYoung;
  for (const e of judgeUnused ? projectEntries : []) {
    const key = `p:${e.path.toLowerCase()}`;
    if (removed.has(key) || usedRecently(e.path)) continue;
    removed.add(key);
    remove.push({ kind: 'project', target: e.path, reason: 'unused', autopopulated: e.autopopulated, lastAuthorizedAt: lastUse.get(e.path.toLowerCase())?.at ?? null });
  }
  for (const g of judgeUnused ? groupEntries : []) {
    if (latestUnder(g.path)) continue;
    const ever = maxBy([...lastUse.values()].filter((u) => isUnder(u.origin, g.path)));
    removed.add(`g:${g.path.toLowerCase()}`);
    remove.push({ kind: 'group', target: g.path, reason: 'unused', autopopulated: g.autopopulated, lastAuthorizedAt: ever?.at ?? null });
  }

  fitProjectLimit(projectEntries, removed, add, remove, lastUse, maxProjects, notes);

  const finalGroups = groupEntries.filter((g) => !removed.has(`g:${g.path.toLowerCase()}`)).length + add.filter((a) => a.kind === 'group').length;
  if (finalGroups > maxGroups) {
    notes.push(`the proposed list has ${finalGroups} group entries, over GitLab's limit of ${maxGroups}; allow parent groups instead of some of them`);
  }

  remove.sort((a, b) => Number(b.autopopulated) - Number(a.autopopulated) || kindOrder(a.kind) - kindOrder(b.kind) || byPathOrder(a.target, b.target));
  add.sort((a, b) => kindOrder(a.kind) - kindOrder(b.kind) || byPathOrder(a.target, b.target));
  return {
    project: input.project,
    ...(input.stack !== undefined ? { stack: input.stack } : {}),
    status: add.length > 0 || remove.length > 0 ? 'changes' : 'no_change',
    add,
    remove,
    deletedOrigins: 0,
    notes,
  };
}

/**
 * Over 200 project entries after the proposal: allow the namespace with the most
 * entries instead of them, again and again, as GitLab's own autopopulation does.
 */
function fitProjectLimit(
  declared: ReadonlyArray<DeclaredEntry & { path: string }>,
  removed: Set<string>,
  add: Addition[],
  remove: Removal[],
  lastUse: ReadonlyMap<string, { at: string }>,
  max: number,
  notes: string[],
): void {
  const current = () => [
    ...declared.filter((e) => !removed.has(`p:${e.path.toLowerCase()}`)).map((e) => ({ path: e.path, declared: e })),
    ...add.filter((a) => a.kind === 'project').map((a) => ({ path: a.target, declared: undefined as (DeclaredEntry & { path: string }) | undefined })),
  ];
  let list = current();
  while (list.length > max) {
    const counts = new Map<string, { group: string; n: number }>();
    for (const e of list) {
      const parent = parentOf(e.path);
      if (!parent) continue;
      const c = counts.get(parent.toLowerCase()) ?? { group: parent, n: 0 };
      c.n++;
      counts.set(parent.toLowerCase(), c);
    }
    const best = [...counts.values()].sort((a, b) => b.n - a.n || byPathOrder(a.group, b.group))[0];
    if (!best || best.n < 2) break;
    const origins = list.filter((e) => parentOf(e.path)?.toLowerCase() === best.group.toLowerCase()).map((e) => e.path).sort(byPathOrder);
    for (const e of list) {
      if (parentOf(e.path)?.toLowerCase() !== best.group.toLowerCase()) continue;
      if (e.declared) {
        removed.add(`p:${e.path.toLowerCase()}`);
        remove.push({ kind: 'project', target: e.path, reason: 'covered_by_group', autopopulated: e.declared.autopopulated, lastAuthorizedAt: lastUse.get(e.path.toLowerCase())?.at ?? null, group: best.group });
      } else {
        add.splice(add.findIndex((a) => a.kind === 'project' && a.target === e.path), 1);
      }
    }
    add.push({ kind: 'group', target: best.group, reason: 'fit_limit', origins });
    list = current();
  }
  if (list.length > max) {
    notes.push(`the proposed list has ${list.length} project entries, over GitLab's limit of ${max}; allow groups instead of some of them`);
  }
}

function maxBy<T extends { ms: number }>(list: readonly T[]): T | undefined {
  let best: T | undefined;
  for (const x of list) if (!best || x.ms > best.ms) best = x;
  return best;
}

function kindOrder(k: 'project' | 'group'): number {
  return k === 'group' ? 0 : 1;
}
