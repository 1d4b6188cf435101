import { DocumentNode, FieldNode, Kind, SelectionSetNode, ValueNode, parse } from 'graphql';

/**
 * A client-side estimate of GitLab's query complexity (facts sheet, section 2):
 * every field costs 1 plus what is under it, and a paginated field adds 1% of
 * its cost for every item it may return (`first`/`last`, default 100). It only
 * sizes batches; GitLab's answer stays authoritative (a batch it refuses is split).
 */
export function estimateComplexity(query: string | DocumentNode, variables: Record<string, unknown> = {}): number {
  const doc = typeof query === 'string' ? parse(query) : query;
  let total = 0;
  for (const def of doc.definitions) {
    if (def.kind === Kind.OPERATION_DEFINITION) total += selectionCost(def.selectionSet, variables);
  }
  return Math.ceil(total);
}

function selectionCost(set: SelectionSetNode | undefined, vars: Record<string, unknown>): number {
  if (!set) return 0;
  let sum = 0;
  for (const sel of set.selections) {
    if (sel.kind === Kind.FIELD) sum += fieldCost(sel, vars);
    else if (sel.kind === Kind.INLINE_FRAGMENT) sum += selectionCost(sel.selectionSet, vars);
  }
  return sum;
}

function fieldCost(field: FieldNode, vars: Record<string, unknown>): number {
  if (field.name.value.startsWith('__')) return 0;
  const own = 1 + selectionCost(field.selectionSet, vars);
  const items = pageItems(field, vars);
  return items === undefined ? own : own * (1 + items / 100);
}

/** Items a field may return when it is paginated, else undefined. */
function pageItems(field: FieldNode, vars: Record<string, unknown>): number | undefined {
  let n: number | undefined;
  for (const arg of field.arguments ?? []) {
    if (arg.name.value === 'first' || arg.name.value === 'last') {
      const v = valueOf(arg.value, vars);
      if (typeof v === 'number') n = Math.min(v, 100);
    }
  }
  if (n !== undefined) return n;
  const isConnection = field.selectionSet?.selections.some(
    (s) => s.kind === Kind.FIELD && (s.name.value === 'nodes' || s.name.value === 'edges'),
  );
  return isConnection ? 100 : undefined;
}

function valueOf(node: ValueNode, vars: Record<string, unknown>): unknown {
  switch (node.kind) {
    case Kind.INT: return Number(node.value);
    case Kind.VARIABLE: return vars[node.name.value];
    default: return undefined;
  }
}
