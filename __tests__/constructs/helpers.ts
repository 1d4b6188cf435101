import { App, TerraformStack, Testing } from 'cdktf';
import { TokenScopeStack } from '../../lib';

export interface SynthJson {
  resource?: { gitlab_project_job_token_scopes?: Record<string, ScopeJson> };
  data?: { gitlab_project?: Record<string, { path_with_namespace: string }>; gitlab_group?: Record<string, { full_path: string }> };
  provider?: { gitlab?: Array<Record<string, unknown>> };
  import?: Array<{ id: string; to: string }>;
}

export interface ScopeJson {
  project: string;
  enabled: boolean;
  target_project_ids: Array<number | string>;
  target_group_ids: Array<number | string>;
}

/** A stack with no lock file, whatever the working directory holds. */
export function newStack(id = 'test'): { app: App; stack: TokenScopeStack } {
  const app = Testing.app();
  const stack = new TokenScopeStack(app, id, { lockFile: false });
  return { app, stack };
}

export function synthJson(stack: TerraformStack): SynthJson {
  return JSON.parse(Testing.synth(stack, true)) as SynthJson;
}

export function scopes(json: SynthJson): Record<string, ScopeJson> {
  return json.resource?.gitlab_project_job_token_scopes ?? {};
}

/** Runs synth with validations and returns the error message (or fails the test). */
export function synthError(stack: TerraformStack): string {
  try {
    Testing.synth(stack, true);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected synth to fail');
}
