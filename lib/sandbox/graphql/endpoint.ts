/**
 * POST /api/graphql: GitLab's request handling around graphql-js — size limit,
 * parse and validation errors in GitLab's wording, depth and complexity limits,
 * multiplexing, and execution with the caller's permissions.
 */
import {
  DocumentNode, execute, GraphQLError, GraphQLFormattedError, GraphQLSchema, Kind, OperationDefinitionNode, parse, validate,
} from 'graphql';
import { Principal } from '../access';
import type { ScopeService } from '../scope';
import type { SandboxState } from '../state';
import { COMPLEXITY_LIMITS, complexityMessage, computeComplexity, computeDepth, depthMessage, MAX_DEPTH, selectOperation } from './complexity';
import { mutationRoot } from './mutations';
import { GqlContext, queryRoot } from './resolvers';
import { sandboxSchema } from './schema';

export const MAX_QUERY_SIZE = 10_000;
export const QUERY_TOO_LARGE = 'Query too large';

export interface GraphqlEnv {
  readonly state: SandboxState;
  readonly scope: ScopeService;
  readonly principal: Principal;
  readonly baseUrl: string;
  /** Called once per operation run (or refused), to count queries and mutations. */
  readonly onOperation?: (kind: 'query' | 'mutation') => void;
  /** GitLab refuses mutations sent with GET. */
  readonly viaGet?: boolean;
}

export interface GraphqlHttpResult {
  readonly status: number;
  readonly body: unknown;
}

interface Prepared {
  readonly document?: DocumentNode;
  readonly errors: readonly GraphQLFormattedError[];
}

/** Parsed and validated documents by query text; clients send the same text many times. */
class DocumentCache {
  private readonly entries = new Map<string, Prepared>();
  constructor(private readonly schema: GraphQLSchema, private readonly max = 500) {}

  get(query: string): Prepared {
    const hit = this.entries.get(query);
    if (hit) return hit;
    const prepared = this.prepare(query);
    if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(query, prepared);
    return prepared;
  }

  private prepare(query: string): Prepared {
    let document: DocumentNode;
    try {
      document = parse(query);
    } catch (err) {
      return { errors: [formatError(err as GraphQLError)] };
    }
    const errors = validate(this.schema, document);
    if (errors.length) return { errors: errors.map((e) => rubyStyle(formatError(e))) };
    return { document, errors: [] };
  }
}

function formatError(e: GraphQLError): GraphQLFormattedError {
  return e.toJSON ? e.toJSON() : { message: e.message };
}

/** graphql-js phrases the two most common validation errors differently from GitLab's graphql-ruby. */
function rubyStyle(e: GraphQLFormattedError): GraphQLFormattedError {
  const field = /^Cannot query field "([^"]+)" on type "([^"]+)"\./.exec(e.message);
  if (field) {
    return { message: `Field '${field[1]}' doesn't exist on type '${field[2]}'`, locations: e.locations, path: e.path,
      extensions: { code: 'undefinedField', typeName: field[2], fieldName: field[1] } };
  }
  const arg = /^Unknown argument "([^"]+)" on field "[^".]+\.([^"]+)"\./.exec(e.message);
  if (arg) {
    return { message: `Field '${arg[2]}' doesn't accept argument '${arg[1]}'`, locations: e.locations, path: e.path,
      extensions: { code: 'argumentNotAccepted', name: arg[2], typeName: 'Field', argumentName: arg[1] } };
  }
  return e;
}

/** Schema introspection (GraphiQL, codegen) is not held to the complexity limit. */
function isIntrospectionOnly(op: OperationDefinitionNode | undefined): boolean {
  return !!op && op.selectionSet.selections.every((s) => s.kind === Kind.FIELD && s.name.value.startsWith('__'));
}

export function complexityLimitFor(principal: Principal): number {
  if (!principal.user) return COMPLEXITY_LIMITS.anonymous;
  return principal.user.admin ? COMPLEXITY_LIMITS.admin : COMPLEXITY_LIMITS.authenticated;
}

export class GraphqlEndpoint {
  private readonly schema: GraphQLSchema;
  private readonly cache: DocumentCache;
  private readonly rootValue = queryRoot();
  private readonly mutationValue = mutationRoot();

  /** `version`: the seeded GitLab version; before 18.3 the schema has no fine-grained job-token permissions. */
  constructor(version?: string) {
    this.schema = sandboxSchema(version);
    this.cache = new DocumentCache(this.schema);
  }

  /** Handles a parsed JSON body: one request object or a multiplex array. */
  async handle(body: unknown, env: GraphqlEnv): Promise<GraphqlHttpResult> {
    const requests = Array.isArray(body) ? body : [body];
    for (const r of requests) {
      const q = r && typeof r === 'object' ? (r as Record<string, unknown>).query : undefined;
      if (typeof q === 'string' && q.length > MAX_QUERY_SIZE) return { status: 422, body: { errors: [{ message: QUERY_TOO_LARGE }] } };
    }
    if (env.viaGet && requests.some((r) => this.isMutation(r))) {
      return { status: 422, body: { errors: [{ message: 'Mutations are forbidden in GET requests' }] } };
    }
    const results: unknown[] = [];
    for (const r of requests) results.push(await this.runOne(r, env));
    return { status: 200, body: Array.isArray(body) ? results : results[0] };
  }

  private isMutation(request: unknown): boolean {
    const { query, operationName } = (request ?? {}) as { query?: unknown; operationName?: unknown };
    if (typeof query !== 'string') return false;
    const { document } = this.cache.get(query);
    const op = document && selectOperation(document, typeof operationName === 'string' && operationName ? operationName : null);
    return op?.operation === 'mutation';
  }

  private async runOne(request: unknown, env: GraphqlEnv): Promise<unknown> {
    if (!request || typeof request !== 'object' || Array.isArray(request)) {
      return { errors: [{ message: 'Expected a JSON object with a "query" string' }] };
    }
    const { query, operationName } = request as { query?: unknown; operationName?: unknown };
    let variables = (request as { variables?: unknown }).variables;
    if (typeof query !== 'string' || query.trim() === '') return { errors: [{ message: 'No query string was present' }] };
    if (typeof variables === 'string') {
      try {
        variables = variables.trim() === '' ? {} : JSON.parse(variables);
      } catch {
        return { errors: [{ message: `Unexpected end of JSON input (variables: ${variables})` }] };
      }
    }
    if (variables !== undefined && variables !== null && (typeof variables !== 'object' || Array.isArray(variables))) {
      return { errors: [{ message: 'Variables must be a JSON object' }] };
    }
    const opName = typeof operationName === 'string' && operationName !== '' ? operationName : null;
    const prepared = this.cache.get(query);
    if (!prepared.document) {
      env.onOperation?.('query');
      return { errors: prepared.errors };
    }
    const document = prepared.document;
    const op = selectOperation(document, opName);
    const kind = op?.operation === 'mutation' ? 'mutation' : 'query';
    env.onOperation?.(kind);
    const vars = (variables ?? {}) as Record<string, unknown>;
    const depth = computeDepth(document, vars, opName);
    if (depth > MAX_DEPTH) return { errors: [{ message: depthMessage(depth) }] };
    const limit = complexityLimitFor(env.principal);
    const score = computeComplexity(this.schema, document, vars, opName);
    if (score > limit && !isIntrospectionOnly(op)) return { errors: [{ message: complexityMessage(score, limit) }] };
    const context: GqlContext = {
      state: env.state, scope: env.scope, principal: env.principal, baseUrl: env.baseUrl, complexity: { score, limit },
    };
    const result = await execute({
      schema: this.schema,
      document,
      rootValue: kind === 'mutation' ? this.mutationValue : this.rootValue,
      contextValue: context,
      variableValues: vars,
      operationName: opName,
    });
    const out: Record<string, unknown> = {};
    if (result.errors?.length) out.errors = result.errors.map((e) => formatError(e));
    if ('data' in result) out.data = result.data;
    return out;
  }
}
