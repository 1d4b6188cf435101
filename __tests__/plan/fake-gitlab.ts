import * as http from 'http';
import type { AddressInfo } from 'net';

/**
 * A small stand-in for the GitLab endpoints plan-summary uses (notes, /user,
 * the shared live reader's GraphQL for id names and auth logs), used besides
 * the shared sandbox where a test needs to shape GitLab's answers. Records every request for assertions.
 */
export interface FakeNote { id: number; body: string; author: { id: number }; system: boolean }

export interface FakeGitLabOptions {
  token: string;
  userId?: number;
  projects?: Record<number, string>;
  groups?: Record<number, string>;
  authLogs?: Record<string, Array<{ origin: string; lastAuthorizedAt: string }>>;
  /** Paths whose auth log needs a role the token lacks. */
  authLogDenied?: string[];
  mergeRequests?: Array<{ projectId: string; iid: number }>;
  notes?: Record<string, FakeNote[]>;
}

export interface FakeGitLab {
  url: string;
  requests: Array<{ method: string; path: string; query: URLSearchParams; body: unknown; auth?: string }>;
  notes: Record<string, FakeNote[]>;
  stop(): Promise<void>;
}

const DENIED = 'The resource that you are attempting to access does not exist or you don\'t have permission to perform this action';

export async function startFakeGitLab(opts: FakeGitLabOptions): Promise<FakeGitLab> {
  const notes: Record<string, FakeNote[]> = opts.notes ?? {};
  for (const mr of opts.mergeRequests ?? []) notes[`${mr.projectId}!${mr.iid}`] ??= [];
  let nextNoteId = 1000;
  const requests: FakeGitLab['requests'] = [];
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => { raw += c; });
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const body = raw ? JSON.parse(raw) : undefined;
      const auth = (req.headers.authorization as string | undefined) ?? (req.headers['private-token'] as string | undefined);
      requests.push({ method: req.method ?? '', path: url.pathname, query: url.searchParams, body, auth });
      const send = (status: number, json: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
        res.end(JSON.stringify(json));
      };
      if (auth !== `Bearer ${opts.token}` && auth !== opts.token) {
        if (url.pathname === '/api/graphql') return send(401, { errors: [{ message: 'Invalid token' }] });
        return send(401, { message: '401 Unauthorized' });
      }
      if (url.pathname === '/api/v4/user' && req.method === 'GET') return send(200, { id: opts.userId ?? 1, username: 'ops' });
      const group = /^\/api\/v4\/groups\/(\d+)$/.exec(url.pathname);
      if (group && req.method === 'GET') {
        const p = opts.groups?.[Number(group[1])];
        return p ? send(200, { id: Number(group[1]), full_path: p }) : send(404, { message: '404 Group Not Found' });
      }
      const m = /^\/api\/v4\/projects\/([^/]+)\/merge_requests\/(\d+)\/notes(?:\/(\d+))?$/.exec(url.pathname);
      if (m) {
        const key = `${decodeURIComponent(m[1])}!${m[2]}`;
        const list = notes[key];
        if (!list) return send(404, { message: '404 Not found' });
        if (req.method === 'GET' && !m[3]) {
          const perPage = Math.min(100, Number(url.searchParams.get('per_page') ?? 20));
          const page = Number(url.searchParams.get('page') ?? 1);
          const slice = list.slice((page - 1) * perPage, page * perPage);
          const hasNext = page * perPage < list.length;
          return send(200, slice, { 'X-Page': String(page), 'X-Per-Page': String(perPage), 'X-Next-Page': hasNext ? String(page + 1) : '', 'X-Total': String(list.length) });
        }
        if (req.method === 'POST' && !m[3]) {
          const note: FakeNote = { id: nextNoteId++, body: body.body, author: { id: opts.userId ?? 1 }, system: false };
          list.push(note);
          return send(201, note);
        }
        if (req.method === 'PUT' && m[3]) {
          const note = list.find((n) => n.id === Number(m[3]));
          if (!note) return send(404, { message: '404 Note Not Found' });
          if (note.author.id !== (opts.userId ?? 1)) return send(403, { message: '403 Forbidden' });
          note.body = body.body;
          return send(200, note);
        }
      }
      if (url.pathname === '/api/graphql' && req.method === 'POST') return send(200, graphql(body, opts));
      return send(404, { message: '404 Not Found' });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    notes,
    stop: () => new Promise<void>((r) => server.close(() => r())),
  };
}

type Op = { query: string; variables: Record<string, unknown> };

/**
 * Answers the query shapes the shared live reader sends for plan-summary:
 * `projects(ids:)`, `groups(ids:)`, `projects(fullPaths:)` with scopes and auth
 * logs, and the next page of one auth log; one object or a multiplex array.
 * Enough of GraphQL for them, no more.
 */
function graphql(body: Op | Op[], opts: FakeGitLabOptions): unknown {
  return Array.isArray(body) ? body.map((op) => answer(op, opts)) : answer(body, opts);
}

const EMPTY_PAGE = { nodes: [], pageInfo: { hasNextPage: false, endCursor: null } };

function answer(op: Op, opts: FakeGitLabOptions): unknown {
  const v = op.variables;
  const idsOf = (type: string) => (v.ids as string[]).map((g) => Number(g.replace(`gid://gitlab/${type}/`, '')));
  if (op.query.includes('projects(ids:')) {
    const nodes = idsOf('Project').filter((id) => opts.projects?.[id]).map((id) => ({ id: `gid://gitlab/Project/${id}`, fullPath: opts.projects![id] }));
    return { data: { projects: { nodes, pageInfo: EMPTY_PAGE.pageInfo } } };
  }
  if (op.query.includes('groups(ids:')) {
    const nodes = idsOf('Group').filter((id) => opts.groups?.[id]).map((id) => ({ id: `gid://gitlab/Group/${id}`, fullPath: opts.groups![id] }));
    return { data: { groups: { nodes, pageInfo: EMPTY_PAGE.pageInfo } } };
  }
  // Pages of two, so that tests see pagination without hundreds of rows.
  const logPage = (path: string, after: string | null) => {
    const log = opts.authLogs?.[path] ?? [];
    const start = after ? Number(after) : 0;
    return {
      count: log.length,
      nodes: log.slice(start, start + 2).map((e) => ({ originProject: { fullPath: e.origin }, lastAuthorizedAt: e.lastAuthorizedAt })),
      pageInfo: { hasNextPage: start + 2 < log.length, endCursor: String(start + 2) },
    };
  };
  if (op.query.includes('project(fullPath: $path)')) {
    return { data: { project: { ciJobTokenAuthLogs: logPage(String(v.path), (v.after as string | null) ?? null) } } };
  }
  const errors: unknown[] = [];
  const known = (p: string) => opts.authLogs?.[p] !== undefined || opts.authLogDenied?.includes(p);
  const nodes = (v.paths as string[]).filter(known).map((path, i) => {
    const denied = opts.authLogDenied?.includes(path);
    if (denied) errors.push({ message: DENIED, path: ['projects', 'nodes', i, 'ciJobTokenAuthLogs'] });
    return {
      id: `gid://gitlab/Project/${1000 + i}`,
      fullPath: path,
      ciCdSettings: { inboundJobTokenScopeEnabled: true },
      ciJobTokenScope: {
        inboundAllowlistCount: 0, groupsAllowlistCount: 0, inboundAllowlistAutopopulatedIds: [], groupAllowlistAutopopulatedIds: [],
        inboundAllowlist: EMPTY_PAGE, groupsAllowlist: EMPTY_PAGE,
      },
      ciJobTokenAuthLogs: denied ? null : logPage(path, null),
    };
  });
  const data = { projects: { nodes, pageInfo: EMPTY_PAGE.pageInfo } };
  return errors.length ? { data, errors } : { data };
}
