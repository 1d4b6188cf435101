import type { ReachGraph } from '../graph';
import { edgesOf, ReachReport } from '../report';
import { ANY_ID, ANY_LABEL, DisplayEdge, DisplayGraph, displayGraph, policyLabel, projectId } from './display';
import { mermaidText } from './escape';

/** How much a Mermaid picture shows. */
export type MermaidDetail = 'projects' | 'groups' | 'namespaces';

export interface MermaidOptions {
  /** Default: the most detailed level that stays readable (see `chooseDetail`). */
  readonly detail?: MermaidDetail;
}

/** Up to this many projects, every origin is drawn (group entries expanded). */
export const MAX_EXPANDED_NODES = 50;
/** Mermaid's default `maxEdges` (it refuses a diagram with this many); past it a picture would not render in GitLab either. */
export const MAX_EDGES = 500;

/**
 * Readable past 50 nodes: up to 50 projects every edge is drawn; past that a
 * group entry is one edge from its group; when even that passes Mermaid's 500
 * edges, projects are gathered into their namespaces, edges counted.
 */
export function chooseDetail(g: ReachGraph, edgeCount: number, display: DisplayGraph): MermaidDetail {
  if (g.order.length <= MAX_EXPANDED_NODES && edgeCount < MAX_EDGES) return 'projects';
  if (display.edges.length < MAX_EDGES && display.nodes.length <= 4 * MAX_EXPANDED_NODES) return 'groups';
  return 'namespaces';
}

const ids = () => {
  const map = new Map<string, string>();
  return (key: string) => { let id = map.get(key); if (!id) { id = `n${map.size}`; map.set(key, id); } return id; };
};

const ARROW: Record<DisplayEdge['via'], string> = { project: '-->', group: '-.->', open: '==>' };

function edgeLine(id: (k: string) => string, from: string, to: string, via: DisplayEdge['via'], text: string): string {
  return `  ${id(from)} ${ARROW[via]}|"${mermaidText(text)}"| ${id(to)}`;
}

/** A `flowchart LR` for a Markdown ```mermaid block (GitLab renders it in notes, issues and wikis). */
export function renderMermaid(report: ReachReport, g: ReachGraph, opts: MermaidOptions = {}): string {
  const display = displayGraph(g);
  const detail = opts.detail ?? chooseDetail(g, report.summary.edges, display);
  const id = ids();
  const lines = ['flowchart LR', `  %% tokenscope reach: ${report.summary.projects} projects, ${report.summary.edges} edges, detail: ${detail}`];
  const classes: Record<string, string[]> = { open: [], shared: [], unread: [], group: [] };
  const projectNode = (key: string) => {
    const n = g.nodes.get(key);
    lines.push(`  ${id(projectId(key))}["${mermaidText(n?.project ?? key)}"]`);
    if (n?.open) classes.open.push(id(projectId(key)));
    else if (n?.openFeatures) classes.shared.push(id(projectId(key)));
    if (n?.error) classes.unread.push(id(projectId(key)));
  };
  if (detail === 'namespaces') {
    lines.push(...namespaceLines(display, id, classes));
  } else {
    for (const k of g.order) projectNode(k);
    if (detail === 'projects') {
      if (g.openTargets.length > 0) lines.push(`  ${id(ANY_ID)}(["${mermaidText(ANY_LABEL)}"])`);
      for (const e of edgesOf(g)) {
        if (e.via === 'open') continue;
        const text = e.via === 'group' ? `group ${e.group}` : 'project';
        const p = policyLabel(e.policies);
        lines.push(edgeLine(id, projectId(e.from.toLowerCase()), projectId(e.to.toLowerCase()), e.via, p ? `${text}: ${p}` : text));
      }
      for (const t of g.openTargets) lines.push(edgeLine(id, ANY_ID, projectId(t), 'open', 'open'));
    } else {
      for (const n of display.nodes) {
        if (n.kind === 'group') { lines.push(`  ${id(n.id)}[/"${mermaidText(`group ${n.label} (${n.members})`)}"/]`); classes.group.push(id(n.id)); }
        if (n.kind === 'any') lines.push(`  ${id(n.id)}(["${mermaidText(n.label)}"])`);
      }
      for (const e of display.edges) lines.push(edgeLine(id, e.from, e.to, e.via, policyLabel(e.policies) ?? e.via));
    }
  }
  lines.push(
    '  classDef open fill:#f8d7da,stroke:#b02a37,color:#000',
    '  classDef shared fill:#fff3cd,stroke:#997404,color:#000',
    '  classDef unread stroke-dasharray:4 3,color:#555',
    '  classDef group fill:#e7f1ff,stroke:#0a58ca,color:#000',
  );
  for (const [name, list] of Object.entries(classes)) if (list.length > 0) lines.push(`  class ${list.join(',')} ${name}`);
  return lines.join('\n') + '\n';
}

/**
 * Projects gathered into their namespaces, an edge per (from, to, kind) with
 * how many entries it stands for. When that still passes Mermaid's edge limit,
 * namespaces are cut to fewer path segments (group entries fold into the
 * namespace of the same path) until it fits.
 */
function namespaceLines(display: DisplayGraph, id: (k: string) => string, classes: Record<string, string[]>): string[] {
  const segments = (label: string) => label.split('/');
  const deepest = Math.max(1, ...display.nodes.filter((n) => n.kind !== 'any').map((n) => segments(n.label).length));
  let best: string[] = [];
  for (let depth = deepest; depth >= 1; depth--) {
    const lines = namespaceLevel(display, id, depth, depth < deepest);
    best = lines.out;
    if (lines.edges < MAX_EDGES) break;
  }
  for (const n of display.nodes) if (n.kind === 'group' && best.some((l) => l.startsWith(`  ${id(n.id)}[`))) classes.group.push(id(n.id));
  return best;
}

function namespaceLevel(display: DisplayGraph, id: (k: string) => string, depth: number, foldGroups: boolean): { out: string[]; edges: number } {
  const cut = (label: string, keepLast: boolean) => {
    const parts = label.split('/');
    const ns = keepLast ? parts : parts.slice(0, -1);
    return (ns.length > 0 ? ns : parts).slice(0, depth).join('/');
  };
  const nsOf = new Map<string, string>();
  const labels = new Map<string, string>();
  const counts = new Map<string, number>();
  for (const n of display.nodes) {
    if (n.kind === 'project' || (n.kind === 'group' && foldGroups)) {
      const ns = cut(n.label, n.kind === 'group');
      const key = `ns:${ns.toLowerCase()}`;
      nsOf.set(n.id, key);
      labels.set(key, ns);
      if (n.kind === 'project') counts.set(key, (counts.get(key) ?? 0) + 1);
    } else {
      nsOf.set(n.id, n.id);
    }
  }
  const out: string[] = [];
  for (const [key, label] of [...labels].sort(([a], [b]) => (a < b ? -1 : 1))) {
    out.push(`  ${id(key)}["${mermaidText(`${label} (${counts.get(key) ?? 0} projects)`)}"]`);
  }
  for (const n of display.nodes) {
    if (n.kind === 'group' && !foldGroups) out.push(`  ${id(n.id)}[/"${mermaidText(`group ${n.label} (${n.members})`)}"/]`);
    if (n.kind === 'any') out.push(`  ${id(n.id)}(["${mermaidText(n.label)}"])`);
  }
  const agg = new Map<string, { from: string; to: string; via: DisplayEdge['via']; n: number }>();
  for (const e of display.edges) {
    const from = nsOf.get(e.from) ?? e.from;
    const to = nsOf.get(e.to) ?? e.to;
    const k = `${from}\u0000${to}\u0000${e.via}`;
    const a = agg.get(k) ?? { from, to, via: e.via, n: 0 };
    a.n++;
    agg.set(k, a);
  }
  for (const a of agg.values()) out.push(edgeLine(id, a.from, a.to, a.via, `${a.n} ${a.via} ${a.n === 1 ? 'entry' : 'entries'}`));
  return { out, edges: agg.size };
}
