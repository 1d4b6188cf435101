/**
 * GitLab's query complexity and depth, computed from a parsed document alone
 * (pure: no server, no resolvers), so a client can size its batches with the
 * same numbers the server enforces.
 *
 * Rule: every field costs 1 plus the cost of what is selected under it. A
 * connection field is then multiplied by (1 + limit/100), limit being the
 * smallest of `first`, `last` and the page size 100, and truncated to an
 * integer (GitLab: "loading 100 items doubles the original complexity").
 * Fields under a union or interface count once per possible type and the most
 * expensive type wins; the same response key selected twice counts once.
 */
import {
  DocumentNode, FieldNode, FragmentDefinitionNode, getNamedType, GraphQLCompositeType, GraphQLField,
  GraphQLSchema, isAbstractType, isCompositeType, isInterfaceType, isObjectType, Kind, OperationDefinitionNode,
  SchemaMetaFieldDef, SelectionSetNode, TypeMetaFieldDef, ValueNode,
} from 'graphql';

export const MAX_PAGE_SIZE = 100;
export const MAX_DEPTH = 20;
export const COMPLEXITY_LIMITS = { anonymous: 200, authenticated: 250, admin: 300 } as const;

type Variables = Readonly<Record<string, unknown>> | null | undefined;

interface Walk {
  readonly schema: GraphQLSchema;
  readonly fragments: ReadonlyMap<string, FragmentDefinitionNode>;
  readonly variables: Readonly<Record<string, unknown>>;
}

/** The operation a request runs: the named one, or the only one. */
export function selectOperation(document: DocumentNode, operationName?: string | null): OperationDefinitionNode | undefined {
  const ops = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  if (operationName) return ops.find((o) => o.name?.value === operationName);
  return ops.length === 1 ? ops[0] : undefined;
}

function prepare(schema: GraphQLSchema, document: DocumentNode, variables: Variables, operationName?: string | null):
  { walk: Walk; op: OperationDefinitionNode; root: GraphQLCompositeType } | undefined {
  const op = selectOperation(document, operationName);
  if (!op) return undefined;
  const root = op.operation === 'mutation' ? schema.getMutationType() : op.operation === 'subscription' ? schema.getSubscriptionType() : schema.getQueryType();
  if (!root) return undefined;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const vars: Record<string, unknown> = {};
  for (const def of op.variableDefinitions ?? []) {
    const name = def.variable.name.value;
    const given = variables?.[name];
    vars[name] = given !== undefined ? given : def.defaultValue ? literal(def.defaultValue, {}) : undefined;
  }
  return { walk: { schema, fragments, variables: vars }, op, root };
}

function literal(v: ValueNode, variables: Readonly<Record<string, unknown>>): unknown {
  switch (v.kind) {
    case Kind.INT: return parseInt(v.value, 10);
    case Kind.FLOAT: return parseFloat(v.value);
    case Kind.BOOLEAN: return v.value;
    case Kind.STRING: case Kind.ENUM: return v.value;
    case Kind.NULL: return null;
    case Kind.VARIABLE: return variables[v.name.value];
    case Kind.LIST: return v.values.map((x) => literal(x, variables));
    case Kind.OBJECT: return Object.fromEntries(v.fields.map((f) => [f.name.value, literal(f.value, variables)]));
    default: return undefined;
  }
}

function argument(node: FieldNode, name: string, variables: Readonly<Record<string, unknown>>): unknown {
  const arg = node.arguments?.find((a) => a.name.value === name);
  return arg ? literal(arg.value, variables) : undefined;
}

function included(node: { directives?: readonly { name: { value: string }; arguments?: readonly { name: { value: string }; value: ValueNode }[] }[] }, variables: Readonly<Record<string, unknown>>): boolean {
  for (const d of node.directives ?? []) {
    const cond = d.arguments?.find((a) => a.name.value === 'if');
    const value = cond ? literal(cond.value, variables) : undefined;
    if (d.name.value === 'skip' && value === true) return false;
    if (d.name.value === 'include' && value === false) return false;
  }
  return true;
}

/** Fields selected on `parent`, by response key; typed branches under abstract types kept apart. */
function collect(walk: Walk, set: SelectionSetNode, parent: GraphQLCompositeType):
  { common: Map<string, FieldNode[]>; branches: Map<string, Map<string, FieldNode[]>> } {
  const common = new Map<string, FieldNode[]>();
  const branches = new Map<string, Map<string, FieldNode[]>>();
  const seenFragments = new Set<string>();
  const visit = (ss: SelectionSetNode, condition: string | undefined): void => {
    for (const sel of ss.selections) {
      if (!included(sel, walk.variables)) continue;
      if (sel.kind === Kind.FIELD) {
        const key = sel.alias?.value ?? sel.name.value;
        const branch = condition && isAbstractType(parent) && condition !== parent.name && isObjectType(walk.schema.getType(condition));
        let target = common;
        if (branch) {
          target = branches.get(condition!) ?? new Map();
          branches.set(condition!, target);
        }
        const list = target.get(key) ?? [];
        list.push(sel);
        target.set(key, list);
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        visit(sel.selectionSet, sel.typeCondition?.name.value ?? condition);
      } else {
        const frag = walk.fragments.get(sel.name.value);
        if (!frag || seenFragments.has(frag.name.value)) continue;
        seenFragments.add(frag.name.value);
        visit(frag.selectionSet, frag.typeCondition.name.value);
        seenFragments.delete(frag.name.value);
      }
    }
  };
  visit(set, undefined);
  return { common, branches };
}

function fieldDef(walk: Walk, parent: GraphQLCompositeType, name: string): GraphQLField<unknown, unknown> | undefined {
  if (name === '__schema' && parent === walk.schema.getQueryType()) return SchemaMetaFieldDef;
  if (name === '__type' && parent === walk.schema.getQueryType()) return TypeMetaFieldDef;
  if (isObjectType(parent) || isInterfaceType(parent)) return parent.getFields()[name];
  return undefined;
}

function isConnection(type: GraphQLCompositeType): boolean {
  return isObjectType(type) && type.name.endsWith('Connection') && 'pageInfo' in type.getFields();
}

function mergedSelection(nodes: readonly FieldNode[]): SelectionSetNode | undefined {
  const sets = nodes.flatMap((n) => (n.selectionSet ? [n.selectionSet] : []));
  if (sets.length === 0) return undefined;
  if (sets.length === 1) return sets[0];
  return { kind: Kind.SELECTION_SET, selections: sets.flatMap((s) => s.selections) };
}

function fieldsCost(walk: Walk, fields: Map<string, FieldNode[]>, parent: GraphQLCompositeType): number {
  let total = 0;
  for (const nodes of fields.values()) total += fieldCost(walk, nodes, parent);
  return total;
}

function selectionCost(walk: Walk, set: SelectionSetNode, parent: GraphQLCompositeType): number {
  const { common, branches } = collect(walk, set, parent);
  let branchMax = 0;
  for (const [typeName, fields] of branches) {
    const t = walk.schema.getType(typeName);
    if (t && isCompositeType(t)) branchMax = Math.max(branchMax, fieldsCost(walk, fields, t));
  }
  return fieldsCost(walk, common, parent) + branchMax;
}

/** The page size a connection field may return: min(first, last, 100). */
export function connectionLimit(first: unknown, last: unknown): number {
  const values = [first, last].filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  return Math.max(0, Math.min(MAX_PAGE_SIZE, ...values));
}

function fieldCost(walk: Walk, nodes: readonly FieldNode[], parent: GraphQLCompositeType): number {
  const def = fieldDef(walk, parent, nodes[0].name.value);
  if (!def) return 1;
  const type = getNamedType(def.type);
  const set = mergedSelection(nodes);
  const children = set && isCompositeType(type) ? selectionCost(walk, set, type) : 0;
  const base = 1 + children;
  if (!isCompositeType(type) || !isConnection(type)) return base;
  const limit = connectionLimit(argument(nodes[0], 'first', walk.variables), argument(nodes[0], 'last', walk.variables));
  return Math.trunc(base * (1 + limit / 100));
}

/** GitLab's complexity score of the operation (named or only) in `document`; 0 when there is none. */
export function computeComplexity(schema: GraphQLSchema, document: DocumentNode, variables?: Variables, operationName?: string | null): number {
  const p = prepare(schema, document, variables, operationName);
  return p ? selectionCost(p.walk, p.op.selectionSet, p.root) : 0;
}

/** Nesting depth in fields (`{ project { id } }` is 2), fragments expanded. */
export function computeDepth(document: DocumentNode, variables?: Variables, operationName?: string | null): number {
  const op = selectOperation(document, operationName);
  if (!op) return 0;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const vars = (variables ?? {}) as Record<string, unknown>;
  const depth = (set: SelectionSetNode, inFragments: Set<string>): number => {
    let max = 0;
    for (const sel of set.selections) {
      if (!included(sel, vars)) continue;
      if (sel.kind === Kind.FIELD) max = Math.max(max, 1 + (sel.selectionSet ? depth(sel.selectionSet, inFragments) : 0));
      else if (sel.kind === Kind.INLINE_FRAGMENT) max = Math.max(max, depth(sel.selectionSet, inFragments));
      else {
        const frag = fragments.get(sel.name.value);
        if (!frag || inFragments.has(frag.name.value)) continue;
        max = Math.max(max, depth(frag.selectionSet, new Set([...inFragments, frag.name.value])));
      }
    }
    return max;
  };
  return depth(op.selectionSet, new Set());
}

export function complexityMessage(score: number, limit: number): string {
  return `Query has complexity of ${score}, which exceeds max complexity of ${limit}`;
}

export function depthMessage(depth: number, limit: number = MAX_DEPTH): string {
  return `Query has depth of ${depth}, which exceeds max depth of ${limit}`;
}
