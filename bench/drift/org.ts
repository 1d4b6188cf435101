/**
 * A synthetic org for the drift benchmark: N declared projects, each allowing
 * 5 other projects and 2 groups; every tenth project drifted in GitLab (the
 * kinds rotate: toggle off, entry missing, entry added, for projects and groups).
 */
export interface BenchOrg {
  readonly seed: Record<string, unknown>;
  /** Stack name -> cdk.tf.json content, literal ids as synth writes them with a lock file (no data sources). */
  readonly stacks: Record<string, unknown>;
  readonly lock: { version: 1; projects: Record<string, number>; groups: Record<string, number> };
  readonly drifted: number;
}

export const BENCH_TOKEN = 'glpat-bench-ops-readonly-000000000001';
const PER_TEAM = 100;
const PER_STACK = 1000;

export function benchOrg(n: number): BenchOrg {
  const teams = Math.ceil(n / PER_TEAM);
  const groups: Array<Record<string, unknown>> = [{ path: 'org', id: 1, members: { ops: 'maintainer' } }];
  for (let t = 0; t < teams; t++) groups.push({ path: `org/team-${t}`, id: 100 + t });
  const pathOf = (i: number) => `org/team-${Math.floor(i / PER_TEAM)}/svc-${i}`;
  const idOf = (i: number) => 10_000 + i;
  const groupOf = (k: number) => `org/team-${k % teams}`;
  const groupId = (k: number) => 100 + (k % teams);

  const projects: Array<Record<string, unknown>> = [];
  const stacks: Record<string, { resource: { gitlab_project_job_token_scopes: Record<string, unknown> } }> = {};
  const lock = { version: 1 as const, projects: {} as Record<string, number>, groups: {} as Record<string, number> };
  for (const g of groups) lock.groups[g.path as string] = g.id as number;
  let drifted = 0;
  for (let i = 0; i < n; i++) {
    const targets = [1, 2, 3, 4, 5].map((d) => (i + d * 7) % n);
    // With a single team both picks are the same group; a set keeps entries distinct.
    const declaredGroups = [...new Set([i % teams, (i + 1) % teams])];
    let liveProjects = targets.map(pathOf);
    let liveGroups = declaredGroups.map(groupOf);
    let limitAccess = true;
    if (i % 10 === 0) {
      drifted++;
      switch ((i / 10) % 5) {
        case 0: limitAccess = false; break;
        case 1: liveProjects = liveProjects.slice(1); break;
        case 2: liveProjects = [...liveProjects, pathOf((i + 50) % n)]; break;
        case 3: liveGroups = liveGroups.slice(1); break;
        default: liveGroups = [...liveGroups, 'org']; break;
      }
    }
    projects.push({
      path: pathOf(i), id: idOf(i), visibility: 'private', limitAccess,
      allowlist: { projects: liveProjects, groups: liveGroups },
    });
    lock.projects[pathOf(i)] = idOf(i);
    const stack = `bench-${Math.floor(i / PER_STACK)}`;
    stacks[stack] ??= { resource: { gitlab_project_job_token_scopes: {} } };
    stacks[stack].resource.gitlab_project_job_token_scopes[`scope_${i}`] = {
      // As synth writes it with a lock file: the numeric id (a string, as the provider's `project` is), targets as numbers.
      project: String(idOf(i)),
      enabled: true,
      target_project_ids: targets.map(idOf),
      target_group_ids: declaredGroups.map(groupId),
    };
  }
  const seed = {
    instance: { version: '18.6.0', enforceAllowlist: false },
    users: [{ username: 'ops', admin: false }],
    groups,
    projects,
    tokens: [{ token: BENCH_TOKEN, type: 'personal', user: 'ops', scopes: ['read_api'], name: 'bench', expiresAt: '2099-12-31', revoked: false }],
  };
  return { seed, stacks, lock, drifted };
}
