/**
 * `gitlab_project_job_token_scopes` as terraform-provider-gitlab 18.6.1 has it
 * (internal/provider/resource_gitlab_project_job_token_scopes.go): the schema,
 * ModifyPlan, Create/Read/Update/Delete and ImportState, with the same REST
 * requests in the same order and the same diagnostics.
 *
 * setProjectCIJobScopes: projects first (read every page, DELETE each extra,
 * POST each missing), then groups (the same), then PATCH `enabled`;
 * readIntoState: GET job_token_scope, then both lists again. Delete runs the
 * set with empty lists and enabled=true and ignores its errors.
 */
import { CtyObject } from '../cty';
import { BlockSchema, Diagnostic, errorDiag } from '../schema';
import { decodeState } from '../state-upgrade';
import { atLeast, atLeastOneOfSiblings, conflictsWith, lengthAtLeast, wholeNumber, wholeNumbers } from '../validators';
import { atoi, ManagedResource, numberSet, Outcome, ResourceContext, valueBool, valueInt, valueString } from '../resource';
import { compareIds, groupEntries, projectEntries } from './allowlist-pages';

export const JOB_TOKEN_SCOPES_SCHEMA: BlockSchema = {
  version: 0,
  description: 'The `gitlab_project_job_token_scopes` resource manages the CI/CD Job Token scopes in a project.\n' +
    'Any project or group not within the defined set of `target_project_ids` or `target_group_ids`, respectively, will be removed,\n' +
    'which allows this resource to be used as an explicit deny.',
  attributes: {
    id: {
      type: 'string', computed: true, description: 'The ID of this Terraform resource. In the format of `<project_id>`.',
      planModifiers: ['useStateForUnknown'], validators: [atLeastOneOfSiblings('project', 'project_id')],
    },
    project: {
      type: 'string', optional: true, computed: true, description: 'The ID or full path of the project.',
      planModifiers: ['requiresReplace'], validators: [lengthAtLeast(1), conflictsWith('project_id')],
    },
    project_id: {
      type: 'number', optional: true, computed: true, description: 'The ID of the project. Use `project` instead. To be removed in 19.0.',
      deprecationMessage: 'Use `project` instead. To be removed in 19.0.',
      planModifiers: ['requiresReplace'], validators: [wholeNumber, atLeast(0), conflictsWith('project')],
    },
    enabled: {
      type: 'bool', optional: true, computed: true, planModifiers: ['useStateForUnknown'],
      description: 'Enable the given inbound allowlist. If false, will allow any project or group regardless of the values in ' +
        '`target_project_ids` or `target_group_ids`. Deleting the associated `gitlab_project_job_token_scopes` resource will reset `Enabled` on the group to `true`.',
    },
    target_project_ids: {
      type: ['set', 'number'], optional: true, computed: true, planModifiers: ['useStateForUnknown'], validators: [wholeNumbers],
      description: 'A set of project IDs that are in the CI/CD job token inbound allowlist.',
    },
    target_group_ids: {
      type: ['set', 'number'], optional: true, computed: true, planModifiers: ['useStateForUnknown'], validators: [wholeNumbers],
      description: 'A set of group IDs that are in the CI/CD job token inbound allowlist.',
    },
  },
};

/** `getProject()`: `project`, or `project_id` printed when `project` is empty. */
function projectOf(data: CtyObject): string {
  const p = valueString(data.project);
  return p === '' ? String(valueInt(data.project_id)) : p;
}

const apiError = (summary: string, err: unknown): Diagnostic => errorDiag(summary, (err as Error).message);

async function setList(ctx: ResourceContext, project: string, kind: 'project' | 'group', desired: number[]): Promise<Diagnostic | undefined> {
  const c = ctx.client;
  let current: number[];
  try {
    current = (kind === 'project' ? await projectEntries(c, project) : await groupEntries(c, project)).map((e) => e.id);
  } catch (err) {
    return apiError(`GitLab API error occured when retrieving existing ${kind === 'project' ? 'project' : 'groups'} scopes to compare`, err);
  }
  const { create, remove } = compareIds(desired, current);
  for (const id of remove) {
    try {
      if (kind === 'project') await c.removeProjectFromAllowlist(project, id);
      else await c.removeGroupFromAllowlist(project, id);
    } catch (err) {
      return apiError(kind === 'project'
        ? `GitLab API error occured when removing job scopes from project ${project}`
        : `GitLab API error occured when removing group from job scopes for project ${project}`, err);
    }
  }
  for (const id of create) {
    try {
      if (kind === 'project') await c.addProjectToAllowlist(project, id);
      else await c.addGroupToAllowlist(project, id);
    } catch (err) {
      return apiError(kind === 'project'
        ? `GitLab API error occured when adding job scopes to project ${project}`
        : `GitLab API error occured when adding group to job scopes for project ${project}`, err);
    }
  }
  return undefined;
}

/** `setProjectCIJobScopes`. */
async function setScopes(ctx: ResourceContext, project: string, data: CtyObject): Promise<Diagnostic | undefined> {
  const projects = await setList(ctx, project, 'project', numberSet(data.target_project_ids));
  if (projects) return projects;
  const groups = await setList(ctx, project, 'group', numberSet(data.target_group_ids));
  if (groups) return groups;
  try {
    await ctx.client.patchJobTokenAccessSettings(project, valueBool(data.enabled));
  } catch (err) {
    return apiError(`GitLab API error occured when setting the jobtoken allowlist enabled flag in project ${project}`, err);
  }
  return undefined;
}

/** `readIntoState`: fills `enabled` and both sets on `data` (left as they were after a failure). */
async function readIntoState(ctx: ResourceContext, project: string, data: CtyObject): Promise<Diagnostic | undefined> {
  try {
    data.enabled = (await ctx.client.jobTokenAccessSettings(project)).inbound_enabled === true;
  } catch (err) {
    return apiError('Error reading project job token access settings', err);
  }
  try {
    data.target_project_ids = (await projectEntries(ctx.client, project)).map((p) => p.id);
  } catch (err) {
    return apiError('Error reading project scopes', err);
  }
  try {
    data.target_group_ids = (await groupEntries(ctx.client, project)).map((g) => g.id);
  } catch (err) {
    return apiError('Error reading groups for project scopes', err);
  }
  return undefined;
}

const present = (...ds: Array<Diagnostic | undefined>): Diagnostic[] => ds.filter((d): d is Diagnostic => d !== undefined);

export const projectJobTokenScopes: ManagedResource = {
  typeName: 'gitlab_project_job_token_scopes',
  schema: JOB_TOKEN_SCOPES_SCHEMA,

  /** 18.1+: refuses `enabled = false` at plan time when the instance enforces the allowlist and the settings are readable (admin). */
  async modifyPlan(ctx, planned) {
    let settings: Record<string, unknown> | undefined;
    try {
      settings = await ctx.client.applicationSettings();
    } catch (err) {
      ctx.log('failed to retrieve settings; skipping `enforce_ci_inbound_job_token_scope_enabled` validation. ' +
        `Proceeding with plan assuming the user knows they can configure it properly. (${(err as Error).message})`);
    }
    if (settings && planned && settings.enforce_ci_inbound_job_token_scope_enabled === true && planned.enabled === false) {
      return [errorDiag(
        '`enabled` may not be set to false when the setting for `enforce_ci_inbound_job_token_scope_enabled` is set to true.',
        'Job Token Scope enforcement must be enabled on this GitLab instance due to application settings. ' +
          'Talk to a system administrator if you believe this error is inaccurate.',
        'enabled',
      )];
    }
    return [];
  },

  async create(ctx, planned): Promise<Outcome> {
    const data: CtyObject = { ...planned };
    const project = projectOf(data);
    // A user may have set scopes by hand before: even Create is a diff against what is there.
    const diagnostics = present(await setScopes(ctx, project, data), await readIntoState(ctx, project, data));
    data.id = project;
    data.project = project;
    const n = atoi(project);
    if (n !== undefined) data.project_id = n;
    return { state: data, diagnostics };
  },

  async read(ctx, state): Promise<Outcome> {
    const data: CtyObject = { ...state };
    const id = valueString(data.id);
    const diagnostics = present(await readIntoState(ctx, id, data));
    data.project = id;
    const n = atoi(id);
    if (n !== undefined) data.project_id = n;
    return { state: data, diagnostics };
  },

  async update(ctx, planned): Promise<Outcome> {
    const data: CtyObject = { ...planned };
    const project = projectOf(data);
    const diagnostics = present(await setScopes(ctx, project, data), await readIntoState(ctx, project, data));
    return { state: data, diagnostics };
  },

  async delete(ctx, prior) {
    // The default for new projects is restored; the lists are emptied. The provider drops this call's errors.
    const data: CtyObject = { ...prior, enabled: true, target_project_ids: [], target_group_ids: [] };
    await setScopes(ctx, projectOf(data), data);
    return [];
  },

  importState(id) {
    return { states: [{ ...Object.fromEntries(Object.keys(JOB_TOKEN_SCOPES_SCHEMA.attributes).map((k) => [k, null])), id }], diagnostics: [] };
  },

  upgradeState(version, raw) {
    return decodeState(JOB_TOKEN_SCOPES_SCHEMA, version, raw);
  },
};
