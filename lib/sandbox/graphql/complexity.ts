/**
 * GitLab's query complexity, computed from a parsed document alone (pure: no
 * server, no resolvers), so a client can size its batches with the numbers the
 * server enforces.
 *
 * The rule (gitlab-org/gitlab `app/graphql/types/base_field.rb`,
 * `app/graphql/resolvers/base_resolver.rb`; `complexity_for` applies it to
 * connections too): a field costs 1 plus what is selected under it. A field
 * backed by a resolver costs its children plus the resolver's complexity, 1,
 * +1 when a `sort` applies (given or by default), +5 when `search` is given
 * (NamespaceProjectsResolver adds 10 more), and when it is a connection it then
 * adds 1% of that per item it may return: `c + c * (limit * 0.01)`, truncated,
 * `limit = min(first, last, page size 100)`. Plain connection fields (the
 * allowlists) are not multiplied. Fields under a union or interface count once
 * per possible type and the most expensive type wins; the same response key
 * selected twice counts once.
 *
 * Costs are memoised per (parent type, AST nodes), so a document whose
 * fragments spread each other many times is priced in time linear in its size.
 */
import {
  DocumentNode, FieldNode, getNamedType, GraphQLCompositeType, GraphQLField, GraphQLSchema, isAbstractType,
  isCompositeType, isInterfaceType, isObjectType, Kind, SchemaMetaFieldDef, SelectionSetNode, TypeMetaFieldDef,
} from 'graphql';
import { argument, included, NodeIds, prepareWalk, rubyTruthy, Variables, Walk } from './walk';

export { selectOperation } from './walk';

export const MAX_PAGE_SIZE = 100;
/** `ciJobTokenScopeAllowlist { projectsAllowlist groupsAllowlist }` page up to 200 (facts sheet; see README). */
export const ALLOWLIST_PAGE_SIZE = 200;
/** graphql-ruby's depth limits in GitLab: `AUTHENTICATED_MAX_DEPTH` and `DEFAULT_MAX_DEPTH` (`gitlab_schema.rb`). */
export const MAX_DEPTH = 20;
export const ANONYMOUS_MAX_DEPTH = 15;
/**
 * `gitlab_schema.rb`: 200 anonymous, 250 with a user, 300 for an admin, and 217
 * for an anonymous request whose operation is `IntrospectionQuery`.
 */
export const COMPLEXITY_LIMITS = { anonymous: 200, authenticated: 250, admin: 300, introspection: 217 } as const;

/** A resolver-backed connection field and what its resolver adds beyond the base 1. */
interface ResolverRule {
  readonly extra?: number;
}

/**
 * The connection fields of the sandbox's schema that GitLab backs with a
 * resolver (others are plain: 1 + children). `Group.projects` is
 * `NamespaceProjectsResolver`, whose `resolver_complexity` adds 10.
 */
export const RESOLVER_CONNECTIONS: ReadonlyMap<string, ResolverRule> = new Map<string, ResolverRule>([
  ['Query.projects', {}],
  ['Query.groups', {}],
  ['Group.projects', { extra: 10 }],
  ['Project.ciJobTokenAuthLogs', {}],
]);

interface State {
  readonly schema: GraphQLSchema;
  readonly walk: Walk;
  readonly ids: NodeIds;
  readonly memo: Map<string, number>;
}

interface Collected {
  readonly common: Map<string, FieldNode[]>;
  readonly branches: Map<string, Map<string, FieldNode[]>>;
}

/**
 * Fields selected on `parent` by the given selection sets, by response key;
 * typed branches under abstract types kept apart. A fragment is visited once
 * per collection, as graphql-js's `collectFields` does: a second spread of it
 * adds the same fields under the same keys.
 */
function collect(s: State, sets: readonly SelectionSetNode[], parent: GraphQLCompositeType): Collected {
  const common = new Map<string, FieldNode[]>();
  const branches = new Map<string, Map<string, FieldNode[]>>();
  const seenFragments = new Set<string>();
  const visit = (ss: SelectionSetNode, condition: string | undefined): void => {
    for (const sel of ss.selections) {
      if (!included(sel, s.walk.variables)) continue;
      if (sel.kind === Kind.FIELD) {
        const key = sel.alias?.value ?? sel.name.value;
        const branch = condition && isAbstractType(parent) && condition !== parent.name && isObjectType(s.schema.getType(condition));
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
        const frag = s.walk.fragments.get(sel.name.value);
        if (!frag || seenFragments.has(frag.name.value)) continue;
        seenFragments.add(frag.name.value);
        visit(frag.selectionSet, frag.typeCondition.name.value);
      }
    }
  };
  for (const set of sets) visit(set, undefined);
  return { common, branches };
}

function fieldDef(schema: GraphQLSchema, parent: GraphQLCompositeType, name: string): GraphQLField<unknown, unknown> | undefined {
  if (name === '__schema' && parent === schema.getQueryType()) return SchemaMetaFieldDef;
  if (name === '__type' && parent === schema.getQueryType()) return TypeMetaFieldDef;
  if (isObjectType(parent) || isInterfaceType(parent)) return parent.getFields()[name];
  return undefined;
}

function fieldsCost(s: State, fields: Map<string, FieldNode[]>, parent: GraphQLCompositeType): number {
  let total = 0;
  for (const nodes of fields.values()) total += fieldCost(s, nodes, parent);
  return total;
}

function selectionCost(s: State, sets: readonly SelectionSetNode[], parent: GraphQLCompositeType): number {
  const key = `S${parent.name}:${sets.map((x) => s.ids.of(x)).join(',')}`;
  const hit = s.memo.get(key);
  if (hit !== undefined) return hit;
  const { common, branches } = collect(s, sets, parent);
  let branchMax = 0;
  for (const [typeName, fields] of branches) {
    const t = s.schema.getType(typeName);
    if (t && isCompositeType(t)) branchMax = Math.max(branchMax, fieldsCost(s, fields, t));
  }
  const cost = fieldsCost(s, common, parent) + branchMax;
  s.memo.set(key, cost);
  return cost;
}

/** The page size a connection field may return: min(first, last, page size), the ones given. */
export function connectionLimit(first: unknown, last: unknown, pageSize: number = MAX_PAGE_SIZE): number {
  const values = [first, last].filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  return Math.min(pageSize, ...values);
}

/** An argument as the resolver sees it: the value given, else the schema's default. */
function argValue(s: State, def: GraphQLField<unknown, unknown>, node: FieldNode, name: string): unknown {
  const given = argument(node, name, s.walk.variables);
  if (given !== undefined) return given;
  const arg = def.args.find((a) => a.name === name);
  return arg?.defaultValue;
}

function fieldCost(s: State, nodes: readonly FieldNode[], parent: GraphQLCompositeType): number {
  const key = `F${parent.name}:${nodes.map((n) => s.ids.of(n)).join(',')}`;
  const hit = s.memo.get(key);
  if (hit !== undefined) return hit;
  const def = fieldDef(s.schema, parent, nodes[0].name.value);
  let cost = 1;
  if (def) {
    const type = getNamedType(def.type);
    const sets = nodes.flatMap((n) => (n.selectionSet ? [n.selectionSet] : []));
    const children = sets.length > 0 && isCompositeType(type) ? selectionCost(s, sets, type) : 0;
    const rule = RESOLVER_CONNECTIONS.get(`${parent.name}.${def.name}`);
    if (!rule) {
      cost = 1 + children;
    } else {
      // BaseResolver.resolver_complexity, then BaseField#connection_complexity_multiplier (Ruby's float arithmetic, then to_i).
      let c = children + 1 + (rule.extra ?? 0);
      if (rubyTruthy(argValue(s, def, nodes[0], 'sort'))) c += 1;
      if (rubyTruthy(argValue(s, def, nodes[0], 'search'))) c += 5;
      const limit = connectionLimit(argument(nodes[0], 'first', s.walk.variables), argument(nodes[0], 'last', s.walk.variables));
      cost = Math.trunc(c + c * (limit * 0.01));
    }
  }
  s.memo.set(key, cost);
  return cost;
}

/** GitLab's complexity score of the operation (named or only) in `document`; 0 when there is none. */
export function computeComplexity(schema: GraphQLSchema, document: DocumentNode, variables?: Variables, operationName?: string | null): number {
  const walk = prepareWalk(document, variables, operationName);
  if (!walk) return 0;
  const op = walk.op;
  const root = op.operation === 'mutation' ? schema.getMutationType() : op.operation === 'subscription' ? schema.getSubscriptionType() : schema.getQueryType();
  if (!root) return 0;
  return selectionCost({ schema, walk, ids: new NodeIds(), memo: new Map() }, [op.selectionSet], root);
}

/** graphql-ruby's words (`GraphQL::Analysis::MaxQueryComplexity`). */
export function complexityMessage(score: number, limit: number): string {
  return `Query has complexity of ${score}, which exceeds max complexity of ${limit}`;
}
