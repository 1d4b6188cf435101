/**
 * Text that came from GitLab (paths, names, error messages) on its way into
 * output: one helper per kind of output, so that no such text carries markup
 * or control sequences there. Terminal text loses escape sequences and control
 * characters; Markdown (reports, MR notes) loses links, images, HTML, mentions
 * and references; XML is escaped for JUnit. Generated TypeScript has its own
 * helpers in `lib/source/literals.ts`.
 */

/* eslint-disable no-control-regex -- control characters are what these patterns are about */
/** CSI (`ESC [ ... final`), OSC (`ESC ] ... BEL` or `ESC ] ... ESC \`), other two-character escapes, and the C1 CSI/OSC forms. */
const ESCAPE_SEQUENCE = /\u001b\[[0-?]*[ -/]*[@-~]?|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b[P^_X][^\u001b]*(?:\u001b\\)?|\u001b[ -~]?|\u009b[0-?]*[ -/]*[@-~]?|\u009d[^\u0007\u001b\u009c]*(?:\u0007|\u009c)?/g;
/** C0 controls except tab and newline, DEL, C1 controls, and the invisible bidi and line-separator characters. */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2028\u2029\u2066-\u2069\ufeff]/g;
/* eslint-enable no-control-regex */

/**
 * For a terminal: escape sequences (colours, cursor moves, OSC hyperlinks and
 * titles) removed, `\r\n` read as `\n`, a bare `\r` (which would overwrite the
 * line) and every other control character removed; newlines and tabs kept.
 */
export function terminalText(s: string): string {
  return String(s).replace(ESCAPE_SEQUENCE, '').replace(/\r\n/g, '\n').replace(CONTROL, '').replace(/\r/g, '');
}

/** `terminalText` on one line: newlines and tabs as spaces. */
export function oneLine(s: string): string {
  return terminalText(s).replace(/[\n\t]+/g, ' ');
}

/**
 * Characters Markdown (GitLab Flavored) gives a meaning (links and images need
 * `[`, HTML `<`, tables `|`), and GitLab's reference prefixes (`@user`, `#1`,
 * `!2`, `~label`, `%m`, `$s`, `&e`). `_` only where it could start or end
 * emphasis: between letters (`read_api`) it is plain.
 */
const MARKDOWN_SPECIAL = /[\\`*[\]<>#!|~@&%$]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])/g;

/**
 * For Markdown (drift --format markdown, plan-summary and its MR note,
 * suggest, policies): one line, every character Markdown or GitLab's
 * references give a meaning backslash-escaped (GitLab honours `\@`, `\#`, ...
 * as plain characters), and bare URLs broken so that they are not autolinked.
 */
export function markdownText(s: string): string {
  return oneLine(s)
    .replace(MARKDOWN_SPECIAL, (c) => `\\${c}`)
    // A list marker, heading underline or numbered item at the start of a line item.
    .replace(/^([-+=]|\d+[.)])/, (m) => `${m.slice(0, -1)}\\${m.slice(-1)}`)
    // GFM autolinks `www.` and `scheme://` whatever is escaped: a zero-width space (as an entity) keeps them text.
    .replace(/\b(www)\./gi, '$1&#8203;.')
    .replace(/:\/\//g, ':&#8203;//');
}

/**
 * For Markdown, as a code span: no link, mention, emphasis or HTML inside one.
 * The fence is longer than any run of backticks in the text; pipes are
 * escaped so that the span can sit in a table cell.
 */
export function markdownCode(s: string): string {
  const text = oneLine(s).replace(/\|/g, '\\|');
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') || text === '' ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

/**
 * For XML (JUnit), text and attribute values alike: the five special
 * characters escaped, and what XML 1.0 cannot carry at all (most controls,
 * lone surrogates, U+FFFE/U+FFFF) plus escape sequences removed.
 */
export function xmlText(s: string): string {
  return String(s)
    .replace(ESCAPE_SEQUENCE, '')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\ufffe\uffff]/g, '')
    .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\r\n?/g, '\n');
}
