import type { ReachGraph } from '../graph';
import { edgesOf, ReachReport } from '../report';

const EDGES = '\u0000tokenscope-edges';

/**
 * The JSON contract, written in pieces: the edges (a group entry expands to
 * every project of the group) are produced target by target, one line each,
 * so a large org's report is never held twice in memory.
 */
export function* renderJsonChunks(report: ReachReport, g: ReachGraph): Generator<string> {
  const { source, summary, nodes, ...rest } = report;
  const text = JSON.stringify({ source, summary, nodes, edges: EDGES, ...rest }, null, 2);
  const marker = `"edges": ${JSON.stringify(EDGES)}`;
  const at = text.indexOf(marker);
  yield text.slice(0, at) + '"edges": [';
  let first = true;
  let buffer = '';
  for (const e of edgesOf(g)) {
    buffer += `${first ? '' : ','}\n    ${JSON.stringify(e)}`;
    first = false;
    if (buffer.length > 65_536) { yield buffer; buffer = ''; }
  }
  yield buffer + (first ? ']' : '\n  ]') + text.slice(at + marker.length) + '\n';
}

export function renderJson(report: ReachReport, g: ReachGraph): string {
  return [...renderJsonChunks(report, g)].join('');
}
