import type { DriftReport } from '../drift/types';
import { mermaidText } from './render/escape';
import { MAX_EDGES } from './render/mermaid';

/**
 * For `drift --format markdown`: a Mermaid picture of the drifted projects'
 * edges, declared against live: an entry declared but missing in GitLab is a
 * dashed edge, an entry in GitLab but not declared a thick red one, and a
 * toggle that differs is written on the project. Empty when nothing drifted
 * on an edge or a toggle. Stays under Mermaid's edge limit (the rest counted).
 */
export function driftMermaid(report: DriftReport): string {
  const ids = new Map<string, string>();
  const id = (key: string) => { let v = ids.get(key); if (!v) { v = `n${ids.size}`; ids.set(key, v); } return v; };
  const nodes: string[] = [];
  const edges: string[] = [];
  const live: string[] = [];
  const declared: string[] = [];
  const seen = new Set<string>();
  const node = (key: string, label: string, shape: 'box' | 'group') => {
    if (seen.has(key)) return;
    seen.add(key);
    nodes.push(shape === 'group' ? `  ${id(key)}[/"${mermaidText(label)}"/]` : `  ${id(key)}["${mermaidText(label)}"]`);
  };
  let left = 0;
  for (const p of report.projects) {
    if (p.status !== 'drifted') continue;
    const toggle = p.findings.find((f) => !f.accepted && (f.kind === 'limit_access_mismatch' || (f.kind === 'enforced_by_instance' && f.declared === false)));
    const target = `p:${p.project.toLowerCase()}`;
    const note = toggle ? ` (allowlist declared ${toggle.declared ? 'on' : 'off'}, live ${toggle.live ? 'on' : 'off'})` : '';
    const entries = p.findings.filter((f) => !f.accepted && f.target && /^(missing|unexpected)_(project|group)_entry$/.test(f.kind));
    if (!note && entries.length === 0) continue;
    node(target, p.project + note, 'box');
    for (const f of entries) {
      if (edges.length >= MAX_EDGES - 1) { left++; continue; }
      const group = f.kind.endsWith('group_entry');
      const from = `${group ? 'g' : 'p'}:${(f.target as string).toLowerCase()}`;
      node(from, group ? `group ${f.target}` : (f.target as string), group ? 'group' : 'box');
      const missing = f.kind.startsWith('missing');
      (missing ? declared : live).push(String(edges.length));
      edges.push(`  ${id(from)} ${missing ? '-.->' : '==>'}|"${missing ? 'declared, not in GitLab' : 'in GitLab, not declared'}"| ${id(target)}`);
    }
  }
  if (nodes.length === 0) return '';
  const out = ['### Reach: drifted edges', '', 'Dashed: declared but missing in GitLab. Thick red: in GitLab but not declared.', '', '```mermaid', 'flowchart LR', ...nodes, ...edges];
  if (live.length > 0) out.push(`  linkStyle ${live.join(',')} stroke:#b02a37,stroke-width:3px`);
  out.push('```', '');
  if (left > 0) out.push(`${left} more drifted entries are not drawn (Mermaid draws at most ${MAX_EDGES} edges); the table above lists them.`, '');
  return out.join('\n');
}
