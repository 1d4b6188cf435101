import { edgesInto, ReachGraph } from '../graph';
import type { ReachReport } from '../report';
import type { ReachEdge, ReachStep } from '../types';
import { policyLabel } from './display';
import { plain } from './escape';

export interface TextOptions {
  /** Targets listed one per line up to this many; the rest are counted (use --format json for all). @default 100 */
  readonly listUpTo?: number;
}

const how = (e: Pick<ReachEdge, 'via' | 'group' | 'policies'>) => {
  const base = e.via === 'group' ? `group ${e.group}` : e.via === 'open' ? 'allowlist off' : 'project entry';
  const p = policyLabel(e.policies);
  return p ? `${base}; ${p}` : base;
};

/** For a terminal: summary, findings, then the answer (`--from`, `--to`) or every target with who reaches it. */
export function renderText(report: ReachReport, g: ReachGraph, opts: TextOptions = {}): string {
  const max = opts.listUpTo ?? 100;
  const s = report.summary;
  const out: string[] = [
    `tokenscope reach (${report.source}): ${s.projects} project${s.projects === 1 ? '' : 's'}` +
      `${s.unreadable ? `, ${s.unreadable} unreadable` : ''}${s.origins ? `, ${s.origins} more origin${s.origins === 1 ? '' : 's'} outside them` : ''}, ` +
      `${s.edges} edge${s.edges === 1 ? '' : 's'}, ${s.findings} finding${s.findings === 1 ? '' : 's'} (${s.requests} HTTP request${s.requests === 1 ? '' : 's'})`,
  ];
  const unreadable = report.nodes.filter((n) => n.error);
  if (unreadable.length > 0) {
    out.push('', 'Unreadable (never a target here):');
    for (const n of unreadable) out.push(`  ${n.project}  ${n.error}`);
  }
  if (report.findings.length > 0) {
    out.push('', 'Findings:');
    const width = Math.max(...report.findings.map((f) => f.kind.length));
    for (const f of report.findings.slice(0, max)) out.push(`  ${f.kind.padEnd(width)}  ${f.project}: ${f.detail}`);
    if (report.findings.length > max) out.push(`  and ${report.findings.length - max} more (--format json lists all)`);
  }
  if (report.from !== undefined && report.reach) out.push('', ...fromSection(report.from, report.transitive === true, report.reach, max));
  if (report.to !== undefined && report.origins) out.push('', ...toSection(report, max));
  if (report.from === undefined && report.to === undefined) out.push('', ...targetsSection(g, max));
  for (const n of report.notes) out.push('', `Note: ${n}.`);
  for (const w of report.warnings) out.push('', `Warning: ${w}.`);
  return out.map(plain).join('\n') + '\n';
}

function fromSection(from: string, transitive: boolean, reach: readonly ReachStep[], max: number): string[] {
  const out = [`If the job token of ${from} leaks, it reaches ${reach.length} project${reach.length === 1 ? '' : 's'}${transitive ? ' (transitive, an upper bound)' : ''}:`];
  for (const r of reach.slice(0, max)) {
    out.push(`  depth ${r.depth}  ${r.project}  (${how(r)})${r.depth > 1 ? `  chain: ${r.chain.join(' -> ')}` : ''}`);
  }
  if (reach.length > max) out.push(`  and ${reach.length - max} more`);
  if (reach.length === 0) out.push('  nothing but itself');
  return out;
}

function toSection(report: ReachReport, max: number): string[] {
  const origins = report.origins ?? [];
  const out = [`${origins.length} project${origins.length === 1 ? '' : 's'} can reach ${report.to}:`];
  const direct = origins.filter((o) => o.via === 'project');
  if (direct.length > 0) out.push(`  project entries (${direct.length}): ${direct.map((o) => o.project + (o.policies ? ` [${policyLabel(o.policies)}]` : '')).join(', ')}`);
  for (const gc of report.groups ?? []) {
    const through = origins.filter((o) => o.via === 'group' && o.group?.toLowerCase() === gc.group.toLowerCase());
    const listed = through.slice(0, max).map((o) => o.project).join(', ');
    out.push(`  group ${gc.group}: ${gc.projects} project${gc.projects === 1 ? '' : 's'}, ${gc.origins} through this entry` +
      `${listed ? `: ${listed}${through.length > max ? ` and ${through.length - max} more` : ''}` : ''}`);
  }
  const open = origins.filter((o) => o.via === 'open');
  if (open.length > 0) out.push(`  allowlist off: every project (${open.length} in this graph, and any other on the instance)`);
  if (origins.length === 0) out.push('  none but itself');
  return out;
}

function targetsSection(g: ReachGraph, max: number): string[] {
  const targets = g.order.filter((k) => g.scopes.has(k) || g.nodes.get(k)?.open);
  const out = ['Who reaches each project (--to PROJECT for the list, --from PROJECT for a blast radius):'];
  const width = Math.min(48, Math.max(0, ...targets.map((k) => (g.nodes.get(k)?.project ?? k).length)));
  for (const k of targets.slice(0, max)) {
    const edges = edgesInto(g, k);
    const n = (via: ReachEdge['via']) => edges.filter((e) => e.via === via).length;
    const name = (g.nodes.get(k)?.project ?? k).padEnd(width);
    if (g.nodes.get(k)?.open) out.push(`  ${name}  every project (allowlist off)`);
    else out.push(`  ${name}  ${edges.length} origin${edges.length === 1 ? '' : 's'}: ${n('project')} by project entry, ${n('group')} through group entries`);
  }
  if (targets.length > max) out.push(`  and ${targets.length - max} more (--format json lists every edge)`);
  return out;
}
