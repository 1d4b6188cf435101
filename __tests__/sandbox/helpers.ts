import { startSandbox } from '../../lib/sandbox';
import type { Sandbox, SandboxOptions, SeedFile } from '../../lib/sandbox';

export const TOK = {
  ops: 'glpat-test-ops-api-0000000000001',
  opsRead: 'glpat-test-ops-readapi-000000002',
  dev: 'glpat-test-dev-api-0000000000003',
  root: 'glpat-test-root-admin-0000000004',
  outsider: 'glpat-test-outsider-00000000005',
  revoked: 'glpat-test-revoked-000000000006',
  expired: 'glpat-test-expired-000000000007',
  webBot: 'glpat-test-web-bot-0000000000008',
  groupBot: 'glpat-test-acme-bot-000000000009',
  oauth: 'a'.repeat(64),
  job: 'glcbt-64_testApiRunningJob00001',
  jobDevOnWeb: 'glcbt-64_testWebRunningJob00002',
  jobDone: 'glcbt-64_testApiFinishedJob0003',
  jobTools: 'glcbt-64_testToolsCliRunning004',
  jobOutsider: 'glcbt-64_testSecretRunning00005',
  deploy: 'gldt-test-deploy-token-00000010',
} as const;

/** A small org with every case the tests need; `acme/big` has more than 20 entries in each list. */
export function testSeed(extra: Partial<SeedFile> = {}): SeedFile {
  const many = Array.from({ length: 25 }, (_, i) => `acme/many/p${String(i).padStart(2, '0')}`);
  const manyGroups = Array.from({ length: 22 }, (_, i) => `acme/g${String(i).padStart(2, '0')}`);
  return {
    // The seed's own clock, so that a sandbox started from this seed file (not only through startTestSandbox) runs on it.
    instance: { version: '18.6.0', enforceAllowlist: false, now: '2026-11-23T12:00:00Z' },
    users: [
      { username: 'ops' }, { username: 'dev' }, { username: 'root', admin: true }, { username: 'outsider' },
    ],
    groups: [
      { path: 'acme', id: 10, members: { ops: 'maintainer' } },
      { path: 'acme/tools', id: 11 },
      { path: 'other', id: 20, members: { outsider: 'maintainer' } },
      ...manyGroups.map((path) => ({ path })),
    ],
    projects: [
      {
        path: 'acme/web', id: 12, visibility: 'private', members: { dev: 'developer' }, limitAccess: true,
        allowlist: { projects: ['acme/api'], groups: ['acme/tools'] },
        autopopulated: { projects: ['acme/api'], groups: [] },
        authLog: [{ origin: 'acme/api', lastAuthorizedAt: '2026-11-20T10:00:00Z' }],
      },
      { path: 'acme/api', id: 13, visibility: 'private', members: { dev: 'developer' } },
      { path: 'acme/tools/cli', id: 14, visibility: 'private' },
      { path: 'acme/open', id: 15, visibility: 'public', limitAccess: false, members: { dev: 'reporter' } },
      {
        path: 'acme/fine', id: 16, visibility: 'private', members: { dev: 'developer' },
        allowlist: { projects: [{ path: 'acme/api', defaultPermissions: false, jobTokenPolicies: ['READ_JOBS'] }], groups: [] },
      },
      { path: 'other/secret', id: 17, visibility: 'private' },
      { path: 'acme/big', id: 18, visibility: 'private', allowlist: { projects: many, groups: manyGroups } },
      ...many.map((path) => ({ path, visibility: 'private' as const })),
    ],
    tokens: [
      { token: TOK.ops, type: 'personal', user: 'ops', scopes: ['api'], name: 'automation', expiresAt: '2027-01-31' },
      { token: TOK.opsRead, type: 'personal', user: 'ops', scopes: ['read_api'], name: 'drift' },
      { token: TOK.dev, type: 'personal', user: 'dev', scopes: ['api'] },
      { token: TOK.root, type: 'personal', user: 'root', scopes: ['api'] },
      { token: TOK.outsider, type: 'personal', user: 'outsider', scopes: ['api'] },
      { token: TOK.revoked, type: 'personal', user: 'ops', scopes: ['api'], revoked: true },
      { token: TOK.expired, type: 'personal', user: 'ops', scopes: ['api'], expiresAt: '2026-01-01' },
      { token: TOK.webBot, type: 'project', project: 'acme/web', role: 'maintainer', scopes: ['read_api'] },
      { token: TOK.groupBot, type: 'group', group: 'acme', role: 'maintainer', scopes: ['api'] },
      { token: TOK.oauth, type: 'oauth', user: 'ops', scopes: ['api'] },
      { token: TOK.job, type: 'job', project: 'acme/api', user: 'dev', jobStatus: 'running' },
      { token: TOK.jobDevOnWeb, type: 'job', project: 'acme/web', user: 'dev', jobStatus: 'running' },
      { token: TOK.jobDone, type: 'job', project: 'acme/api', user: 'dev', jobStatus: 'success' },
      { token: TOK.jobTools, type: 'job', project: 'acme/tools/cli', user: 'dev', jobStatus: 'running' },
      { token: TOK.jobOutsider, type: 'job', project: 'other/secret', user: 'dev', jobStatus: 'running' },
      { token: TOK.deploy, type: 'deploy', project: 'acme/web' },
    ],
    mergeRequests: [{ project: 'acme/web', iid: 1 }],
    ...extra,
  };
}

/** The clock of the test seed: tokens expiring 2026-01-01 are expired, 2027 ones are not. */
export const TEST_NOW = (): Date => new Date('2026-11-23T12:00:00Z');

export function startTestSandbox(opts: Partial<SandboxOptions> = {}): Promise<Sandbox> {
  return startSandbox({ seed: testSeed(), now: TEST_NOW, ...opts });
}

export interface Reply {
  status: number;
  headers: Headers;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  text: string;
}

async function reply(r: Response): Promise<Reply> {
  const text = await r.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON
  }
  return { status: r.status, headers: r.headers, body, text };
}

export async function gql(sb: Sandbox, query: string, variables?: Record<string, unknown>, token: string | null = TOK.ops): Promise<Reply> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  return reply(await fetch(`${sb.url}/api/graphql`, { method: 'POST', headers, body: JSON.stringify({ query, variables }) }));
}

export async function gqlRaw(sb: Sandbox, body: string, headers: Record<string, string> = { authorization: `Bearer ${TOK.ops}` }): Promise<Reply> {
  return reply(await fetch(`${sb.url}/api/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body }));
}

export async function rest(sb: Sandbox, method: string, path: string, opts: { token?: string | null; jobToken?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<Reply> {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  const token = opts.token === undefined ? TOK.ops : opts.token;
  if (token) headers['PRIVATE-TOKEN'] = token;
  if (opts.jobToken) headers['JOB-TOKEN'] = opts.jobToken;
  let body: string | undefined;
  if (opts.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
  }
  return reply(await fetch(`${sb.url}/api/v4${path}`, { method, headers, body }));
}

export const NOT_AVAILABLE = "The resource that you are attempting to access does not exist or you don't have permission to perform this action";

/** `fragment F0 on Group { a: parent { ...F1 } b: parent { ...F1 } } ... fragment F<n> on Group { id }`: 2^n paths. */
export function doublingFragments(levels: number, root = 'group(fullPath: "acme")'): string {
  const frags = Array.from({ length: levels }, (_, i) => `fragment F${i} on Group { a: parent { ...F${i + 1} } b: parent { ...F${i + 1} } }`);
  return `query { ${root} { ...F0 } }\n${frags.join('\n')}\nfragment F${levels} on Group { id }`;
}
