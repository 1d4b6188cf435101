/**
 * The synth benchmark's org: N scopes, 5 project and 2 group entries each, drawn
 * from shared pools of paths, split into stacks of STACK_SIZE scopes (as large orgs
 * split per top-level group). Deterministic, so both variants build the same thing.
 */
export const STACK_SIZE = 1000;
export const PROJECT_POOL = 300;
export const GROUP_POOL = 60;

export interface ScopeSpec {
  readonly project: string;
  readonly allowProjects: string[];
  readonly allowGroups: string[];
}

export function poolProject(i: number): string {
  return `org/team-${i % 30}/svc-${i}`;
}

export function poolGroup(i: number): string {
  return `org/team-${i % 30}${i >= 30 ? `/sub-${i}` : ''}`;
}

export function workload(scopes: number): ScopeSpec[][] {
  const stacks: ScopeSpec[][] = [];
  for (let i = 0; i < scopes; i++) {
    if (i % STACK_SIZE === 0) stacks.push([]);
    const allowProjects: string[] = [];
    for (let k = 0; allowProjects.length < 5; k++) {
      const p = poolProject((i * 7 + k * 13) % PROJECT_POOL);
      if (!allowProjects.includes(p)) allowProjects.push(p);
    }
    const allowGroups = [poolGroup((i * 3) % GROUP_POOL), poolGroup((i * 3 + 17) % GROUP_POOL)];
    stacks[stacks.length - 1].push({ project: `org/apps/app-${i}`, allowProjects, allowGroups });
  }
  return stacks;
}
