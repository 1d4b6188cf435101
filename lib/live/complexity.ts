import { DocumentNode, FieldNode, FragmentDefinitionNode, Kind, SelectionSetNode, ValueNode, parse } from 'graphql';

/**
 * A client-side estimate of GitLab's query complexity (gitlab-org/gitlab
 * `app/graphql/types/base_field.rb`, `app/graphql/resolvers/base_resolver.rb`):
 * every field costs 1 plus what is under it. Only connections backed by a
 * resolver (`Query.projects`, `Query.groups`, `Group.projects`,
 * `Project.ciJobTokenAuthLogs`) cost more: their children plus 1, +1 when a
 * sort applies (`groups` sorts by name by default), +5 with `search`, +10 for
 * `Group.projects`, and then 1% of that per item they may return
 * (`first`/`last`, at most 100). Plain connections (the allowlists) are not
 * multiplied. It only sizes batches: GitLab's answer stays authoritative (the
 * engine reads `queryComplexity` and a refusal's numbers, and splits).
 */
export function estimateComplexity(query: string | DocumentNode, variables: Record<string, unknown> = {}): number {
  const doc = typeof query === 'string' ? parse(query) : query;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of doc.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  let total = 0;
  for (const def of doc.definitions) {
    if (def.kind === Kind.OPERATION_DEFINITION) {
      const root = def.operation === 'mutation' ? 'Mutation' : 'Query';
      total += selectionCost({ fragments, vars: variables }, def.selectionSet, root);
    }
  }
  return total;
}

interface Ctx {
  readonly fragments: ReadonlyMap<string, FragmentDefinitionNode>;
  readonly vars: Record<string, unknown>;
}

/** The types tokenscope's own queries walk through, as far as the cost rule needs them. */
const FIELD_TYPES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  Query: { project: 'Project', projects: 'ProjectConnection', group: 'Group', groups: 'GroupConnection' },
  ProjectConnection: { nodes: 'Project', edges: 'ProjectEdge' },
  ProjectEdge: { node: 'Project' },
  GroupConnection: { nodes: 'Group', edges: 'GroupEdge' },
  GroupEdge: { node: 'Group' },
  Project: { group: 'Group' },
  Group: { projects: 'ProjectConnection', parent: 'Group' },
};

interface ResolverRule {
  readonly extra: number;
  /** The resolver's `sort` argument has a default (GroupsResolver: `name_asc`). */
  readonly sortsByDefault: boolean;
}

const RESOLVER_CONNECTIONS: Readonly<Record<string, ResolverRule>> = {
  'Query.projects': { extra: 0, sortsByDefault: false },
  'Query.groups': { extra: 0, sortsByDefault: true },
  'Group.projects': { extra: 10, sortsByDefault: false },
  'Project.ciJobTokenAuthLogs': { extra: 0, sortsByDefault: false },
};

const MAX_PAGE_SIZE = 100;

/**
 * Fields are summed; fragments on other types than the parent are the members
 * of a union or interface, of which GitLab counts the most expensive one.
 */
function selectionCost(ctx: Ctx, set: SelectionSetNode | undefined, type: string | undefined): number {
  if (!set) return 0;
  let sum = 0;
  const branches = new Map<string, number>();
  const branch = (condition: string | undefined, body: SelectionSetNode) => {
    if (!condition || condition === type) sum += selectionCost(ctx, body, type);
    else branches.set(condition, (branches.get(condition) ?? 0) + selectionCost(ctx, body, condition));
  };
  for (const sel of set.selections) {
    if (sel.kind === Kind.FIELD) sum += fieldCost(ctx, sel, type);
    else if (sel.kind === Kind.INLINE_FRAGMENT) branch(sel.typeCondition?.name.value, sel.selectionSet);
    else {
      const frag = ctx.fragments.get(sel.name.value);
      if (frag) branch(frag.typeCondition.name.value, frag.selectionSet);
    }
  }
  return sum + Math.max(0, ...branches.values());
}

function fieldCost(ctx: Ctx, field: FieldNode, parent: string | undefined): number {
  const name = field.name.value;
  const childType = parent ? FIELD_TYPES[parent]?.[name] : undefined;
  const children = selectionCost(ctx, field.selectionSet, childType);
  const rule = parent ? RESOLVER_CONNECTIONS[`${parent}.${name}`] : undefined;
  if (!rule) return 1 + children;
  const given = (arg: string) => {
    const a = field.arguments?.find((x) => x.name.value === arg);
    return a ? { value: valueOf(a.value, ctx.vars) } : undefined;
  };
  // Ruby truthiness: only nil and false are false ("" counts).
  const truthy = (v: unknown) => v !== undefined && v !== null && v !== false;
  const sort = given('sort');
  let c = children + 1 + rule.extra;
  if (sort ? truthy(sort.value) : rule.sortsByDefault) c += 1;
  if (truthy(given('search')?.value)) c += 5;
  const sizes = [given('first')?.value, given('last')?.value].filter((v): v is number => typeof v === 'number');
  const limit = Math.min(MAX_PAGE_SIZE, ...sizes);
  return Math.trunc(c + c * (limit * 0.01));
}

function valueOf(node: ValueNode, vars: Record<string, unknown>): unknown {
  switch (node.kind) {
    case Kind.INT: return Number(node.value);
    case Kind.STRING: case Kind.ENUM: return node.value;
    case Kind.BOOLEAN: return node.value;
    case Kind.NULL: return null;
    case Kind.VARIABLE: return vars[node.name.value];
    default: return undefined;
  }
}
