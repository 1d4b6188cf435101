/**
 * The other two static checks GitLab runs on a query before executing it:
 * graphql-ruby's depth (`max_depth`, 20 with a user and 15 without,
 * `gitlab_schema.rb`) and GitLab's own `RecursionAnalyzer`
 * (`lib/gitlab/graphql/query_analyzers/ast/recursion_analyzer.rb`). Both are
 * computed bottom-up and memoised per selection set, so fragments that spread
 * each other many times cost time linear in the document. Pure.
 */
import { DocumentNode, Kind, SelectionSetNode } from 'graphql';
import { included, prepareWalk, Variables } from './walk';

/** Nesting depth in fields (`{ project { id } }` is 2), fragments expanded. */
export function computeDepth(document: DocumentNode, variables?: Variables, operationName?: string | null): number {
  const walk = prepareWalk(document, variables, operationName);
  if (!walk) return 0;
  const memo = new Map<SelectionSetNode, number>();
  const depth = (set: SelectionSetNode, open: Set<string>): number => {
    const hit = memo.get(set);
    if (hit !== undefined) return hit;
    let max = 0;
    for (const sel of set.selections) {
      if (!included(sel, walk.variables)) continue;
      if (sel.kind === Kind.FIELD) max = Math.max(max, 1 + (sel.selectionSet ? depth(sel.selectionSet, open) : 0));
      else if (sel.kind === Kind.INLINE_FRAGMENT) max = Math.max(max, depth(sel.selectionSet, open));
      else {
        const frag = walk.fragments.get(sel.name.value);
        // A cycle is refused by validation before this runs; the guard only keeps a bad document from recursing forever.
        if (!frag || open.has(frag.name.value)) continue;
        open.add(frag.name.value);
        max = Math.max(max, depth(frag.selectionSet, open));
        open.delete(frag.name.value);
      }
    }
    memo.set(set, max);
    return max;
  };
  return depth(walk.op.selectionSet, new Set());
}

/** graphql-ruby's words (`GraphQL::Analysis::MaxQueryDepth`). */
export function depthMessage(depth: number, limit: number): string {
  return `Query has depth of ${depth}, which exceeds max depth of ${limit}`;
}

/** `RecursionAnalyzer::IGNORED_FIELDS` and `RECURSION_THRESHOLD`. */
const RECURSION_IGNORED = new Set(['node', 'edges', 'nodes', 'ofType']);
export const RECURSION_THRESHOLD = 2;

/**
 * Fields with a selection that occur more than twice along one branch of the
 * query (`group { parent { parent { parent { id } } } }`: parent 3 times), with
 * the most times each does. Empty when the query passes GitLab's check.
 */
export function recurringFields(document: DocumentNode, variables?: Variables, operationName?: string | null): Map<string, number> {
  const walk = prepareWalk(document, variables, operationName);
  if (!walk) return new Map();
  const memo = new Map<SelectionSetNode, Map<string, number>>();
  const counts = (set: SelectionSetNode, open: Set<string>): Map<string, number> => {
    const hit = memo.get(set);
    if (hit) return hit;
    const out = new Map<string, number>();
    const merge = (m: ReadonlyMap<string, number>) => { for (const [k, v] of m) out.set(k, Math.max(out.get(k) ?? 0, v)); };
    for (const sel of set.selections) {
      if (!included(sel, walk.variables)) continue;
      if (sel.kind === Kind.FIELD) {
        if (!sel.selectionSet || sel.selectionSet.selections.length === 0) continue;
        const below = new Map(counts(sel.selectionSet, open));
        const name = sel.name.value;
        if (!RECURSION_IGNORED.has(name)) below.set(name, (below.get(name) ?? 0) + 1);
        merge(below);
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        merge(counts(sel.selectionSet, open));
      } else {
        const frag = walk.fragments.get(sel.name.value);
        if (!frag || open.has(frag.name.value)) continue;
        open.add(frag.name.value);
        merge(counts(frag.selectionSet, open));
        open.delete(frag.name.value);
      }
    }
    memo.set(set, out);
    return out;
  };
  const all = counts(walk.op.selectionSet, new Set());
  return new Map([...all].filter(([, n]) => n > RECURSION_THRESHOLD));
}

/**
 * GitLab's message, byte for byte: a Ruby heredoc with the hash inspected the
 * way Ruby 3.3 does (`{"parent"=>3}`), its line break and the stray `")`.
 */
export function recursionMessage(fields: ReadonlyMap<string, number>): string {
  const hash = `{${[...fields].map(([k, v]) => `${JSON.stringify(k)}=>${v}`).join(', ')}}`;
  return `Recursive query - too many of fields '${hash}' detected\nin single branch of the query")\n`;
}
