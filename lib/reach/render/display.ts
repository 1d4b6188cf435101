import type { ReachGraph } from '../graph';
import type { EdgeVia, ReachNode } from '../types';

/**
 * The graph as people look at it: one node per project, one per group that is
 * an allowlist entry, one "any project" node when a project is open, and one
 * edge per allowlist entry (a group entry is drawn once, from its group node,
 * not once per project it covers). The JSON's edges are the expanded form.
 */
export interface DisplayNode {
  readonly id: string;
  readonly kind: 'project' | 'group' | 'any';
  readonly label: string;
  readonly node?: ReachNode;
  /** group: projects it covers. */
  readonly members?: number;
}

export interface DisplayEdge {
  readonly from: string;
  readonly to: string;
  readonly via: EdgeVia;
  readonly policies?: readonly string[];
}

export interface DisplayGraph {
  readonly nodes: readonly DisplayNode[];
  readonly edges: readonly DisplayEdge[];
}

export const ANY_ID = 'any';
export const ANY_LABEL = 'any project (allowlist off)';

export const projectId = (key: string) => `p:${key}`;
export const groupId = (key: string) => `g:${key}`;

export function displayGraph(g: ReachGraph): DisplayGraph {
  const nodes: DisplayNode[] = g.order.map((k) => ({ id: projectId(k), kind: 'project', label: g.nodes.get(k)?.project ?? k, node: g.nodes.get(k) }));
  const edges: DisplayEdge[] = [];
  const groups = new Map<string, DisplayNode>();
  for (const target of g.order) {
    const scope = g.scopes.get(target);
    if (!scope) continue;
    for (const e of scope.entries) {
      const key = e.path.toLowerCase();
      if (e.kind === 'project' && key === target) continue;
      let from = projectId(key);
      if (e.kind === 'group') {
        from = groupId(key);
        if (!groups.has(key)) groups.set(key, { id: from, kind: 'group', label: g.groups.get(key)?.group ?? e.path, members: g.members.get(key)?.size ?? 0 });
      }
      edges.push({ from, to: projectId(target), via: e.kind, ...(e.policies ? { policies: e.policies } : {}) });
    }
  }
  nodes.push(...[...groups.values()].sort((a, b) => (a.id < b.id ? -1 : 1)));
  if (g.openTargets.length > 0) {
    nodes.push({ id: ANY_ID, kind: 'any', label: ANY_LABEL });
    for (const t of g.openTargets) edges.push({ from: ANY_ID, to: projectId(t), via: 'open' });
  }
  return { nodes, edges };
}

/** `READ_JOBS, READ_PACKAGES` or `no permissions`, for labels. */
export function policyLabel(policies: readonly string[] | undefined): string | undefined {
  if (!policies) return undefined;
  return policies.length === 0 ? 'no permissions' : policies.join(', ');
}
