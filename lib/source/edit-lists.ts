import type * as ts from 'typescript';
import { tsc } from './typescript';
import { ListSite, ScopeDeclaration, propertyNamed } from './find-scopes';
import { byPath, quoteString } from './literals';

export { byPath, quoteString };

/** Entries to add to and remove from one list; removal matches case-insensitively, like GitLab paths. */
export interface ListChange {
  readonly add: readonly string[];
  readonly remove: readonly string[];
}

export interface ScopeChange {
  readonly allowProjects?: ListChange;
  readonly allowGroups?: ListChange;
}

/** Replace `[start, end)` of the file's text with `text`. */
export interface TextEdit {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

export type EditResult = { readonly ok: true; readonly edits: TextEdit[] } | { readonly ok: false; readonly problem: string };

/** Arrays longer than this on one line are written one entry per line. */
const MAX_INLINE = 100;

/**
 * The text edits that apply `change` to a scope's array literals, keeping
 * every entry that stays exactly as written (with its comments), and the
 * layout (one line or one entry per line) unless it no longer fits. Pure.
 */
export function editScopeLists(decl: ScopeDeclaration, change: ScopeChange): EditResult {
  const edits: TextEdit[] = [];
  for (const name of ['allowProjects', 'allowGroups'] as const) {
    const c = change[name];
    if (!c || (c.add.length === 0 && c.remove.length === 0)) continue;
    const site = decl[name];
    if (site.kind === 'not_literal') return { ok: false, problem: site.reason };
    const r = site.kind === 'literal' ? editLiteral(decl.sourceFile, site, c) : insertProperty(decl, name, c);
    if (!r.ok) return r;
    edits.push(...r.edits);
  }
  return { ok: true, edits };
}

/** Applies non-overlapping edits to `text`. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => b.start - a.start || b.end - a.end);
  let out = text;
  for (const e of sorted) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

interface Piece {
  readonly target: string;
  readonly text: string;
  readonly leading: readonly string[];
  readonly trailing?: string;
}

function editLiteral(sf: ts.SourceFile, site: Extract<ListSite, { kind: 'literal' }>, c: ListChange): EditResult {
  const full = sf.getFullText();
  const lineOf = (pos: number) => sf.getLineAndCharacterOfPosition(pos).line;
  const arr = site.array;
  const pieces: Piece[] = [];
  let prevEnd = arr.getStart(sf);
  for (const el of site.elements) {
    const prevLine = lineOf(prevEnd);
    const leading = (tsc.getLeadingCommentRanges(full, el.node.pos) ?? [])
      .filter((r) => lineOf(r.pos) > prevLine)
      .map((r) => full.slice(r.pos, r.end));
    let after = el.node.end;
    while (full[after] === ' ' || full[after] === '\t') after++;
    if (full[after] === ',') after++;
    const trailing = (tsc.getTrailingCommentRanges(full, after) ?? [])
      .filter((r) => lineOf(r.pos) === lineOf(el.node.end))
      .map((r) => full.slice(r.pos, r.end))
      .join(' ');
    pieces.push({ target: el.target, text: el.node.getText(sf), leading, ...(trailing ? { trailing } : {}) });
    prevEnd = el.node.end;
  }
  // Own-line comments between the last entry and `]`.
  const lastLine = lineOf(prevEnd);
  const dangling = (tsc.getLeadingCommentRanges(full, arr.elements.end) ?? [])
    .filter((r) => lineOf(r.pos) > lastLine && r.pos >= arr.elements.end)
    .map((r) => full.slice(r.pos, r.end));

  const removeKeys = new Set(c.remove.map((t) => t.toLowerCase()));
  const kept = pieces.filter((p) => !removeKeys.has(p.target.toLowerCase()));
  const have = new Set(kept.map((p) => p.target.toLowerCase()));
  const quote = pieces.length > 0 && pieces[0].text.startsWith('"') ? '"' : "'";
  const added = [...new Set(c.add)].filter((t) => !have.has(t.toLowerCase())).sort(byPath);
  const merged = mergeEntries(kept, added.map((t) => ({ target: t, text: quoteString(t, quote), leading: [] })));

  const multiLineBefore = lineOf(arr.getStart(sf)) !== lineOf(arr.end);
  const baseIndent = indentOfLine(full, sf.getLineStarts()[lineOf(site.property.getStart(sf))]);
  const itemIndent = multiLineBefore && site.elements.length > 0
    ? indentOfLine(full, sf.getLineStarts()[lineOf(site.elements[0].node.getStart(sf))])
    : baseIndent + '  ';
  const text = renderArray(merged, dangling, { multiLineBefore, baseIndent, itemIndent, column: sf.getLineAndCharacterOfPosition(arr.getStart(sf)).character });
  return { ok: true, edits: [{ start: arr.getStart(sf), end: arr.end, text }] };
}

/** Keeps the written order; a list that was sorted stays sorted, otherwise new entries go last. */
function mergeEntries(kept: Piece[], added: Piece[]): Piece[] {
  const sorted = kept.every((p, i) => i === 0 || byPath(kept[i - 1].target, p.target) <= 0);
  if (!sorted) return [...kept, ...added];
  return [...kept, ...added].sort((a, b) => byPath(a.target, b.target));
}

interface Layout {
  readonly multiLineBefore: boolean;
  readonly baseIndent: string;
  readonly itemIndent: string;
  readonly column: number;
}

function renderArray(pieces: readonly Piece[], dangling: readonly string[], layout: Layout): string {
  if (pieces.length === 0 && dangling.length === 0) return '[]';
  const inline = `[${pieces.map((p) => p.text).join(', ')}]`;
  const hasComments = dangling.length > 0 || pieces.some((p) => p.leading.length > 0 || p.trailing);
  if (!layout.multiLineBefore && !hasComments && layout.column + inline.length <= MAX_INLINE) return inline;
  const lines: string[] = ['['];
  for (const p of pieces) {
    for (const l of p.leading) lines.push(`${layout.itemIndent}${l}`);
    lines.push(`${layout.itemIndent}${p.text},${p.trailing ? ` ${p.trailing}` : ''}`);
  }
  for (const l of dangling) lines.push(`${layout.itemIndent}${l}`);
  lines.push(`${layout.baseIndent}]`);
  return lines.join('\n');
}

/** Adds a missing `allowProjects` / `allowGroups` property after `project` (or after `allowProjects`). */
function insertProperty(decl: ScopeDeclaration, name: 'allowProjects' | 'allowGroups', c: ListChange): EditResult {
  const sf = decl.sourceFile;
  const full = sf.getFullText();
  const added = [...new Set(c.add)].sort(byPath);
  if (added.length === 0) return { ok: true, edits: [] };
  const anchor = (name === 'allowGroups' ? propertyNamed(decl.props, 'allowProjects') : undefined) ?? propertyNamed(decl.props, 'project');
  if (!anchor) return { ok: false, problem: 'the props object has no `project` property to insert after' };
  const lineOf = (pos: number) => sf.getLineAndCharacterOfPosition(pos).line;
  const multiLine = lineOf(decl.props.getStart(sf)) !== lineOf(decl.props.end);
  let afterComma = anchor.end;
  while (full[afterComma] === ' ' || full[afterComma] === '\t') afterComma++;
  const hasComma = full[afterComma] === ',';
  if (!multiLine) {
    const items = added.map((t) => quoteString(t, "'")).join(', ');
    return { ok: true, edits: [{ start: anchor.end, end: anchor.end, text: `, ${name}: [${items}]` }] };
  }
  const indent = indentOfLine(full, sf.getLineStarts()[lineOf(anchor.getStart(sf))]);
  const value = renderArray(added.map((t) => ({ target: t, text: quoteString(t, "'"), leading: [] })), [], {
    multiLineBefore: false, baseIndent: indent, itemIndent: indent + '  ', column: indent.length + name.length + 2,
  });
  const lineEnd = endOfLine(full, hasComma ? afterComma : anchor.end);
  const edits: TextEdit[] = [];
  if (!hasComma) edits.push({ start: anchor.end, end: anchor.end, text: ',' });
  edits.push({ start: lineEnd, end: lineEnd, text: `\n${indent}${name}: ${value}${hasComma ? ',' : ''}` });
  return { ok: true, edits };
}

function endOfLine(text: string, pos: number): number {
  const nl = text.indexOf('\n', pos);
  if (nl < 0) return text.length;
  return nl > 0 && text[nl - 1] === '\r' ? nl - 1 : nl;
}

function indentOfLine(text: string, lineStart: number): string {
  let i = lineStart;
  while (text[i] === ' ' || text[i] === '\t') i++;
  return text.slice(lineStart, i);
}
