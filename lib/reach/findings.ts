import { ReachGraph, targetsFrom } from './graph';
import { DEFAULT_MAX_GROUP_PROJECTS, ReachFinding } from './types';

export interface FindingOptions {
  /** A group entry covering more projects than this is `wide_group_entry`. @default 50 */
  readonly maxGroupProjects?: number;
}

const lower = (s: string) => s.toLowerCase();
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const topLevel = (path: string) => lower(path).split('/')[0];
const shown = (list: readonly string[], max = 5) =>
  list.slice(0, max).join(', ') + (list.length > max ? ` and ${list.length - max} more` : '');

/**
 * Everything worth a flag, pure. Order: kind (as `FINDING_KINDS`), then project.
 *
 * Never a finding: an edge through an open project for `cross_group_reach` or
 * `cycle` (an open project already is `open_project`, and it would put every
 * project of the graph in one cycle); a project reaching itself; a project
 * whose allowlist could not be read (it is reported as unreadable instead).
 */
export function findingsOf(g: ReachGraph, opts: FindingOptions = {}): ReachFinding[] {
  return [...openProjects(g), ...wideGroupEntries(g, opts.maxGroupProjects ?? DEFAULT_MAX_GROUP_PROJECTS), ...crossGroupReach(g), ...cycles(g)];
}

/** Allowlist off and not enforced by the instance. */
export function openProjects(g: ReachGraph): ReachFinding[] {
  return g.openTargets.map((k) => ({
    kind: 'open_project' as const,
    project: g.nodes.get(k)?.project ?? k,
    detail: '"Authorized groups and projects" is off and the instance does not enforce the allowlist: ' +
      'the job token of any project reaches it (as far as the job\'s user is a member)',
  }));
}

/** A group entry covering more than `max` projects (GitLab's projects of the group at any depth). */
export function wideGroupEntries(g: ReachGraph, max: number): ReachFinding[] {
  const out: ReachFinding[] = [];
  for (const [target, scope] of [...g.scopes].sort(([a], [b]) => cmp(a, b))) {
    for (const e of scope.entries) {
      if (e.kind !== 'group') continue;
      const n = g.members.get(lower(e.path))?.size ?? 0;
      if (n <= max) continue;
      out.push({
        kind: 'wide_group_entry', project: g.nodes.get(target)?.project ?? scope.project, group: e.path, projects: n,
        detail: `group entry ${e.path} covers ${n} projects (more than --max-group-projects ${max}), and every project created there later`,
      });
    }
  }
  return out;
}

/** A target reached by origins outside its top-level group (open edges excepted). */
export function crossGroupReach(g: ReachGraph): ReachFinding[] {
  const out: ReachFinding[] = [];
  for (const target of [...g.scopes.keys()].sort(cmp)) {
    const top = topLevel(target);
    const outside = new Set<string>();
    for (const e of g.scopes.get(target)?.entries ?? []) {
      // A group's projects share its top-level group: a group inside reaches nothing outside.
      if (topLevel(e.path) === top) continue;
      if (e.kind === 'project') outside.add(lower(e.path));
      else for (const m of g.members.get(lower(e.path)) ?? []) outside.add(m);
    }
    outside.delete(target);
    if (outside.size === 0) continue;
    const origins = [...outside].sort(cmp).map((k) => g.nodes.get(k)?.project ?? k);
    const project = g.nodes.get(target)?.project ?? target;
    out.push({
      kind: 'cross_group_reach', project, origins,
      detail: `reachable from ${origins.length} project${origins.length === 1 ? '' : 's'} outside its top-level group ${project.split('/')[0]}: ${shown(origins)}`,
    });
  }
  return out;
}

/**
 * Sets of projects whose tokens reach each other in a ring (strongly connected
 * components of more than one project, Tarjan's algorithm, iterative so deep
 * graphs do not overflow the stack), each with one ring shown.
 */
export function cycles(g: ReachGraph): ReachFinding[] {
  const succ = (k: string): string[] => [...targetsFrom(g, k, false).keys()];
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  let counter = 0;
  for (const root of g.order) {
    if (index.has(root)) continue;
    const work: Array<{ key: string; next: string[]; i: number }> = [];
    const visit = (k: string) => {
      index.set(k, counter); low.set(k, counter); counter++;
      stack.push(k); onStack.add(k);
      work.push({ key: k, next: succ(k), i: 0 });
    };
    visit(root);
    while (work.length > 0) {
      const top = work[work.length - 1];
      if (top.i < top.next.length) {
        const w = top.next[top.i++];
        if (!index.has(w)) visit(w);
        else if (onStack.has(w)) low.set(top.key, Math.min(low.get(top.key) as number, index.get(w) as number));
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1].key;
        low.set(parent, Math.min(low.get(parent) as number, low.get(top.key) as number));
      }
      if (low.get(top.key) === index.get(top.key)) {
        const comp: string[] = [];
        for (;;) {
          const w = stack.pop() as string;
          onStack.delete(w);
          comp.push(w);
          if (w === top.key) break;
        }
        if (comp.length > 1) components.push(comp.sort(cmp));
      }
    }
  }
  return components
    .sort((a, b) => cmp(a[0], b[0]))
    .map((comp) => {
      const names = comp.map((k) => g.nodes.get(k)?.project ?? k);
      const ring = ringThrough(comp, succ).map((k) => g.nodes.get(k)?.project ?? k);
      return {
        kind: 'cycle' as const, project: names[0], members: names,
        detail: `${names.length} projects reach each other through their allowlists, e.g. ${ring.join(' -> ')}`,
      };
    });
}

/** The shortest ring from the component's first project back to it, inside the component. */
function ringThrough(comp: readonly string[], succ: (k: string) => string[]): string[] {
  const inside = new Set(comp);
  const start = comp[0];
  const prev = new Map<string, string>();
  const queue = [start];
  for (let i = 0; i < queue.length; i++) {
    for (const w of succ(queue[i])) {
      if (!inside.has(w)) continue;
      if (w === start) {
        const ring = [start];
        for (let at = queue[i]; at !== start; at = prev.get(at) as string) ring.push(at);
        ring.push(start);
        return [ring[0], ...ring.slice(1, -1).reverse(), start];
      }
      if (!prev.has(w)) { prev.set(w, queue[i]); queue.push(w); }
    }
  }
  return [start, start];
}
