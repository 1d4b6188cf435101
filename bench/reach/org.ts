/**
 * A generated org for `tokenscope reach`: N projects in teams of 25
 * (`org/team-<t>/svc-<i>`), each allowing 5 other projects and 2 team groups;
 * every 100th project is open (allowlist off), every 50th is internal, and
 * every 200th also allows the whole `org` group (a wide group entry). Used by
 * the benchmark and by the request-count tests.
 */
export const REACH_BENCH_TOKEN = 'glpat-bench-reach-readonly-0000000001';
export const TEAM_SIZE = 25;

export interface ReachOrg {
  readonly seed: Record<string, unknown>;
  readonly projects: number;
  readonly teams: number;
  readonly open: number;
}

export function reachOrg(n: number): ReachOrg {
  const teams = Math.ceil(n / TEAM_SIZE);
  const groups: Array<Record<string, unknown>> = [{ path: 'org', id: 1, members: { ops: 'maintainer' } }];
  for (let t = 0; t < teams; t++) groups.push({ path: `org/team-${t}`, id: 100 + t });
  const pathOf = (i: number) => `org/team-${Math.floor(i / TEAM_SIZE)}/svc-${i}`;
  const projects: Array<Record<string, unknown>> = [];
  let open = 0;
  for (let i = 0; i < n; i++) {
    const targets = [...new Set([1, 2, 3, 4, 5].map((d) => (i + d * 7) % n))].filter((t) => t !== i).map(pathOf);
    const team = Math.floor(i / TEAM_SIZE);
    const teamGroups = [...new Set([(team + 1) % teams, (team + 3) % teams])].map((t) => `org/team-${t}`);
    if (i % 200 === 199) teamGroups.push('org');
    const isOpen = i % 100 === 50;
    if (isOpen) open++;
    projects.push({
      path: pathOf(i), id: 10_000 + i, visibility: i % 50 === 7 ? 'internal' : 'private', limitAccess: !isOpen,
      allowlist: { projects: targets, groups: teamGroups },
    });
  }
  const seed = {
    instance: { version: '18.6.0', enforceAllowlist: false },
    users: [{ username: 'ops', admin: false }],
    groups,
    projects,
    tokens: [{ token: REACH_BENCH_TOKEN, type: 'personal', user: 'ops', scopes: ['read_api'], name: 'bench', expiresAt: '2099-12-31', revoked: false }],
  };
  return { seed, projects: n, teams, open };
}
