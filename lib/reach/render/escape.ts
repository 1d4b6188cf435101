/**
 * Text that came from GitLab (paths, names, messages) never carries markup or
 * control codes into a report: one escaper per output language.
 */

// C0 and C1 controls, DEL, and the bidirectional overrides and isolates that reorder what a terminal shows.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** For terminals and plain text: control codes and bidi overrides become U+FFFD. */
export function plain(s: string): string {
  return s.replace(UNSAFE, '\uFFFD');
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
