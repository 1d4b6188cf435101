/**
 * POST /api/graphql: GitLab's request handling around graphql-js — the size
 * limit summed over a multiplex, parse and validation errors in GitLab's
 * wording, the recursion, depth and complexity checks (complexity also summed
 * over a multiplex), and execution with the caller's permissions
 * (`app/controllers/graphql_controller.rb`, `app/graphql/gitlab_schema.rb`).
 */
import {
  DocumentNode, execute, GraphQLError, GraphQLFormattedError, GraphQLSchema, parse, validate,
} from 'graphql';
import { Principal } from '../access';
import type { ScopeService } from '../scope';
import type { SandboxState } from '../state';
import {
  ANONYMOUS_MAX_DEPTH, COMPLEXITY_LIMITS, complexityMessage, computeComplexity, MAX_DEPTH, selectOperation,
} from './complexity';
import { computeDepth, depthMessage, recurringFields, recursionMessage } from './depth';
import { mutationRoot } from './mutations';
import { GqlContext, queryRoot } from './resolvers';
import { sandboxSchema } from './schema';

export const MAX_QUERY_SIZE = 10_000;
export const QUERY_TOO_LARGE = 'Query too large';
/**
 * More queries than this in one multiplexed request are refused before any is
 * parsed. GitLab has no count limit of its own, but every query costs at least
 * 1 and GitLab sums complexity over the multiplex, so a multiplex of more valid
 * queries than the highest limit (300, admin) is always refused by GitLab too.
 */
export const MAX_MULTIPLEX_QUERIES = 300;

export function tooManyQueriesMessage(n: number): string {
  return `Too many queries in one request (${n}): the sandbox refuses a multiplex of more than ${MAX_MULTIPLEX_QUERIES}`;
}

export interface GraphqlEndpointOptions {
  /** The seeded GitLab version: it decides the schema (fine-grained permissions, their enum values). */
  readonly version?: string;
  /**
   * A complexity limit below GitLab's (stricter than GitLab), so that clients'
   * split-and-retry can be exercised; GitLab's own limits apply when lower.
   */
  readonly maxComplexity?: number;
}

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

/** GitLab's limit for the caller (`max_query_complexity`): introspection's 217 only for an anonymous `IntrospectionQuery`. */
export function complexityLimitFor(principal: Principal, introspection = false): number {
  if (principal.user?.admin) return COMPLEXITY_LIMITS.admin;
  if (principal.user) return COMPLEXITY_LIMITS.authenticated;
  return introspection ? COMPLEXITY_LIMITS.introspection : COMPLEXITY_LIMITS.anonymous;
}

/** One request of a (possibly multiplexed) body, checked and analysed, not yet run. */
interface Checked {
  /** Answer without running: a malformed request, validation or analysis errors. */
  answer?: Record<string, unknown>;
  document?: DocumentNode;
  opName: string | null;
  variables: Record<string, unknown>;
  kind: 'query' | 'mutation';
  score: number;
  errors: GraphQLFormattedError[];
}

export class GraphqlEndpoint {
  private readonly schema: GraphQLSchema;
  private readonly cache: DocumentCache;
  private readonly rootValue = queryRoot();
  private readonly mutationValue = mutationRoot();
  private readonly cap: number | undefined;

  constructor(options: GraphqlEndpointOptions = {}) {
    this.schema = sandboxSchema(options.version);
    this.cache = new DocumentCache(this.schema);
    this.cap = options.maxComplexity;
  }

  /** Handles a parsed JSON body: one request object or a multiplex array. */
  async handle(body: unknown, env: GraphqlEnv): Promise<GraphqlHttpResult> {
    const multiplex = Array.isArray(body);
    const requests: unknown[] = multiplex ? body : [body];
    if (requests.length > MAX_MULTIPLEX_QUERIES) return { status: 422, body: { errors: [{ message: tooManyQueriesMessage(requests.length) }] } };
    // `limit_query_size`: the characters of every query of the request together.
    let size = 0;
    for (const r of requests) {
      const q = r && typeof r === 'object' ? (r as Record<string, unknown>).query : undefined;
      if (typeof q === 'string') size += q.length;
    }
    if (size > MAX_QUERY_SIZE) return { status: 422, body: { errors: [{ message: QUERY_TOO_LARGE }] } };
    if (env.viaGet && requests.some((r) => this.isMutation(r))) {
      return { status: 422, body: { errors: [{ message: 'Mutations are forbidden in GET requests' }] } };
    }
    const introspection = !multiplex && !env.principal.user && this.isIntrospection(body);
    const limit = this.limitFor(env.principal, introspection);
    const checked = requests.map((r) => this.check(r, env, limit));
    const analysed = checked.filter((c) => !c.answer);
    // GitLab sums the complexity of a multiplex (`GitlabSchema.multiplex` max_complexity); each query is held to the limit too.
    const total = analysed.reduce((n, c) => n + c.score, 0);
    const multiplexError = multiplex && total > limit ? { message: complexityMessage(total, limit) } : undefined;
    const results: unknown[] = [];
    for (const c of checked) {
      if (c.answer) { results.push(c.answer); continue; }
      const errors = [...(multiplexError ? [multiplexError] : []), ...c.errors];
      results.push(errors.length > 0 ? { errors } : await this.run(c, env, limit));
    }
    return { status: 200, body: multiplex ? results : results[0] };
  }

  private limitFor(principal: Principal, introspection: boolean): number {
    const gitlab = complexityLimitFor(principal, introspection);
    return this.cap !== undefined ? Math.min(gitlab, this.cap) : gitlab;
  }

  /** `introspection_query?`: the `operationName` given, else the operation the query selects, is `IntrospectionQuery`. */
  private isIntrospection(request: unknown): boolean {
    const { query, operationName } = (request ?? {}) as { query?: unknown; operationName?: unknown };
    if (typeof operationName === 'string' && operationName !== '') return operationName === 'IntrospectionQuery';
    if (typeof query !== 'string') return false;
    const { document } = this.cache.get(query);
    return !!document && selectOperation(document, null)?.name?.value === 'IntrospectionQuery';
  }

  private isMutation(request: unknown): boolean {
    const { query, operationName } = (request ?? {}) as { query?: unknown; operationName?: unknown };
    if (typeof query !== 'string') return false;
    const { document } = this.cache.get(query);
    const op = document && selectOperation(document, typeof operationName === 'string' && operationName ? operationName : null);
    return op?.operation === 'mutation';
  }

  private check(request: unknown, env: GraphqlEnv, limit: number): Checked {
    const out = (answer: Record<string, unknown>): Checked => ({ answer, opName: null, variables: {}, kind: 'query', score: 0, errors: [] });
    if (!request || typeof request !== 'object' || Array.isArray(request)) {
      return out({ errors: [{ message: 'Expected a JSON object with a "query" string' }] });
    }
    const { query, operationName } = request as { query?: unknown; operationName?: unknown };
    let variables = (request as { variables?: unknown }).variables;
    if (typeof query !== 'string' || query.trim() === '') return out({ errors: [{ message: 'No query string was present' }] });
    if (typeof variables === 'string') {
      try {
        variables = variables.trim() === '' ? {} : JSON.parse(variables);
      } catch {
        return out({ errors: [{ message: `Unexpected end of JSON input (variables: ${variables})` }] });
      }
    }
    if (variables !== undefined && variables !== null && (typeof variables !== 'object' || Array.isArray(variables))) {
      return out({ errors: [{ message: 'Variables must be a JSON object' }] });
    }
    const opName = typeof operationName === 'string' && operationName !== '' ? operationName : null;
    const prepared = this.cache.get(query);
    if (!prepared.document) {
      env.onOperation?.('query');
      return out({ errors: prepared.errors });
    }
    const document = prepared.document;
    const op = selectOperation(document, opName);
    const kind = op?.operation === 'mutation' ? 'mutation' : 'query';
    env.onOperation?.(kind);
    const vars = (variables ?? {}) as Record<string, unknown>;
    // graphql-ruby's analyzers, in GitLab's order: RecursionAnalyzer, then max depth, then max complexity.
    const errors: GraphQLFormattedError[] = [];
    const recurring = recurringFields(document, vars, opName);
    if (recurring.size > 0) errors.push({ message: recursionMessage(recurring) });
    const maxDepth = env.principal.user ? MAX_DEPTH : ANONYMOUS_MAX_DEPTH;
    const depth = computeDepth(document, vars, opName);
    if (depth > maxDepth) errors.push({ message: depthMessage(depth, maxDepth) });
    const score = computeComplexity(this.schema, document, vars, opName);
    if (score > limit) errors.push({ message: complexityMessage(score, limit) });
    return { document, opName, variables: vars, kind, score, errors };
  }

  private async run(c: Checked, env: GraphqlEnv, limit: number): Promise<Record<string, unknown>> {
    const context: GqlContext = {
      state: env.state, scope: env.scope, principal: env.principal, baseUrl: env.baseUrl, complexity: { score: c.score, limit },
    };
    const result = await execute({
      schema: this.schema,
      document: c.document!,
      rootValue: c.kind === 'mutation' ? this.mutationValue : this.rootValue,
      contextValue: context,
      variableValues: c.variables,
      operationName: c.opName,
    });
    const out: Record<string, unknown> = {};
    if (result.errors?.length) out.errors = result.errors.map((e) => formatError(e));
    if ('data' in result) out.data = result.data;
    return out;
  }
}
