import type { ReachGraph } from '../graph';
import type { ReachReport } from '../report';
import { renderDot } from './dot';
import { renderHtml } from './html';
import { renderJsonChunks } from './json';
import { renderMermaid } from './mermaid';
import { renderText } from './text';

export const FORMATS = ['text', 'json', 'mermaid', 'dot', 'html'] as const;
export type ReachFormat = (typeof FORMATS)[number];

/** The report in a format, in pieces (the JSON's edges are produced as they are written). */
export function* renderReach(format: ReachFormat, report: ReachReport, g: ReachGraph): Generator<string> {
  switch (format) {
    case 'json': yield* renderJsonChunks(report, g); return;
    case 'mermaid': yield renderMermaid(report, g); return;
    case 'dot': yield renderDot(report, g); return;
    case 'html': yield renderHtml(report, g); return;
    default: yield renderText(report, g);
  }
}

export { renderText, renderMermaid, renderDot, renderHtml, renderJsonChunks };
export { renderJson } from './json';
export { chooseDetail, type MermaidDetail } from './mermaid';
export { plain, mermaidText, dotString, htmlText, scriptJson } from './escape';
