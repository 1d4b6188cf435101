import type { ReachGraph } from '../graph';
import type { ReachReport } from '../report';
import { displayGraph, policyLabel } from './display';
import { dotString } from './escape';

const STYLE = { project: 'solid', group: 'dashed', open: 'bold' } as const;

/**
 * Graphviz DOT (`dot -Tsvg`), one edge per allowlist entry: a group entry is
 * an edge from a folder-shaped group node. Open projects are red, public and
 * internal ones amber, unreadable ones dashed.
 */
export function renderDot(report: ReachReport, g: ReachGraph): string {
  const display = displayGraph(g);
  const lines = [
    'digraph reach {',
    `  // tokenscope reach: ${report.summary.projects} projects, ${report.summary.edges} edges (group entries drawn once, from the group)`,
    '  rankdir=LR;',
    '  node [shape=box, style="rounded,filled", fillcolor="#ffffff", fontname="Helvetica"];',
    '  edge [fontname="Helvetica", fontsize=10];',
  ];
  for (const n of display.nodes) {
    const attrs = [`label=${dotString(n.kind === 'group' ? `group ${n.label} (${n.members} projects)` : n.label)}`];
    if (n.kind === 'group') attrs.push('shape=folder', 'fillcolor="#e7f1ff"');
    if (n.kind === 'any') attrs.push('shape=ellipse', 'fillcolor="#f8d7da"');
    if (n.node?.open) attrs.push('fillcolor="#f8d7da"', 'color="#b02a37"');
    else if (n.node?.openFeatures) attrs.push('fillcolor="#fff3cd"');
    if (n.node?.error) attrs.push('style="rounded,dashed"');
    if (n.node && !n.node.scanned) attrs.push('color="#888888"', 'fontcolor="#555555"');
    lines.push(`  ${dotString(n.id)} [${attrs.join(', ')}];`);
  }
  for (const e of display.edges) {
    const label = policyLabel(e.policies) ?? e.via;
    lines.push(`  ${dotString(e.from)} -> ${dotString(e.to)} [label=${dotString(label)}, style=${STYLE[e.via]}];`);
  }
  lines.push('}');
  return lines.join('\n') + '\n';
}
