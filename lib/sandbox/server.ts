/**
 * The sandbox HTTP server (node:http): routes /api/graphql and /api/v4, adds
 * latency, faults and rate limits on request, and counts what it served.
 */
import * as http from 'http';
import type { AddressInfo } from 'net';
import { createMasker } from '../gitlab/secrets';
import { lookupToken, presentedToken } from './auth';
import { faultDecider, RateLimiter, seededRandom } from './faults';
import { GraphqlEndpoint } from './graphql/endpoint';
import { RecordedRequest, RequestLog } from './request-log';
import { routeRest } from './rest/router';
import { handleStateRequest, matchStateRoute } from './rest/terraform-state';
import { TerraformStateStore } from './rest/terraform-state-store';
import type { RestRequest, RestResponse } from './rest/types';
import { ScopeService } from './scope';
import type { SeedFile } from './seed';
import { loadSeed } from './load-seed';
import { SandboxState } from './state';
import demoSeed from './demo-seed.json';

export const INVALID_TOKEN_BODY = { errors: [{ message: 'Invalid token' }] };
export const MAX_BODY_BYTES = 5 * 1024 * 1024;
/** Past this much of an oversized body the connection is cut instead of read to its end. */
const MAX_DRAIN_BYTES = 8 * MAX_BODY_BYTES;
export const BODY_TOO_LARGE = { message: '413 Request Entity Too Large' };
export const BAD_HOST = { message: '400 Bad request - the Host header is not a valid host' };
const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export interface SandboxOptions {
  /** A seed (object or JSON text) or a ready state; default: the built-in demo org. */
  readonly seed?: SeedFile | string | SandboxState;
  /** 0 (default) picks a free port. */
  readonly port?: number;
  readonly host?: string;
  /** Delay added to every API response. */
  readonly latencyMs?: number;
  /** Share (0..1) of API requests that fail: half HTTP 500, half connection reset. */
  readonly faultRate?: number;
  /** Requests per minute per caller before HTTP 429. */
  readonly rateLimit?: number;
  /** Seed of the random source behind faults, for repeatable runs. */
  readonly randomSeed?: number;
  /** Clock, for tests. */
  readonly now?: () => Date;
  /**
   * Keep GitLab-managed Terraform states in this directory too, so that a
   * restarted sandbox has them (and their locks); default: in memory only.
   */
  readonly stateDir?: string;
  /** GitLab's `max_terraform_state_size_bytes` (0 = no limit, GitLab's default); every request body is capped at 5 MiB anyway. */
  readonly maxTerraformStateBytes?: number;
  /** Record every API request (method, path, query, status) for `requests()`; off by default. */
  readonly requestLog?: boolean;
  /**
   * A GraphQL complexity limit below GitLab's (250 with a token): stricter than
   * GitLab, so that a client's split-and-retry is exercised. GitLab's own limit
   * still applies where it is lower.
   */
  readonly maxComplexity?: number;
}

export interface SandboxStats {
  httpRequests: number;
  graphqlQueries: number;
  restCalls: number;
  mutations: number;
  faults: number;
  rateLimited: number;
  /** Calls to the Terraform state API (`/projects/:id/terraform/state/...`); not counted in restCalls or mutations. */
  stateCalls: number;
}

export interface Sandbox {
  readonly url: string;
  readonly port: number;
  /** The live state, for tests and tours; changes as requests mutate it. */
  readonly state: SandboxState;
  /** GitLab-managed Terraform states, by project and name. */
  readonly terraformStates: TerraformStateStore;
  stats(): SandboxStats;
  /** The API requests answered so far, oldest first; empty unless started with `requestLog: true`. */
  requests(): RecordedRequest[];
  clearRequests(): void;
  stop(): Promise<void>;
}

function resolveState(seed: SandboxOptions['seed'], now?: () => Date): SandboxState {
  if (seed instanceof SandboxState) return seed;
  return loadSeed(seed ?? demoSeed, now);
}

function send(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.destroyed) return;
  const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
  const type = typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json';
  res.writeHead(status, { ...(body === undefined ? {} : { 'Content-Type': type }), 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/**
 * The body as text, or null when it is over `MAX_BODY_BYTES`. An oversized body
 * is read on to its end without being kept, so that the client (still sending)
 * gets the 413 instead of a reset connection; one past `MAX_DRAIN_BYTES` has its
 * connection cut.
 */
function readBody(req: http.IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_DRAIN_BYTES) {
        req.destroy();
        return;
      }
      if (size <= MAX_BODY_BYTES) chunks.push(c);
      else chunks.length = 0;
    });
    req.on('end', () => resolve(size > MAX_BODY_BYTES ? null : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
    req.on('close', () => resolve(size > MAX_BODY_BYTES ? null : Buffer.concat(chunks).toString('utf8')));
  });
}

/** The request's URL against its Host header; undefined when the header is not a host (`[`, spaces, a path). */
function requestUrl(rawUrl: string, host: string | undefined, fallback: string): URL | undefined {
  const h = host ?? fallback;
  if (!/^[A-Za-z0-9._~%-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/.test(h)) return undefined;
  try {
    return new URL(rawUrl, `http://${h}`);
  } catch {
    return undefined;
  }
}

/** Body parameters as Grape reads them: JSON or form-encoded. `undefined` when malformed. */
function parseParams(text: string, contentType: string | undefined): Record<string, unknown> | undefined {
  if (text.trim() === '') return {};
  if (contentType?.includes('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(text));
  try {
    const v = JSON.parse(text) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const state = resolveState(options.seed, options.now);
  const scope = new ScopeService(state);
  const graphql = new GraphqlEndpoint({ version: state.instance.version, maxComplexity: options.maxComplexity });
  const stats: SandboxStats = { httpRequests: 0, graphqlQueries: 0, restCalls: 0, mutations: 0, faults: 0, rateLimited: 0, stateCalls: 0 };
  const terraformStates = new TerraformStateStore(options.stateDir);
  const stateEnv = { state, store: terraformStates, maxStateBytes: options.maxTerraformStateBytes ?? 0 };
  const random = seededRandom(options.randomSeed ?? Date.now());
  const nextFault = faultDecider(options.faultRate ?? 0, random);
  const limiter = options.rateLimit && options.rateLimit > 0 ? new RateLimiter(options.rateLimit) : null;
  const latency = options.latencyMs ?? 0;
  let baseUrl = '';

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    // GitLab's clock is the seed's: clients that judge expiry by the Date header see the seed's day.
    res.setHeader('Date', state.now().toUTCString());
    const rawUrl = req.url ?? '/';
    const qIndex = rawUrl.indexOf('?');
    const rawPath = qIndex >= 0 ? rawUrl.slice(0, qIndex) : rawUrl;
    const method = (req.method ?? 'GET').toUpperCase();
    const url = requestUrl(rawUrl, req.headers.host, new URL(baseUrl).host);
    if (!url) {
      await readBody(req);
      return send(res, 400, BAD_HOST);
    }

    if (rawPath.startsWith('/-/sandbox/')) {
      if (rawPath === '/-/sandbox/stats' && method === 'GET') return send(res, 200, { ...stats });
      if (rawPath === '/-/sandbox/health' && method === 'GET') return send(res, 200, { status: 'ok' });
      return send(res, 404, { error: '404 Not Found' });
    }
    stats.httpRequests++;
    const presented = presentedToken(req.headers, url.searchParams);
    if (limiter) {
      const decision = limiter.check(presented?.value ?? req.socket.remoteAddress ?? 'anonymous');
      if (!decision.allowed) {
        stats.rateLimited++;
        return send(res, 429, 'Retry later\n', decision.headers);
      }
    }
    if (latency > 0) await sleep(latency);
    const fault = nextFault();
    if (fault === 'reset') {
      stats.faults++;
      req.socket.destroy();
      return undefined;
    }
    if (fault === 'error') {
      stats.faults++;
      return send(res, 500, { message: '500 Internal Server Error' });
    }
    const text = await readBody(req);
    if (text === null) return send(res, 413, BODY_TOO_LARGE, { Connection: 'close' });

    if (rawPath === '/api/graphql') {
      if (method !== 'POST' && method !== 'GET') return send(res, 404, { error: '404 Not Found' });
      if (presented && (presented.channel === 'job-token' || presented.channel === 'deploy-token')) return send(res, 401, INVALID_TOKEN_BODY);
      const auth = lookupToken(state, presented);
      if (auth.kind === 'invalid') return send(res, 401, INVALID_TOKEN_BODY);
      if (auth.kind === 'valid' && (auth.token.type === 'job' || auth.token.type === 'deploy')) return send(res, 401, INVALID_TOKEN_BODY);
      let body: unknown;
      if (method === 'GET') {
        body = { query: url.searchParams.get('query') ?? undefined, variables: url.searchParams.get('variables') ?? undefined, operationName: url.searchParams.get('operationName') ?? undefined };
      } else {
        try {
          body = JSON.parse(text);
        } catch {
          // No parser detail: V8 quotes the start of the body, which may be a pasted token.
          return send(res, 400, { errors: [{ message: 'Invalid JSON body' }] });
        }
      }
      const result = await graphql.handle(body, {
        state, scope, baseUrl, viaGet: method === 'GET',
        principal: auth.kind === 'valid' ? auth.principal : { user: null, token: null, scopes: [] },
        onOperation: (kind) => { if (kind === 'mutation') stats.mutations++; else stats.graphqlQueries++; },
      });
      return send(res, result.status, result.body);
    }

    const stateRoute = matchStateRoute(rawPath);
    if (stateRoute) {
      stats.stateCalls++;
      const out = handleStateRequest(stateEnv, { method, route: stateRoute, url, headers: req.headers, body: text });
      return send(res, out.status, method === 'HEAD' ? undefined : out.body, out.headers);
    }

    if (rawPath === '/api/v4' || rawPath.startsWith('/api/v4/')) {
      stats.restCalls++;
      if (WRITE_METHODS.has(method)) stats.mutations++;
      let segments: string[];
      try {
        segments = rawPath.slice('/api/v4/'.length).split('/').filter((s, i, a) => s !== '' || i < a.length - 1).map(decodeURIComponent);
      } catch {
        return send(res, 400, { message: '400 Bad request - the path is not valid URL encoding' });
      }
      const params = parseParams(text, req.headers['content-type']);
      if (params === undefined) return send(res, 400, { message: '400 Bad request - the request body is not valid JSON' });
      const restReq: RestRequest = {
        method,
        segments,
        url,
        params: { ...Object.fromEntries(url.searchParams), ...params },
        auth: lookupToken(state, presented),
      };
      const out: RestResponse = routeRest({ state, scope, baseUrl }, restReq);
      return send(res, out.status, method === 'HEAD' ? undefined : out.body, out.headers);
    }
    return send(res, 404, { error: '404 Not Found' });
  };

  // The detail of an unexpected failure helps debugging; the seeded tokens never appear in it.
  const mask = createMasker([...state.tokens.keys()]);
  const log = options.requestLog ? new RequestLog() : undefined;
  const server = http.createServer((req, res) => {
    if (log && !(req.url ?? '').startsWith('/-/sandbox/')) {
      const [p, q = ''] = (req.url ?? '/').split(/\?(.*)/s);
      const method = (req.method ?? 'GET').toUpperCase();
      res.on('finish', () => log.add({ method, path: p, query: q, status: res.statusCode }));
    }
    handle(req, res).catch((err: unknown) => {
      send(res, 500, { message: '500 Internal Server Error', error: mask(String((err as Error)?.message ?? err)) });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  baseUrl = `http://${options.host ?? '127.0.0.1'}:${port}`;

  return {
    url: baseUrl,
    port,
    state,
    terraformStates,
    stats: () => ({ ...stats }),
    requests: () => log?.entries() ?? [],
    clearRequests: () => log?.clear(),
    stop: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}
