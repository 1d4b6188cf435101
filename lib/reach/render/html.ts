import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import type { ReachGraph } from '../graph';
import type { ReachReport } from '../report';
import { displayGraph } from './display';
import { htmlText, plain, scriptJson } from './escape';

/** cytoscape.js (MIT), a regular dependency, inlined so the report needs no network. */
export function cytoscapeSource(): string {
  return fs.readFileSync(require.resolve('cytoscape/dist/cytoscape.min.js'), 'utf8');
}

const APP_FILE = path.join(__dirname, 'html-app.js');

const sha256 = (s: string) => `'sha256-${createHash('sha256').update(s, 'utf8').digest('base64')}'`;

/** An inline script that cannot end its own element early. */
const scriptBody = (js: string) => js.replace(/<\/(script)/gi, '<\\/$1');

/**
 * One self-contained HTML file: the data, cytoscape.js and the page's own
 * script inline, and a Content-Security-Policy that allows no request at all
 * (`default-src 'none'`; scripts only by hash). Pan and zoom with the mouse,
 * search a project, click a node for its allowlist and reach.
 */
export function renderHtml(report: ReachReport, g: ReachGraph, opts: { title?: string } = {}): string {
  const display = displayGraph(g);
  const data = {
    summary: report.summary,
    nodes: display.nodes.map((n) => {
      const classes: string[] = [n.kind];
      if (n.node?.open) classes.push('open');
      else if (n.node?.openFeatures) classes.push('shared');
      if (n.node && !n.node.scanned) classes.push('outside');
      if (n.node?.error) classes.push('unread');
      return {
        id: n.id, kind: n.kind, label: plain(n.label), classes: classes.join(' '),
        ...(n.members !== undefined ? { members: n.members } : {}),
        ...(n.node ? {
          visibility: n.node.visibility, limitAccess: n.node.limitAccess, open: n.node.open,
          ...(n.node.error ? { error: plain(n.node.error) } : {}), ...(n.node.openFeatures ? { openFeatures: n.node.openFeatures } : {}),
        } : {}),
      };
    }),
    edges: display.edges.map((e) => ({ s: e.from, t: e.to, via: e.via, ...(e.policies ? { p: e.policies } : {}) })),
  };
  const lib = scriptBody(cytoscapeSource());
  const app = scriptBody(fs.readFileSync(APP_FILE, 'utf8'));
  const title = opts.title ?? `tokenscope reach: ${report.summary.projects} projects`;
  const s = report.summary;
  const csp = `default-src 'none'; script-src ${sha256(lib)} ${sha256(app)}; style-src 'unsafe-inline'; img-src data:`;
  const list = (items: readonly string[]) => items.map((x) => `<li>${htmlText(x)}</li>`).join('');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>${htmlText(title)}</title>
<style>
  html, body { margin: 0; height: 100%; font: 14px/1.4 system-ui, sans-serif; color: #212529; }
  body { display: grid; grid-template-columns: 1fr 380px; grid-template-rows: auto 1fr; }
  header { grid-column: 1 / 3; padding: 8px 12px; border-bottom: 1px solid #dee2e6; display: flex; gap: 12px; align-items: center; flex-wrap: wrap; }
  header h1 { font-size: 16px; margin: 0; }
  #graph { min-height: 400px; }
  aside { border-left: 1px solid #dee2e6; padding: 8px 12px; overflow: auto; }
  aside h2 { font-size: 15px; word-break: break-all; } aside h3 { font-size: 13px; margin-bottom: 4px; }
  aside ul { padding-left: 18px; margin-top: 4px; } aside li { word-break: break-all; }
  input { font: inherit; padding: 3px 6px; width: 260px; }
  .legend span { margin-right: 10px; } .dot { display: inline-block; width: 10px; height: 10px; border-radius: 50%; margin-right: 4px; }
</style>
</head>
<body>
<header>
  <h1>${htmlText(title)}</h1>
  <span>${s.projects} projects, ${s.edges} edges, ${s.findings} findings</span>
  <input id="search" type="search" placeholder="search a project" aria-label="search a project">
  <span id="matches"></span>
  <button id="fit" type="button">fit</button>
  <span class="legend"><span><i class="dot" style="background:#dc3545"></i>open</span><span><i class="dot" style="background:#e0a800"></i>public/internal</span><span><i class="dot" style="background:#0a58ca"></i>group entry</span><span><i class="dot" style="background:#adb5bd"></i>outside the chosen projects</span></span>
</header>
<div id="graph"></div>
<aside id="details">
  <p>Click a project for its allowlist and what its job token reaches; search to find one. Drag to pan, scroll to zoom.</p>
  ${report.findings.length ? `<h3>Findings (${report.findings.length})</h3><ul>${list(report.findings.slice(0, 200).map((f) => `${f.kind}: ${f.project}: ${f.detail}`))}</ul>` : ''}
  ${report.notes.length ? `<h3>Notes</h3><ul>${list(report.notes)}</ul>` : ''}
  ${report.warnings.length ? `<h3>Warnings</h3><ul>${list(report.warnings)}</ul>` : ''}
</aside>
<script id="reach-data" type="application/json">${scriptJson(data)}</script>
<script>${lib}</script>
<script>${app}</script>
</body>
</html>
`;
}
