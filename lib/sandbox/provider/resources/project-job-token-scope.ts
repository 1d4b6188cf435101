/**
 * `gitlab_project_job_token_scope`: one allowlist entry, non-authoritative, as
 * terraform-provider-gitlab 18.6.1 has it
 * (internal/provider/resource_gitlab_project_job_token_scope.go, schema version 1):
 * id `<project>:<project|group>:<target-id>`, import ids in that form or the
 * legacy `<project>:<target-project-id>`, a V0 -> V1 state upgrader.
 */
import { CtyObject, decodeJson } from '../cty';
import { atoi, ManagedResource, Outcome, valueInt, valueString } from '../resource';
import { BlockSchema, errorDiag } from '../schema';
import { decodeState } from '../state-upgrade';
import { exactlyOneOf, lengthAtLeast, wholeNumber } from '../validators';
import { hasEntry } from './allowlist-pages';

export const JOB_TOKEN_SCOPE_SCHEMA: BlockSchema = {
  version: 1,
  description: 'The `gitlab_project_job_token_scope` resource allows to manage the CI/CD Job Token scope in a project.\n' +
    'Any projects added to the CI/CD Job Token scope outside of TF will be untouched by the resource.',
  attributes: {
    id: {
      type: 'string', computed: true, planModifiers: ['useStateForUnknown'],
      description: 'The ID of this Terraform resource. In the format of `<project>:<type>:<target-id>` where `type` is either `project` or `group`.',
    },
    project: {
      type: 'string', required: true, description: 'The ID or full path of the project.',
      planModifiers: ['requiresReplace'], validators: [lengthAtLeast(1)],
    },
    target_project_id: {
      type: 'number', optional: true, description: 'The ID of the project that is in the CI/CD job token inbound allowlist.',
      planModifiers: ['requiresReplace', 'useStateForUnknown'], validators: [wholeNumber, exactlyOneOf('target_group_id')],
    },
    target_group_id: {
      type: 'number', optional: true, description: 'The ID of the group that is in the CI/CD job token inbound allowlist.',
      planModifiers: ['requiresReplace', 'useStateForUnknown'], validators: [wholeNumber, exactlyOneOf('target_project_id')],
    },
  },
};

const V0_TYPE = ['object', { id: 'string', project: 'string', target_project_id: 'number' }] as const;

/** utils.ParseThreePartID / ParseTwoPartID: split on ":" into exactly that many parts. */
function parts(id: string, n: number): string[] | undefined {
  const p = id.split(':');
  return p.length === n ? p : undefined;
}

const idFormatError = (id: string, n: number): string => `unexpected ID format (${JSON.stringify(id)}). Expected ${n === 3 ? 'project:type:target_id' : 'project:target_id'}`;

export const projectJobTokenScope: ManagedResource = {
  typeName: 'gitlab_project_job_token_scope',
  schema: JOB_TOKEN_SCOPE_SCHEMA,

  async create(ctx, planned): Promise<Outcome> {
    const data: CtyObject = { ...planned };
    const project = valueString(data.project);
    let kind = '';
    let target = '';
    try {
      if (data.target_project_id !== null) {
        const r = await ctx.client.addProjectToAllowlist(project, valueInt(data.target_project_id));
        [kind, target] = ['project', String(r.target_project_id)];
      } else if (data.target_group_id !== null) {
        const r = await ctx.client.addGroupToAllowlist(project, valueInt(data.target_group_id));
        [kind, target] = ['group', String(r.target_group_id)];
      }
    } catch (err) {
      const what = data.target_project_id !== null ? 'project' : 'group';
      return { state: null, diagnostics: [errorDiag('GitLab API error occurred', `Unable to add the target ${what} to CI/CD Job Token inbound allowlist: ${(err as Error).message}`)] };
    }
    data.id = `${project}:${kind}:${target}`;
    return { state: data, diagnostics: [] };
  },

  async read(ctx, state): Promise<Outcome> {
    const id = valueString(state.id);
    const p = parts(id, 3);
    if (!p) {
      return { state, diagnostics: [errorDiag('Invalid resource ID format', `The resource ID '${id}' has an invalid format. It should be '<project>:<target-id>'. Error: ${idFormatError(id, 3)}`)] };
    }
    const [project, kind] = p;
    let found = false;
    try {
      if (kind === 'project') found = await hasEntry(ctx.client, project, 'project', valueInt(state.target_project_id));
      else if (kind === 'group') found = await hasEntry(ctx.client, project, 'group', valueInt(state.target_group_id));
    } catch (err) {
      return { state, diagnostics: [errorDiag('GitLab API error occurred', `Unable to read project allowlist: ${(err as Error).message}`)] };
    }
    return { state: found ? state : null, diagnostics: [] };
  },

  async update(_ctx, planned): Promise<Outcome> {
    return {
      state: planned,
      diagnostics: [errorDiag('Provider Error, report upstream', 'Somehow the resource was requested to perform an in-place upgrade which is not possible.')],
    };
  },

  async delete(ctx, prior) {
    const id = valueString(prior.id);
    const p = parts(id, 3);
    if (!p) return [errorDiag('Invalid resource ID format', `The resource ID '${id}' has an invalid format. Error: ${idFormatError(id, 3)}`)];
    const [project, kind] = p;
    try {
      if (kind === 'project') await ctx.client.removeProjectFromAllowlist(project, valueInt(prior.target_project_id));
      else if (kind === 'group') await ctx.client.removeGroupFromAllowlist(project, valueInt(prior.target_group_id));
    } catch (err) {
      return [errorDiag('GitLab API error occurred', `Unable to remove target from CI/CD Job Token inbound allowlist: ${(err as Error).message}`)];
    }
    return [];
  },

  importState(id) {
    let p = parts(id, 3);
    if (!p) {
      const two = parts(id, 2);
      if (!two) {
        return { states: [], diagnostics: [errorDiag('Invalid import ID format',
          `The resource ID must be in the format 'project:type:target_id' or the legacy format 'project:target_id'. Got: ${id}. Error: ${idFormatError(id, 2)}`)] };
      }
      p = [two[0], 'project', two[1]];
    }
    const [project, kind, targetText] = p;
    const target = atoi(targetText);
    if (target === undefined) {
      return { states: [], diagnostics: [errorDiag('Invalid target ID', `Failed to parse target ID '${targetText}' as integer: strconv.Atoi: parsing ${JSON.stringify(targetText)}: invalid syntax`)] };
    }
    if (kind !== 'project' && kind !== 'group') {
      return { states: [], diagnostics: [errorDiag('Invalid target type', `Target type must be either 'project' or 'group'. Got: ${kind}`)] };
    }
    return {
      states: [{
        id: `${project}:${kind}:${targetText}`, project,
        target_project_id: kind === 'project' ? target : null,
        target_group_id: kind === 'group' ? target : null,
      }],
      diagnostics: [],
    };
  },

  upgradeState(version, raw) {
    if (version !== 0) return decodeState(JOB_TOKEN_SCOPE_SCHEMA, version, raw);
    const old = decodeJson(V0_TYPE, raw) as CtyObject | null;
    if (!old) return { state: null, diagnostics: [] };
    const p = parts(valueString(old.id), 2);
    if (!p) return { state: null, diagnostics: [errorDiag('Unable to upgrade state', `unable to parse two part ID: ${idFormatError(valueString(old.id), 2)}`)] };
    return {
      state: { id: `${p[0]}:project:${p[1]}`, project: old.project, target_project_id: old.target_project_id, target_group_id: null },
      diagnostics: [],
    };
  },
};
