/**
 * Data sources `gitlab_project` and `gitlab_group`, legacy-SDK style as in
 * terraform-provider-gitlab (data_source_gitlab_project.go, data_source_gitlab_group.go):
 * `GET /projects/:id` (by `id`, else `path_with_namespace`) then
 * `GET /projects/:id/push_rules` (a 404 is ignored); `GET /groups/:id` (by
 * `group_id`, else `full_path`). Values the API leaves out read as Go's zero
 * values, as the SDK's `d.Set` stores them. Only the attributes listed here are
 * served (a subset of the real ones; README lists them).
 */
import type { CtyObject, CtyType, CtyValue } from './cty';
import { ApiError } from './gitlab-client';
import type { DataSource, Outcome } from './resource';
import { valueInt, valueString } from './resource';
import { AttributeSchema, BlockSchema, errorDiag } from './schema';
import { sdkConflictsWith, sdkExactlyOneOf } from './validators';

const computed = (type: CtyType, description: string): AttributeSchema => ({ type, computed: true, description });

export const PROJECT_DATA_SCHEMA: BlockSchema = {
  version: 0,
  description: 'The `gitlab_project` data source allows details of a project to be retrieved by either its ID or its path with namespace.',
  attributes: {
    id: {
      type: 'string', optional: true, computed: true, validators: [sdkExactlyOneOf('id', 'path_with_namespace')],
      description: 'The integer or path with namespace that uniquely identifies the project within the gitlab install.',
    },
    path_with_namespace: {
      type: 'string', optional: true, computed: true, validators: [sdkExactlyOneOf('id', 'path_with_namespace')],
      description: 'The path of the repository with namespace.',
    },
    public_builds: { type: 'bool', optional: true, description: 'If true, jobs can be viewed by non-project members.' },
    ci_default_git_depth: { type: 'number', optional: true, computed: true, description: 'Default number of revisions for shallow cloning.' },
    ci_id_token_sub_claim_components: {
      type: ['list', 'string'], optional: true, computed: true,
      description: 'Fields included in the sub claim of the ID Token.',
    },
    name: computed('string', 'The name of the project.'),
    path: computed('string', 'The path of the repository.'),
    description: computed('string', 'A description of the project.'),
    default_branch: computed('string', 'The default branch for the project.'),
    visibility_level: computed('string', 'Repositories are created as private by default.'),
    namespace_id: computed('number', 'The namespace (group or user) of the project. Defaults to your user.'),
    ssh_url_to_repo: computed('string', 'URL that can be provided to `git clone` to clone the'),
    http_url_to_repo: computed('string', 'URL that can be provided to `git clone` to clone the'),
    web_url: computed('string', 'URL that can be used to find the project in a browser.'),
    archived: computed('bool', 'Whether the project is in read-only mode (archived).'),
    topics: computed(['set', 'string'], 'The list of topics for the project.'),
  },
};

export const GROUP_DATA_SCHEMA: BlockSchema = {
  version: 0,
  description: 'Provide details about a specific group in the gitlab provider.\n\n> **Note**: exactly one of group_id or full_path must be provided.',
  attributes: {
    id: computed('string', 'The ID of this datasource. In the format `<group-id>`.'),
    group_id: { type: 'number', optional: true, computed: true, validators: [sdkConflictsWith('full_path')], description: 'The ID of the group.' },
    full_path: { type: 'string', optional: true, computed: true, validators: [sdkConflictsWith('group_id')], description: 'The full path of the group.' },
    name: computed('string', 'The name of this group.'),
    full_name: computed('string', 'The full name of the group.'),
    web_url: computed('string', 'Web URL of the group.'),
    path: computed('string', 'The path of the group.'),
    description: computed('string', 'The description of the group.'),
    visibility_level: computed('string', 'Visibility level of the group. Possible values are `private`, `internal`, `public`.'),
    parent_id: computed('number', 'Integer, ID of the parent group.'),
  },
};

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const num = (v: unknown): number => (typeof v === 'number' ? v : 0);
const sdkError = (err: unknown): Outcome => ({ state: null, diagnostics: [errorDiag((err as Error).message)] });

export const projectData: DataSource = {
  typeName: 'gitlab_project',
  schema: PROJECT_DATA_SCHEMA,
  async read(ctx, config): Promise<Outcome> {
    const pid = valueString(config.id) || valueString(config.path_with_namespace);
    if (!pid) return { state: null, diagnostics: [errorDiag('Must specify either id or path_with_namespace')] };
    let found: Record<string, unknown>;
    try {
      found = await ctx.client.project(pid);
    } catch (err) {
      return sdkError(err);
    }
    const id = String(found.id);
    try {
      await ctx.client.projectPushRules(id);
    } catch (err) {
      if (!(err instanceof ApiError && err.status === 404)) {
        return { state: null, diagnostics: [errorDiag(`Failed to get push rules for project "${id}": ${(err as Error).message}`)] };
      }
    }
    const ns = (found.namespace ?? {}) as Record<string, unknown>;
    const topics = Array.isArray(found.topics) ? found.topics.filter((t): t is string => typeof t === 'string') : [];
    const state: CtyObject = {
      id,
      path_with_namespace: str(found.path_with_namespace),
      public_builds: typeof found.public_jobs === 'boolean' ? found.public_jobs : (config.public_builds ?? null),
      ci_default_git_depth: typeof found.ci_default_git_depth === 'number' ? found.ci_default_git_depth : (config.ci_default_git_depth ?? 0),
      ci_id_token_sub_claim_components: Array.isArray(found.ci_id_token_sub_claim_components)
        ? (found.ci_id_token_sub_claim_components as CtyValue[]) : (config.ci_id_token_sub_claim_components ?? []),
      name: str(found.name),
      path: str(found.path),
      description: str(found.description),
      default_branch: str(found.default_branch),
      visibility_level: str(found.visibility),
      namespace_id: num(ns.id),
      ssh_url_to_repo: str(found.ssh_url_to_repo),
      http_url_to_repo: str(found.http_url_to_repo),
      web_url: str(found.web_url),
      archived: found.archived === true,
      topics,
    };
    return { state, diagnostics: [] };
  },
};

export const groupData: DataSource = {
  typeName: 'gitlab_group',
  schema: GROUP_DATA_SCHEMA,
  async read(ctx, config): Promise<Outcome> {
    const gid = config.group_id !== null && config.group_id !== undefined ? String(valueInt(config.group_id)) : valueString(config.full_path);
    if (!gid) return { state: null, diagnostics: [errorDiag('one and only one of group_id or full_path must be set')] };
    let g: Record<string, unknown>;
    try {
      g = await ctx.client.group(gid);
    } catch (err) {
      return sdkError(err);
    }
    const state: CtyObject = {
      id: String(g.id),
      group_id: num(g.id),
      full_path: str(g.full_path),
      name: str(g.name),
      full_name: str(g.full_name),
      web_url: str(g.web_url),
      path: str(g.path),
      description: str(g.description),
      visibility_level: str(g.visibility),
      parent_id: num(g.parent_id),
    };
    return { state, diagnostics: [] };
  },
};
