import { canCreatePipelines } from './pipelines';
import { AllowEntry, GroupCount, GroupMembers, KEPT_OPEN_FEATURES, ReachEdge, ReachInput, ReachNode, ReachOrigin, ReachStep, TargetScope } from './types';

/** The chosen projects and their origins, indexed for the questions below. Keys are lower-cased paths. */
export interface ReachGraph {
  readonly nodes: ReadonlyMap<string, ReachNode>;
  /** Node keys in path order. */
  readonly order: readonly string[];
  /** Readable targets that are not open, with their allowlists. */
  readonly scopes: ReadonlyMap<string, TargetScope>;
  readonly openTargets: readonly string[];
  readonly groups: ReadonlyMap<string, GroupMembers>;
  readonly members: ReadonlyMap<string, ReadonlySet<string>>;
  /** origin -> the targets listing it as a project entry. */
  readonly byProjectEntry: ReadonlyMap<string, ReadonlyArray<{ readonly target: string; readonly entry: AllowEntry }>>;
  /** group -> the targets listing it as a group entry. */
  readonly byGroupEntry: ReadonlyMap<string, ReadonlyArray<{ readonly target: string; readonly entry: AllowEntry }>>;
}

const lower = (s: string) => s.toLowerCase();
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const depth = (path: string) => path.split('/').length;

/** An origin named by an allowlist that is not one of the chosen projects. */
function outsider(project: string, visibility: string | null = null): ReachNode {
  return { project, visibility, limitAccess: null, enforcedByInstance: null, open: null, scanned: false };
}

/** Public and internal projects: the features GitLab keeps reachable whatever the allowlist says. */
function withFeatures(n: ReachNode): ReachNode {
  if (n.visibility !== 'public' && n.visibility !== 'internal') return n;
  return { ...n, openFeatures: [...KEPT_OPEN_FEATURES] };
}

/** Indexes the reader's facts. Origins outside the chosen projects become nodes (`scanned: false`). */
export function buildGraph(input: ReachInput): ReachGraph {
  const nodes = new Map<string, ReachNode>();
  for (const n of input.nodes) if (!nodes.has(lower(n.project))) nodes.set(lower(n.project), withFeatures(n));
  const scopes = new Map<string, TargetScope>();
  const byProjectEntry = new Map<string, Array<{ target: string; entry: AllowEntry }>>();
  const byGroupEntry = new Map<string, Array<{ target: string; entry: AllowEntry }>>();
  const members = new Map<string, Set<string>>();
  for (const [key, g] of input.groups) {
    members.set(key, new Set(g.projects.map(lower)));
    for (const p of g.projects) if (!nodes.has(lower(p))) nodes.set(lower(p), outsider(p));
  }
  for (const s of input.scopes) {
    const target = lower(s.project);
    const node = nodes.get(target);
    if (!node || node.error || node.open) continue;
    scopes.set(target, s);
    for (const entry of s.entries) {
      const key = lower(entry.path);
      const index = entry.kind === 'project' ? byProjectEntry : byGroupEntry;
      const list = index.get(key) ?? [];
      list.push({ target, entry });
      index.set(key, list);
      if (entry.kind === 'project' && !nodes.has(key)) nodes.set(key, outsider(entry.path));
    }
  }
  const order = [...nodes.keys()].sort(cmp);
  const openTargets = order.filter((k) => nodes.get(k)?.open === true && !nodes.get(k)?.error);
  return { nodes, order, scopes, openTargets, groups: input.groups, members, byProjectEntry, byGroupEntry };
}

const label = (g: ReachGraph, key: string) => g.nodes.get(key)?.project ?? key;

function edge(g: ReachGraph, from: string, to: string, entry: AllowEntry | undefined): ReachEdge {
  const base = { from: label(g, from), to: label(g, to) };
  if (!entry) return { ...base, via: 'open' };
  return {
    ...base,
    via: entry.kind,
    ...(entry.kind === 'group' ? { group: entry.path } : {}),
    ...(entry.policies ? { policies: entry.policies } : {}),
  };
}

/**
 * Every origin that `target` accepts, one edge each, labelled with the entry
 * that applies: GitLab uses the nearest entry only (the project entry, else the
 * deepest group entry covering the origin), so an origin listed twice has one
 * edge, with that entry's permissions.
 *
 * Never an edge: a project to itself (it always reaches itself; GitLab refuses
 * it as an entry); anything into a project whose allowlist could not be read,
 * or into an origin outside the chosen projects (its allowlist was not read);
 * a public or internal project's kept-open features (those are marked on the
 * node, apart from the allowlist). An open target accepts every node of the graph.
 */
export function edgesInto(g: ReachGraph, targetPath: string): ReachEdge[] {
  const target = lower(targetPath);
  const chosen = originsInto(g, target);
  return [...chosen.keys()].sort(cmp).map((k) => edge(g, k, target, chosen.get(k)));
}

/** The origins `target` accepts (lower-cased keys) with the entry that applies (undefined: the target is open). No edge objects. */
export function originsInto(g: ReachGraph, target: string): Map<string, AllowEntry | undefined> {
  const chosen = new Map<string, AllowEntry | undefined>();
  const node = g.nodes.get(target);
  if (!node || node.error) return chosen;
  if (node.open) {
    for (const k of g.order) if (k !== target) chosen.set(k, undefined);
    return chosen;
  }
  const scope = g.scopes.get(target);
  if (!scope) return chosen;
  for (const e of scope.entries) if (e.kind === 'project' && lower(e.path) !== target && !chosen.has(lower(e.path))) chosen.set(lower(e.path), e);
  const groupEntries = scope.entries.filter((e) => e.kind === 'group').sort((a, b) => depth(b.path) - depth(a.path) || cmp(lower(a.path), lower(b.path)));
  for (const e of groupEntries) {
    for (const m of g.members.get(lower(e.path)) ?? []) if (m !== target && !chosen.has(m)) chosen.set(m, e);
  }
  return chosen;
}

/** How many origins `target` accepts, without listing them. */
export function countInto(g: ReachGraph, target: string): number {
  const node = g.nodes.get(target);
  if (node?.open && !node.error) return g.order.length - 1;
  return originsInto(g, target).size;
}

/** Every target that accepts `origin`'s job token, one edge each (the same entry rule as `edgesInto`). */
export function edgesFrom(g: ReachGraph, originPath: string): ReachEdge[] {
  const origin = lower(originPath);
  const chosen = targetsFrom(g, origin, true);
  return [...chosen.keys()].sort(cmp).map((k) => edge(g, origin, k, chosen.get(k)));
}

/** The targets accepting `origin` (lower-cased keys) with the entry that applies; open targets only when asked. No edge objects. */
export function targetsFrom(g: ReachGraph, origin: string, withOpen: boolean): Map<string, AllowEntry | undefined> {
  const chosen = new Map<string, AllowEntry | undefined>();
  for (const { target, entry } of g.byProjectEntry.get(origin) ?? []) if (target !== origin && !chosen.has(target)) chosen.set(target, entry);
  const parts = origin.split('/');
  for (let i = parts.length - 1; i >= 1; i--) {
    const group = parts.slice(0, i).join('/');
    const listed = g.byGroupEntry.get(group);
    if (!listed || !g.members.get(group)?.has(origin)) continue;
    for (const { target, entry } of listed) if (target !== origin && !chosen.has(target)) chosen.set(target, entry);
  }
  if (withOpen) for (const t of g.openTargets) if (t !== origin && !chosen.has(t)) chosen.set(t, undefined);
  return chosen;
}

/** All edges, target by target in path order. */
export function allEdges(g: ReachGraph): ReachEdge[] {
  const out: ReachEdge[] = [];
  for (const k of g.order) for (const e of edgesInto(g, k)) out.push(e);
  return out;
}

/**
 * The blast radius of `origin`'s token: every project it reaches, at its
 * shortest depth. Without `transitive`, the direct targets (depth 1). With it,
 * a target reached over an edge that lets the token start its pipelines
 * (`canCreatePipelines`) passes reach on: its jobs' tokens reach its own
 * targets, one level deeper. An upper bound: see `UPPER_BOUND_NOTE`.
 */
export function reachFrom(g: ReachGraph, originPath: string, opts: { transitive?: boolean } = {}): ReachStep[] {
  const origin = lower(originPath);
  const reached = new Map<string, ReachStep>();
  const expanded = new Set<string>([origin]);
  let frontier: Array<{ key: string; chain: string[] }> = [{ key: origin, chain: [label(g, origin)] }];
  for (let d = 1; frontier.length > 0; d++) {
    const next: Array<{ key: string; chain: string[] }> = [];
    for (const { key, chain } of frontier) {
      for (const e of edgesFrom(g, key)) {
        const to = lower(e.to);
        if (to === origin) continue;
        const path = [...chain, e.to];
        if (!reached.has(to)) {
          reached.set(to, {
            project: e.to, depth: d, chain: path, via: e.via,
            ...(e.group ? { group: e.group } : {}), ...(e.policies ? { policies: e.policies } : {}),
          });
        }
        if (opts.transitive && canCreatePipelines(e) && !expanded.has(to)) {
          expanded.add(to);
          next.push({ key: to, chain: path });
        }
      }
    }
    frontier = next;
  }
  return [...reached.values()].sort((a, b) => a.depth - b.depth || cmp(lower(a.project), lower(b.project)));
}

/** Every origin `target` accepts, and per group entry how many projects it covers and how many reach through it. */
export function originsOf(g: ReachGraph, targetPath: string): { origins: ReachOrigin[]; groups: GroupCount[] } {
  const edges = edgesInto(g, targetPath);
  const origins = edges.map((e): ReachOrigin => ({
    project: e.from, via: e.via, ...(e.group ? { group: e.group } : {}), ...(e.policies ? { policies: e.policies } : {}),
  }));
  const through = new Map<string, number>();
  for (const e of edges) if (e.group) through.set(lower(e.group), (through.get(lower(e.group)) ?? 0) + 1);
  const scope = g.scopes.get(lower(targetPath));
  const groups = (scope?.entries ?? []).filter((e) => e.kind === 'group').map((e) => ({
    group: e.path,
    projects: g.members.get(lower(e.path))?.size ?? 0,
    origins: through.get(lower(e.path)) ?? 0,
  })).sort((a, b) => cmp(lower(a.group), lower(b.group)));
  return { origins, groups };
}

/** The node for a path, if the graph has it. */
export function nodeOf(g: ReachGraph, path: string): ReachNode | undefined {
  return g.nodes.get(lower(path));
}
