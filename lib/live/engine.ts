import { GitLabHttp, GitLabHttpError, GitLabResponse, gitlabErrorText } from '../gitlab/http';
import { QueryLimits } from './types';
import { quoteServerText } from '../gitlab/body';

export interface GraphQLError {
  readonly message: string;
  readonly path?: ReadonlyArray<string | number>;
}

export interface UnitResult {
  readonly data: Record<string, unknown> | null | undefined;
  readonly errors: readonly GraphQLError[];
}

/**
 * One GraphQL operation the engine may pack with others into a multiplexed
 * request. `handle` may return follow-up units (the next page of a list).
 */
export interface QueryUnit {
  readonly query: string;
  readonly variables: Record<string, unknown>;
  /** Estimated complexity. */
  readonly cost: number;
  handle(result: UnitResult): QueryUnit[] | void;
  /** Smaller units doing the same work, when GitLab refuses this one as too complex or too large; undefined when it cannot be split. */
  split(): QueryUnit[] | undefined;
  /** The unit could not be read; record why. */
  fail(message: string): void;
}

/** GitLab refused the token or the request as a whole: nothing else can be read. */
export class FatalReadError extends Error {
  constructor(message: string, readonly status?: number) {
    super(message);
    this.name = 'FatalReadError';
  }
}

export interface EngineOptions {
  readonly concurrency: number;
  readonly limits: QueryLimits;
}

export interface EngineStats {
  /** Multiplexed GraphQL requests sent (before transport retries). */
  graphqlRequests: number;
  queries: number;
  splits: number;
}

const COMPLEXITY_ERROR = /Query has complexity of (\d+), which exceeds max complexity of (\d+)/i;
const SIZE_ERROR = /Query too large/i;
/** GitLab's 30 s GraphQL timeout (HTTP 503) asks for "a less complex query or a smaller set of records": split like a limit. */
const TIMEOUT_ERROR = /Request timed out/i;
const isLimitMessage = (m: string) => COMPLEXITY_ERROR.test(m) || SIZE_ERROR.test(m) || TIMEOUT_ERROR.test(m);

interface Pending {
  readonly unit: QueryUnit;
}

/**
 * Runs query units with bounded concurrency, packing several per HTTP request
 * (multiplex) while the estimated complexity and query text stay under GitLab's
 * limits. GitLab checks complexity over a whole multiplex, so when it refuses a
 * packed request the request budget is halved and the units go back to the
 * queue; a unit refused on its own is split. The estimate is scaled up when
 * GitLab counts higher than we do.
 */
export async function runUnits(http: GitLabHttp, units: QueryUnit[], opts: EngineOptions): Promise<EngineStats> {
  const queue: Pending[] = units.map((unit) => ({ unit }));
  const stats: EngineStats = { graphqlRequests: 0, queries: 0, splits: 0 };
  const limits = opts.limits;
  let scale = 1;
  let budget = limits.maxComplexity;
  let inFlight = 0;
  let fatal: Error | undefined;
  let stopped: string | undefined;
  let wake: (() => void) | undefined;
  const notify = () => { const w = wake; wake = undefined; w?.(); };

  const take = (): Pending[] => {
    const batch: Pending[] = [];
    let cost = 0;
    let chars = 0;
    while (queue.length > 0 && batch.length < limits.maxQueriesPerRequest) {
      const next = queue[0];
      const c = next.unit.cost * scale;
      const n = next.unit.query.length;
      if (batch.length > 0 && (cost + c > budget || chars + n > limits.maxQueryChars)) break;
      batch.push(queue.shift() as Pending);
      cost += c;
      chars += n;
    }
    return batch;
  };

  /**
   * What GitLab says about its limit: a refusal names it ("... exceeds max
   * complexity of 250"), and `queryComplexity { score limit }` in an answer
   * gives it and the query's real score. The budget never grows back.
   */
  const learn = (p: Pending | undefined, data: Record<string, unknown> | null | undefined, messages: readonly string[]) => {
    for (const m of messages) {
      const hit = COMPLEXITY_ERROR.exec(m);
      if (hit) budget = Math.min(budget, Number(hit[2]));
    }
    const qc = data?.queryComplexity as { score?: unknown; limit?: unknown } | null | undefined;
    if (typeof qc?.limit === 'number' && qc.limit > 0) budget = Math.min(budget, qc.limit);
    if (p && typeof qc?.score === 'number' && qc.score > p.unit.cost * scale) scale = qc.score / Math.max(1, p.unit.cost);
  };

  /** Sends the units of a refused multi-unit request again, in smaller requests. */
  const shrink = (batch: Pending[]) => {
    const batchCost = batch.reduce((s, p) => s + p.unit.cost * scale, 0);
    const batchChars = batch.reduce((s, p) => s + p.unit.query.length, 0);
    budget = Math.min(budget, batchCost / 2);
    if (batchChars > limits.maxQueryChars / 2) budget = Math.min(budget, batchCost / 2);
    stats.splits++;
    queue.unshift(...batch);
  };

  const settle = (p: Pending, result: UnitResult) => {
    learn(p, result.data, result.errors.map((e) => e.message));
    const limitError = result.errors.find((e) => isLimitMessage(e.message));
    if (limitError && !result.data) {
      const m = COMPLEXITY_ERROR.exec(limitError.message);
      if (m) {
        const actual = Number(m[1]);
        if (actual > p.unit.cost * scale) scale = Math.max(scale, actual / Math.max(1, p.unit.cost));
      }
      const parts = p.unit.split();
      if (!parts || parts.length === 0) { p.unit.fail(`GitLab refused the query: ${limitError.message}`); return; }
      stats.splits++;
      queue.push(...parts.map((unit) => ({ unit })));
      return;
    }
    const more = p.unit.handle(result);
    if (more) queue.push(...more.map((unit) => ({ unit })));
  };

  const isLimitRefusal = (r: unknown) =>
    !(r as { data?: unknown })?.data && errorsOf(r).some((e) => isLimitMessage(e.message));

  const send = async (batch: Pending[]) => {
    const body = batch.map((p) => ({ query: p.unit.query, variables: p.unit.variables }));
    stats.graphqlRequests++;
    stats.queries += batch.length;
    let res: GitLabResponse;
    try {
      res = await http.graphql(body.length === 1 ? body[0] : body);
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      if (err instanceof GitLabHttpError && err.kind === 'not_gitlab' && err.status === 401) throw fatalFor(401, msg);
      // Not GitLab at all (HTML, a 404 on /api/graphql, 50 MB): every other request would say the same. Say it once.
      if (err instanceof GitLabHttpError && (err.kind === 'not_gitlab' || err.kind === 'too_large')) throw new FatalReadError(msg, err.status);
      if (err instanceof GitLabHttpError && err.kind === 'deadline') {
        stopped = msg;
        for (const p of [...batch, ...queue.splice(0)]) p.unit.fail(`not read: ${msg}`);
        return;
      }
      for (const p of batch) p.unit.fail(msg);
      return;
    }
    if (res.status === 401 || res.status === 403) {
      throw fatalFor(res.status, gitlabErrorText(res) ?? `HTTP ${res.status}`);
    }
    const together = batch.length > 1;
    if (res.status !== 200) {
      const text = gitlabErrorText(res) ?? `HTTP ${res.status}`;
      if (isLimitMessage(text) || res.status === 413) {
        learn(undefined, undefined, [text]);
        if (together) shrink(batch);
        else settle(batch[0], { data: null, errors: [{ message: text }] });
        return;
      }
      for (const p of batch) p.unit.fail(`GitLab answered HTTP ${res.status}: ${text}`);
      return;
    }
    const results = Array.isArray(res.json) ? res.json : [res.json];
    const invalidToken = results.map(errorsOf).flat().find((e) => /invalid token|401 unauthorized/i.test(e.message));
    if (invalidToken) throw fatalFor(401, invalidToken.message);
    // A field this GitLab's schema lacks fails every query alike: one clear stop, not N unreadable projects.
    const unknownField = results.map(errorsOf).flat().find((e) => UNKNOWN_FIELD.test(e.message));
    if (unknownField) throw schemaFatal(unknownField.message);
    if (together && (results.length !== batch.length || results.some(isLimitRefusal))) {
      // Over a limit as a whole (or answered with one error object): smaller requests.
      if (results.length !== batch.length && !results.some(isLimitRefusal)) {
        const errs = errorsOf(results[0]);
        for (const p of batch) p.unit.fail(errs[0]?.message ?? 'unexpected GraphQL answer');
        return;
      }
      for (const r of results) learn(undefined, undefined, errorsOf(r).map((e) => e.message));
      const refused = batch.filter((_, i) => results.length !== batch.length || isLimitRefusal(results[i]));
      batch.forEach((p, i) => {
        if (results.length === batch.length && !isLimitRefusal(results[i])) {
          const r = results[i] as { data?: Record<string, unknown> | null } | undefined;
          settle(p, { data: r?.data, errors: errorsOf(r) });
        }
      });
      shrink(refused);
      return;
    }
    batch.forEach((p, i) => {
      const r = results[i] as { data?: Record<string, unknown> | null } | undefined;
      settle(p, { data: r?.data, errors: errorsOf(r) });
    });
  };

  const worker = async (): Promise<void> => {
    for (;;) {
      if (fatal) return;
      // Past the deadline nothing more is sent: what is still queued (follow-up pages too) is not read.
      if (stopped) for (const p of queue.splice(0)) p.unit.fail(`not read: ${stopped}`);
      const batch = take();
      if (batch.length === 0) {
        if (inFlight === 0) { notify(); return; }
        await new Promise<void>((r) => { const prev = wake; wake = () => { prev?.(); r(); }; });
        continue;
      }
      inFlight++;
      try {
        await send(batch);
      } catch (err) {
        fatal = fatal ?? (err as Error);
      } finally {
        inFlight--;
        notify();
      }
    }
  };

  await Promise.all(Array.from({ length: Math.max(1, opts.concurrency) }, () => worker()));
  if (fatal) throw fatal;
  return stats;
}

function errorsOf(r: unknown): GraphQLError[] {
  const errs = (r as { errors?: unknown } | undefined)?.errors;
  if (!Array.isArray(errs)) return [];
  return errs
    .filter((e): e is { message: string; path?: Array<string | number> } => !!e && typeof (e as { message?: unknown }).message === 'string')
    .map((e) => ({ message: quoteServerText(e.message), path: Array.isArray(e.path) ? e.path : undefined }));
}

/** graphql-ruby's (GitLab's) and graphql-js's words for a field the schema does not have. */
const UNKNOWN_FIELD = /Field '(\w+)' doesn't exist on type '(\w+)'|Cannot query field "(\w+)" on type "(\w+)"/;

/** Fields that exist only from a GitLab version on, and the flag that asks for them. */
const FIELD_SINCE: Record<string, string> = {
  ciJobTokenAuthLogs: 'the job-token authentication log (Project.ciJobTokenAuthLogs) needs GitLab 17.6 or later: run without --auth-log',
  groupsAllowlist: 'group allowlists (CiJobTokenScopeType.groupsAllowlist) need GitLab 17.0 or later',
  ciJobTokenScopeAllowlist: 'fine-grained job-token permissions (Project.ciJobTokenScopeAllowlist) need GitLab 17.6 or later',
};

function schemaFatal(gitlabText: string): FatalReadError {
  const m = UNKNOWN_FIELD.exec(gitlabText);
  const field = m ? (m[1] ?? m[3]) : undefined;
  const why = field && FIELD_SINCE[field] ? FIELD_SINCE[field] : 'this GitLab is older than tokenscope supports (GitLab 17.0 or later)';
  return new FatalReadError(`GitLab's GraphQL schema has no field tokenscope asked for (${gitlabText}); ${why}`);
}

function fatalFor(status: number, gitlabText: string): FatalReadError {
  if (status === 401) {
    return new FatalReadError(
      `GitLab refused the token (HTTP 401: ${gitlabText}). tokenscope needs a personal, project or group access token ` +
        `with read_api and the Maintainer role on the projects; CI/CD job tokens are not accepted by GraphQL.`,
      401,
    );
  }
  return new FatalReadError(
    `GitLab refused the request (HTTP ${status}: ${gitlabText}). tokenscope needs a token with the read_api scope ` +
      `and the Maintainer role on the projects.`,
    status,
  );
}
