import * as http from 'http';
import type { AddressInfo } from 'net';

/**
 * A small stand-in for GitLab's token endpoints (facts sheet, section 4), for
 * probe logic tests through a fake `fetchImpl` and for CLI tests over a real
 * socket. The sandbox (lib/sandbox) is the full-fidelity server.
 */
export interface FakeToken {
  kind: 'personal' | 'project' | 'group' | 'oauth' | 'job' | 'deploy';
  username?: string;
  scopes?: string[];
  name?: string;
  expiresAt?: string | null;
  revoked?: boolean;
  /** job tokens: `running` answers /job, anything else is a finished job (401). */
  jobStatus?: string;
  /** job: the job's project; project bot: its project. */
  project?: string;
  projectId?: number;
  groupId?: number;
  groupPath?: string;
  /** job tokens: projects whose allowlist admits this job's project. */
  allowedBy?: string[];
  /** job tokens: target -> fine-grained policies the entry lacks (the endpoint's required ones). */
  missingPolicy?: Record<string, string | string[]>;
  /** job tokens: `GET /job` leaves out `web_url` (so the job's project path is not known). */
  noWebUrl?: boolean;
  /** access tokens: project path -> access level. */
  levels?: Record<string, number>;
  admin?: boolean;
}

export interface FakeRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
}

export interface FakeAnswer {
  status: number;
  body: string;
  headers?: Record<string, string>;
}

const KNOWN_PROJECTS: Record<string, number> = {
  'acme/web': 12,
  'acme/api': 13,
  'acme/data/etl': 302,
  'acme/platform/deployer': 101,
};

function json(status: number, body: unknown): FakeAnswer {
  return { status, body: JSON.stringify(body), headers: { 'content-type': 'application/json' } };
}

function tokenOf(req: FakeRequest): { token?: string; via: 'private' | 'bearer' | 'job' | 'none' } {
  if (req.headers['private-token']) return { token: req.headers['private-token'], via: 'private' };
  if (req.headers['job-token']) return { token: req.headers['job-token'], via: 'job' };
  const auth = req.headers['authorization'];
  if (auth?.startsWith('Bearer ')) return { token: auth.slice(7), via: 'bearer' };
  return { via: 'none' };
}

function userOf(t: FakeToken): Record<string, unknown> {
  if (t.kind === 'project') return { id: 900 + (t.projectId ?? 0), username: `project_${t.projectId}_bot_3f2a1c`, name: 'bot', bot: true };
  if (t.kind === 'group') return { id: 800 + (t.groupId ?? 0), username: `group_${t.groupId}_bot_9e8d7c`, name: 'bot', bot: true };
  return { id: 7, username: t.username ?? 'ops', name: 'Ops', bot: false, ...(t.admin ? { is_admin: true } : {}) };
}

function expired(t: FakeToken, now: Date): boolean {
  return typeof t.expiresAt === 'string' && Date.parse(`${t.expiresAt}T00:00:00Z`) <= now.getTime();
}

/** Answers like GitLab for the endpoints doctor probes. */
export function fakeGitLabHandler(tokens: Record<string, FakeToken>, now = new Date('2026-11-23T12:00:00Z')) {
  return (req: FakeRequest): FakeAnswer => {
    const { token, via } = tokenOf(req);
    const t = token !== undefined ? tokens[token] : undefined;
    const path = req.path.replace(/\?.*$/, '');
    const unauthorized = json(401, { message: '401 Unauthorized' });
    const accessOk = t && t.kind !== 'job' && t.kind !== 'deploy' && via !== 'job' && !t.revoked && !expired(t, now);

    if (path === '/api/v4/job') {
      // As GitLab: an access token in PRIVATE-TOKEN/Bearer is valid but no job (404); any non-job token in JOB-TOKEN is 401.
      if (via !== 'job') return accessOk ? json(404, { message: '404 Job Not Found' }) : unauthorized;
      if (!t || t.kind !== 'job') return unauthorized;
      if (t.jobStatus !== 'running') return unauthorized;
      const pid = KNOWN_PROJECTS[t.project ?? ''] ?? 1;
      return json(200, {
        id: 4242, status: 'running', name: 'deploy', stage: 'deploy', ref: 'main',
        ...(t.noWebUrl ? {} : { web_url: `http://gitlab.test/${t.project}/-/jobs/4242` }),
        pipeline: { id: 77, project_id: pid, ref: 'main', sha: 'abc', status: 'running' },
        user: { id: 8, username: t.username ?? 'dev', name: 'Dev' },
      });
    }
    if (path === '/api/v4/personal_access_tokens/self') {
      if (!t || via === 'job' || t.kind === 'job' || t.kind === 'deploy') return unauthorized;
      if (t.kind === 'oauth') return json(404, { message: '404 Not Found' });
      if (t.revoked) return json(401, { error: 'invalid_token', error_description: 'Token was revoked. You have to re-authorize from the user.' });
      if (expired(t, now)) return json(401, { error: 'invalid_token', error_description: 'Token is expired. You can either do re-authorization or token refresh.' });
      return json(200, {
        id: 1, name: t.name ?? 'automation', revoked: false, active: true, created_at: '2026-01-01T00:00:00Z',
        expires_at: t.expiresAt ?? null, last_used_at: null, scopes: t.scopes ?? ['api'], user_id: userOf(t).id,
      });
    }
    if (path === '/api/v4/user') {
      if (!accessOk) return unauthorized;
      const scopes = t!.scopes ?? ['api'];
      if (!scopes.some((s) => ['api', 'read_api', 'read_user'].includes(s))) {
        return json(403, { error: 'insufficient_scope', error_description: 'The request requires higher privileges than provided by the access token.', scope: 'api read_user' });
      }
      return json(200, userOf(t!));
    }
    if (path === '/api/v4/version') {
      if (!accessOk) return unauthorized;
      return json(200, { version: '18.6.0-ee', revision: 'abc123' });
    }
    const releases = /^\/api\/v4\/projects\/([^/]+)\/releases$/.exec(path);
    if (releases) {
      const target = decodeURIComponent(releases[1]);
      if (!t || (via === 'job' && (t.kind !== 'job' || t.jobStatus !== 'running'))) return unauthorized;
      if (!(target in KNOWN_PROJECTS)) return json(404, { message: '404 Project Not Found' });
      if (via === 'job') {
        // GitLab names both projects by Project#path, the last segment (lib/api/helpers.rb).
        const seg = (p: string | undefined) => (p ?? '').split('/').pop();
        if (target !== t.project && !(t.allowedBy ?? []).includes(target)) {
          return json(403, { message: `403 Forbidden - Authentication by CI/CD job token not allowed from ${seg(t.project)} to ${seg(target)}.` });
        }
        const missing = t.missingPolicy?.[target];
        const policies = missing === undefined ? [] : Array.isArray(missing) ? missing : [missing];
        if (policies.length === 1) {
          return json(403, { message: `403 Forbidden - Insufficient permissions to access this resource in project ${seg(target)}. The following token permission is required: ${policies[0]}.` });
        }
        if (policies.length > 1) {
          const sentence = policies.length === 2 ? policies.join(' and ') : `${policies.slice(0, -1).join(', ')}, and ${policies[policies.length - 1]}`;
          return json(403, { message: `403 Forbidden - Insufficient permissions to access this resource in project ${seg(target)}. The following token permissions are required: ${sentence}.` });
        }
      }
      return json(200, []);
    }
    const project = /^\/api\/v4\/projects\/([^/]+)$/.exec(path);
    if (project) {
      if (!accessOk) return unauthorized;
      const key = decodeURIComponent(project[1]);
      const byId = Object.entries(KNOWN_PROJECTS).find(([, id]) => String(id) === key);
      const p = byId ? byId[0] : key;
      const level = t!.levels?.[p] ?? (t!.kind === 'project' && t!.project === p ? 40 : undefined);
      if (!(p in KNOWN_PROJECTS) || (level === undefined && !t!.admin)) return json(404, { message: '404 Project Not Found' });
      return json(200, {
        id: KNOWN_PROJECTS[p], path_with_namespace: p,
        permissions: { project_access: level !== undefined ? { access_level: level, notification_level: 3 } : null, group_access: null },
      });
    }
    const group = /^\/api\/v4\/groups\/(\d+)$/.exec(path);
    if (group) {
      if (!accessOk) return unauthorized;
      return Number(group[1]) === t!.groupId ? json(200, { id: t!.groupId, full_path: t!.groupPath ?? 'acme' }) : json(404, { message: '404 Group Not Found' });
    }
    return json(404, { error: '404 Not Found' });
  };
}

export interface FakeFetch {
  fetchImpl: typeof fetch;
  requests: FakeRequest[];
}

/** A `fetch` that answers from `handler` without any socket. */
export function fakeFetch(handler: (req: FakeRequest) => FakeAnswer): FakeFetch {
  const requests: FakeRequest[] = [];
  const fetchImpl = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(String(input));
    const headers: Record<string, string> = {};
    new Headers(init?.headers).forEach((v, k) => { headers[k] = v; });
    const req = { method: init?.method ?? 'GET', path: url.pathname + url.search, headers };
    requests.push(req);
    const a = handler(req);
    return new Response(a.status === 204 ? null : a.body, { status: a.status, headers: a.headers });
  }) as typeof fetch;
  return { fetchImpl, requests };
}

export interface FakeServer {
  url: string;
  requests: FakeRequest[];
  stop(): Promise<void>;
}

/** The same handler over a real loopback socket (port 0). */
export async function startFakeServer(handler: (req: FakeRequest) => FakeAnswer): Promise<FakeServer> {
  const requests: FakeRequest[] = [];
  const server = http.createServer((req, res) => {
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
    const r = { method: req.method ?? 'GET', path: req.url ?? '/', headers };
    requests.push(r);
    const a = handler(r);
    res.writeHead(a.status, a.headers ?? {});
    res.end(a.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    stop: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

/** A `glcbt-` JWT job token with the given claims (unsigned: doctor never verifies). */
export function jwtJobToken(c: { jobId: number; exp: number; iss?: string }): string {
  const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const header = enc({ alg: 'RS256', typ: 'JWT', kid: 'test' });
  const payload = enc({ sub: `gid://gitlab/Ci::Build/${c.jobId}`, iss: c.iss ?? 'https://gitlab.example.com', aud: 'gitlab-authz-token', exp: c.exp });
  return `glcbt-${header}.${payload}.c2lnbmF0dXJlLW5vdC1jaGVja2Vk`;
}
