/**
 * Text that came from GitLab (paths, names, messages) never carries markup or
 * control codes into a report: one escaper per output language.
 */

import { oneLine } from '../../util/escape';

/**
 * For terminals and plain text: the shared terminal cleaning (escape sequences,
 * control characters and bidi overrides removed), on one line.
 */
export function plain(s: string): string {
  return oneLine(s);
}

/** Inside a Mermaid `"..."` label: anything but letters, digits and ` _./-` as Mermaid's `#<code>;` entity. */
export function mermaidText(s: string): string {
  let out = '';
  for (const ch of plain(s)) out += /[A-Za-z0-9 _./-]/.test(ch) ? ch : `#${ch.codePointAt(0)};`;
  return out;
}

/** A Graphviz DOT double-quoted string. */
export function dotString(s: string): string {
  return `"${plain(s).replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** HTML text and attribute values. */
export function htmlText(s: string): string {
  return plain(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

/** JSON that can sit inside an HTML `<script>` element: nothing in it can close the element or start markup. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}
