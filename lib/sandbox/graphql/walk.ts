/**
 * What the static analyses of a document (complexity, depth, recursion) share:
 * the operation a request runs, its fragments, its variables with defaults,
 * argument values and `@skip`/`@include`. Pure.
 */
import {
  DirectiveNode, DocumentNode, FieldNode, FragmentDefinitionNode, Kind, OperationDefinitionNode, ValueNode,
} from 'graphql';

export type Variables = Readonly<Record<string, unknown>> | null | undefined;

/** The operation a request runs: the named one, or the only one. */
export function selectOperation(document: DocumentNode, operationName?: string | null): OperationDefinitionNode | undefined {
  const ops = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  if (operationName) return ops.find((o) => o.name?.value === operationName);
  return ops.length === 1 ? ops[0] : undefined;
}

export interface Walk {
  readonly op: OperationDefinitionNode;
  readonly fragments: ReadonlyMap<string, FragmentDefinitionNode>;
  /** The operation's variables: given values, else the declared defaults. */
  readonly variables: Readonly<Record<string, unknown>>;
}

export function prepareWalk(document: DocumentNode, variables: Variables, operationName?: string | null): Walk | undefined {
  const op = selectOperation(document, operationName);
  if (!op) return undefined;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const vars: Record<string, unknown> = {};
  for (const def of op.variableDefinitions ?? []) {
    const name = def.variable.name.value;
    const given = variables?.[name];
    vars[name] = given !== undefined ? given : def.defaultValue ? literal(def.defaultValue, {}) : undefined;
  }
  return { op, fragments, variables: vars };
}

export function literal(v: ValueNode, variables: Readonly<Record<string, unknown>>): unknown {
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

/** An argument's value: `undefined` when not given (or given as an unset variable). */
export function argument(node: FieldNode, name: string, variables: Readonly<Record<string, unknown>>): unknown {
  const arg = node.arguments?.find((a) => a.name.value === name);
  return arg ? literal(arg.value, variables) : undefined;
}

export function hasArgument(node: FieldNode, name: string, variables: Readonly<Record<string, unknown>>): boolean {
  const arg = node.arguments?.find((a) => a.name.value === name);
  if (!arg) return false;
  return arg.value.kind !== Kind.VARIABLE || variables[arg.value.name.value] !== undefined;
}

export function included(node: { readonly directives?: readonly DirectiveNode[] }, variables: Readonly<Record<string, unknown>>): boolean {
  for (const d of node.directives ?? []) {
    const cond = d.arguments?.find((a) => a.name.value === 'if');
    const value = cond ? literal(cond.value, variables) : undefined;
    if (d.name.value === 'skip' && value === true) return false;
    if (d.name.value === 'include' && value === false) return false;
  }
  return true;
}

/** Ruby's truthiness, which GitLab's resolvers apply to `args[:sort]` and `args[:search]`: only nil and false are false. */
export function rubyTruthy(v: unknown): boolean {
  return v !== undefined && v !== null && v !== false;
}

/** Stable small numbers for AST nodes, for memo keys within one analysis. */
export class NodeIds {
  private readonly ids = new WeakMap<object, number>();
  private next = 1;
  of(node: object): number {
    let id = this.ids.get(node);
    if (id === undefined) {
      id = this.next++;
      this.ids.set(node, id);
    }
    return id;
  }
}
