/**
 * How generated and edited TypeScript writes text that came from elsewhere (paths,
 * a `--url`, GitLab's words); no compiler needed, so `import` does not load TypeScript.
 */

const ESCAPES: Readonly<Record<string, string>> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\u2028': '\\u2028', '\u2029': '\\u2029' };

/**
 * A string as a TypeScript string literal in the given quote style: the quote,
 * backslashes, line terminators (U+2028/U+2029 too) and every other control
 * character escaped, so that no text can end the literal or the line.
 */
export function quoteString(s: string, quote: "'" | '"' = "'"): string {
  // eslint-disable-next-line no-control-regex
  const body = String(s).replace(/[\\\n\r\t\u2028\u2029]|[\u0000-\u001f\u007f-\u009f]/g, (c) => ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return quote + body.replace(new RegExp(quote, 'g'), `\\${quote}`) + quote;
}

/**
 * Text for inside a comment, block (`/* ... *\/`) or line (`// ...`): one line
 * (every line terminator, U+2028/U+2029 included, becomes a space), control
 * characters dropped, and no `*\/` that would close the comment.
 */
export function commentText(s: string): string {
  return String(s)
    // eslint-disable-next-line no-control-regex
    .replace(/[\r\n\u2028\u2029]+/g, ' ')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, '')
    .replace(/\*\//g, '*\\/');
}

/** Case-insensitive path order (GitLab compares paths case-insensitively). */
export function byPath(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x < y ? -1 : x > y ? 1 : a < b ? -1 : a > b ? 1 : 0;
}
