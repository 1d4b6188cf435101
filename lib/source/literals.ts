/** How generated and edited TypeScript writes paths; no compiler needed, so `import` does not load TypeScript. */

/** A path as a TypeScript string literal in the given quote style. */
export function quoteString(s: string, quote: "'" | '"' = "'"): string {
  return quote + s.replace(/\\/g, '\\\\').replace(new RegExp(quote, 'g'), `\\${quote}`) + quote;
}

/** Case-insensitive path order (GitLab compares paths case-insensitively). */
export function byPath(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x < y ? -1 : x > y ? 1 : a < b ? -1 : a > b ? 1 : 0;
}
