import { GitLabHttp, gitlabErrorText } from '../gitlab/http';

/** The GitLab release that made fine-grained job-token permissions generally available. */
export const POLICIES_MIN_VERSION = '18.3';

/** What this GitLab's schema says about fine-grained job-token permissions. */
export interface PolicyFeature {
  /** GitLab's version (`metadata.version`), or undefined when it was not given. */
  readonly version: string | undefined;
  /** True when everything tokenscope needs to read the permissions is there. */
  readonly canRead: boolean;
  /** True when the permissions can also be set (`ciJobTokenScopeUpdatePolicies`). */
  readonly canWrite: boolean;
  /** Schema parts that are missing, e.g. `enum CiJobTokenScopePolicies`. */
  readonly missing: readonly string[];
  /** Values of the instance's `CiJobTokenScopePolicies` enum. */
  readonly policies: ReadonlySet<string>;
  /** Values the instance marks deprecated. */
  readonly deprecated: ReadonlySet<string>;
}

export const FEATURE_QUERY = `query TokenscopePolicyFeature {
  metadata { version }
  policies: __type(name: "CiJobTokenScopePolicies") { enumValues(includeDeprecated: true) { name isDeprecated } }
  entry: __type(name: "CiJobTokenScopeAllowlistEntry") { fields { name } }
  project: __type(name: "Project") { fields { name } }
  mutation: __type(name: "Mutation") { fields { name } }
}`;

/** Pure: reads the introspection answer of `FEATURE_QUERY`. */
export function featureFromIntrospection(data: Record<string, unknown> | null | undefined): PolicyFeature {
  const d = data ?? {};
  const version = typeof (d.metadata as { version?: unknown } | null)?.version === 'string'
    ? (d.metadata as { version: string }).version
    : undefined;
  const fieldNames = (t: unknown) => new Set(
    ((t as { fields?: unknown } | null)?.fields as Array<{ name?: unknown }> | null | undefined ?? [])
      .map((f) => f?.name)
      .filter((n): n is string => typeof n === 'string'),
  );
  const enumValues = ((d.policies as { enumValues?: unknown } | null)?.enumValues as Array<{ name?: unknown; isDeprecated?: unknown }> | null | undefined) ?? [];
  const policies = new Set(enumValues.map((v) => v?.name).filter((n): n is string => typeof n === 'string'));
  const deprecated = new Set(enumValues.filter((v) => v?.isDeprecated === true && typeof v.name === 'string').map((v) => v.name as string));
  const project = fieldNames(d.project);
  const entry = fieldNames(d.entry);
  const mutation = fieldNames(d.mutation);

  const readMissing: string[] = [];
  if (!d.policies || policies.size === 0) readMissing.push('enum CiJobTokenScopePolicies');
  if (!project.has('ciJobTokenScopeAllowlist')) readMissing.push('Project.ciJobTokenScopeAllowlist');
  for (const f of ['defaultPermissions', 'jobTokenPolicies']) {
    if (!entry.has(f)) readMissing.push(`CiJobTokenScopeAllowlistEntry.${f}`);
  }
  const writeMissing = mutation.has('ciJobTokenScopeUpdatePolicies') ? [] : ['mutation ciJobTokenScopeUpdatePolicies'];
  return {
    version,
    canRead: readMissing.length === 0,
    canWrite: readMissing.length === 0 && writeMissing.length === 0,
    missing: [...readMissing, ...writeMissing],
    policies,
    deprecated,
  };
}

/** `this GitLab (version 18.2.1-ee)`: how messages name the instance. */
export function instanceLabel(feature: Pick<PolicyFeature, 'version'>): string {
  return feature.version ? `this GitLab (version ${feature.version})` : 'this GitLab';
}

/** The message for an instance without the feature: what is missing and which release has it. */
export function noFeatureMessage(feature: PolicyFeature): string {
  return `${instanceLabel(feature)} has no fine-grained job-token permissions: they need GitLab ${POLICIES_MIN_VERSION} or later ` +
    `(its GraphQL schema has no ${feature.missing.join(', ')})`;
}

/** The GitLab feature flag behind fine-grained job-token permissions (GA, on by default, in 18.3). */
export const POLICIES_FLAG = 'add_policies_to_ci_job_token';

/**
 * Said once for every project where GitLab shows the flag off (every entry
 * reads the default permissions with `jobTokenPolicies: null`): what is not
 * in force, and how an administrator turns it on.
 */
export function flagOffMessage(projects: readonly { project: string; entries: number }[], instance: string): string {
  const shown = projects.slice(0, 5).map((p) => `${p.project} (${p.entries} entr${p.entries === 1 ? 'y' : 'ies'} with policies)`);
  const more = projects.length > shown.length ? ` and ${projects.length - shown.length} more` : '';
  return `fine-grained job-token permissions are switched off on ${instance} for ${shown.join(', ')}${more}: ` +
    `GitLab answers the default permissions for every entry and ignores declared policies while its feature flag ${POLICIES_FLAG} ` +
    `is off (on by default from GitLab ${POLICIES_MIN_VERSION}), and refuses to set them ("\`${POLICIES_FLAG}\` feature flag is disabled."). ` +
    `An administrator turns it on in the Rails console: Feature.enable(:${POLICIES_FLAG}) ` +
    `(or for one project: Feature.enable(:${POLICIES_FLAG}, Project.find_by_full_path('${projects[0]?.project ?? 'group/project'}')))`;
}

export class FeatureDetectionError extends Error {
  constructor(message: string, readonly status?: number) {
    super(message);
    this.name = 'FeatureDetectionError';
  }
}

/** One introspection query; it throws only when GitLab does not answer it at all. */
export async function detectPolicyFeature(http: GitLabHttp): Promise<PolicyFeature> {
  const res = await http.graphql({ query: FEATURE_QUERY, operationName: 'TokenscopePolicyFeature' });
  const body = res.json as { data?: Record<string, unknown> | null; errors?: unknown } | undefined;
  if (res.status !== 200 || !body?.data) {
    throw new FeatureDetectionError(
      `could not ask GitLab which job-token features it has (HTTP ${res.status}: ${gitlabErrorText(res) ?? 'no data'})`,
      res.status,
    );
  }
  return featureFromIntrospection(body.data);
}
