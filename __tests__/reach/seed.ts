/**
 * A seed built for reach semantics: nested groups (r, r/a, r/a/deep), a second
 * top-level group (other), an open project (r/b/open), public and internal
 * targets, fine-grained permissions, a cycle (r/a/app <-> r/b/ci and more),
 * a chain of three through pipeline permissions (r/c/one -> two -> three ->
 * four) and a chain that stops at an entry without them (r/c/blocked).
 */
export const OPS = 'glpat-reach-ops-readonly-000000000001';

const p = (path: string, id: number, allowlist: { projects?: unknown[]; groups?: unknown[] }, extra: Record<string, unknown> = {}) =>
  ({ path, id, visibility: 'private', limitAccess: true, allowlist, ...extra });
const only = (path: string, ...jobTokenPolicies: string[]) => ({ path, defaultPermissions: false, jobTokenPolicies });

export function reachSeed(opts: { enforce?: boolean } = {}): Record<string, unknown> {
  return {
    instance: { version: '18.6.0', enforceAllowlist: opts.enforce ?? false, now: '2026-11-23T12:00:00Z' },
    users: [{ username: 'ops' }],
    groups: [
      { path: 'r', id: 1, members: { ops: 'maintainer' } }, { path: 'r/a', id: 2 }, { path: 'r/a/deep', id: 3 }, { path: 'r/b', id: 4 },
      { path: 'r/c', id: 5 }, { path: 'other', id: 6, members: { ops: 'maintainer' } }, { path: 'other/x', id: 7 },
    ],
    projects: [
      p('r/a/app', 101, { projects: ['r/b/ci'], groups: ['r/a/deep'] }),
      p('r/a/deep/lib', 102, { projects: ['r/a/app'], groups: ['r/a', 'other'] }, { visibility: 'internal' }),
      p('r/a/deep/tool', 103, { groups: ['r', 'r/a'] }),
      p('r/b/ci', 201, { projects: ['r/a/app'] }),
      p('r/b/open', 202, { projects: ['r/a/app'] }, { limitAccess: false }),
      p('r/b/site', 203, { projects: [only('r/a/app', 'READ_JOBS')] }, { visibility: 'public' }),
      p('r/c/one', 301, {}),
      p('r/c/two', 302, { projects: [only('r/c/one', 'ADMIN_PIPELINES', 'READ_JOBS')] }),
      p('r/c/three', 303, { projects: ['r/c/two'] }),
      p('r/c/four', 304, { projects: ['r/c/three'] }),
      p('r/c/blocked', 305, { projects: [only('r/c/one', 'READ_JOBS')] }),
      p('r/c/beyond', 306, { projects: ['r/c/blocked'] }),
      p('other/x/svc', 401, { projects: ['r/a/app'] }),
    ],
    tokens: [{ token: OPS, type: 'personal', user: 'ops', scopes: ['read_api'], name: 'reach', expiresAt: '2099-12-31', revoked: false }],
  };
}
