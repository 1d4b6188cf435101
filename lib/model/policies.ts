/**
 * GitLab's `CiJobTokenScopePolicies` enum (fine-grained job-token permissions,
 * facts sheet section 2). The set differs by GitLab version, so anything that
 * can ask GitLab reads the enum by introspection (`tokenscope policies`); this
 * built-in catalogue is what is used offline (construct validation at synth
 * time, the sandbox's schema), and says so in its messages.
 *
 * Versions (gitlab-org/gitlab `lib/ci/job_token/policies.rb`, whose values
 * `app/graphql/types/ci/job_token_scope/policies_enum.rb` turns into the enum;
 * the release of each step is approximate): the first set (17.5); merge
 * requests, pipelines, repositories (read) and work items (18.0); the
 * CONTAINERS policies deprecated (18.4); badges and repositories (write)
 * (18.5); the CONTAINERS policies gone (19.0).
 */

type Version = readonly [number, number];

interface PolicyEntry {
  readonly name: string;
  readonly since: Version;
  readonly deprecatedSince?: Version;
  readonly removedIn?: Version;
}

const CONTAINERS_DEPRECATED: Version = [18, 4];
const CONTAINERS_REMOVED: Version = [19, 0];

const CATALOGUE: readonly PolicyEntry[] = [
  { name: 'READ_CONTAINERS', since: [17, 5], deprecatedSince: CONTAINERS_DEPRECATED, removedIn: CONTAINERS_REMOVED },
  { name: 'ADMIN_CONTAINERS', since: [17, 5], deprecatedSince: CONTAINERS_DEPRECATED, removedIn: CONTAINERS_REMOVED },
  ...['DEPLOYMENTS', 'ENVIRONMENTS', 'JOBS', 'PACKAGES', 'RELEASES', 'SECURE_FILES', 'TERRAFORM_STATE']
    .flatMap((r) => [{ name: `READ_${r}`, since: [17, 5] as Version }, { name: `ADMIN_${r}`, since: [17, 5] as Version }]),
  { name: 'READ_MERGE_REQUESTS', since: [18, 0] },
  { name: 'READ_PIPELINES', since: [18, 0] },
  { name: 'ADMIN_PIPELINES', since: [18, 0] },
  { name: 'READ_REPOSITORIES', since: [18, 0] },
  { name: 'READ_WORK_ITEMS', since: [18, 0] },
  { name: 'READ_BADGES', since: [18, 5] },
  { name: 'ADMIN_BADGES', since: [18, 5] },
  { name: 'ADMIN_REPOSITORIES', since: [18, 5] },
];

/** The newest GitLab the built-in catalogue describes, for messages. */
export const CATALOGUE_VERSION = '19.0';

/** Every value the catalogue knows, in any version (the newest set first, then the removed ones). */
export const JOB_TOKEN_POLICIES = [
  'READ_DEPLOYMENTS', 'ADMIN_DEPLOYMENTS',
  'READ_ENVIRONMENTS', 'ADMIN_ENVIRONMENTS',
  'READ_JOBS', 'ADMIN_JOBS',
  'READ_PACKAGES', 'ADMIN_PACKAGES',
  'READ_RELEASES', 'ADMIN_RELEASES',
  'READ_SECURE_FILES', 'ADMIN_SECURE_FILES',
  'READ_TERRAFORM_STATE', 'ADMIN_TERRAFORM_STATE',
  'READ_CONTAINERS', 'ADMIN_CONTAINERS',
  'READ_MERGE_REQUESTS',
  'READ_PIPELINES', 'ADMIN_PIPELINES',
  'READ_REPOSITORIES', 'ADMIN_REPOSITORIES',
  'READ_WORK_ITEMS',
  'READ_BADGES', 'ADMIN_BADGES',
] as const;

export type JobTokenPolicy = (typeof JOB_TOKEN_POLICIES)[number];

/** Deprecated by GitLab (18.4) and gone in 19.0; declaring them is refused so they never reach a plan. */
export const DEPRECATED_POLICIES: ReadonlySet<string> = new Set(
  CATALOGUE.filter((p) => p.deprecatedSince).map((p) => p.name),
);

const KNOWN: ReadonlySet<string> = new Set(JOB_TOKEN_POLICIES);

export function isJobTokenPolicy(x: string): x is JobTokenPolicy {
  return KNOWN.has(x);
}

/** `"18.6.0-ee"` -> [18, 6]; undefined when it does not start with a version. */
export function parseVersion(version: string | undefined): Version | undefined {
  const m = /^(\d+)\.(\d+)/.exec(version ?? '');
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

function before(v: Version, w: Version): boolean {
  return v[0] < w[0] || (v[0] === w[0] && v[1] < w[1]);
}

/** The enum of one GitLab version: its values in GitLab's order, the deprecated ones marked. Unparsable versions count as the newest. */
export function policiesForVersion(version: string | undefined): { name: string; deprecated: boolean }[] {
  const v = parseVersion(version) ?? [99, 0];
  return CATALOGUE
    .filter((p) => !before(v, p.since) && !(p.removedIn && !before(v, p.removedIn)))
    .map((p) => ({ name: p.name, deprecated: !!p.deprecatedSince && !before(v, p.deprecatedSince) }));
}

/** Problems with a declared policy set, each a full sentence fragment; empty when valid. */
export function policyProblems(policies: readonly unknown[]): string[] {
  const problems: string[] = [];
  if (policies.length === 0) {
    problems.push('has an empty policies list; omit `policies` to keep the default permissions, or name at least one policy');
    return problems;
  }
  const seen = new Set<string>();
  for (const p of policies) {
    if (typeof p !== 'string' || !KNOWN.has(p)) {
      problems.push(
        `names unknown policy ${JSON.stringify(p)} (tokenscope's built-in list of GitLab's CiJobTokenScopePolicies, as of GitLab ` +
          `${CATALOGUE_VERSION}: ${JOB_TOKEN_POLICIES.filter((x) => !DEPRECATED_POLICIES.has(x)).join(', ')}; ` +
          '`tokenscope policies apply` (without --yes) checks against the values your GitLab has)',
      );
    } else if (DEPRECATED_POLICIES.has(p)) {
      problems.push(`names deprecated policy ${p} (GitLab deprecated the CONTAINERS policies in 18.4 and removes them in 19.0); remove it`);
    } else if (seen.has(p)) {
      problems.push(`names policy ${p} twice`);
    }
    if (typeof p === 'string') seen.add(p);
  }
  return problems;
}
