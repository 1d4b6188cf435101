/**
 * The Terraform side of `bench:drift`: the benchmark org as a Terraform working
 * directory for the provider stand-in, with the state an apply of the
 * declaration leaves (so `plan -refresh-only` reads every scope back from
 * GitLab, as a scheduled drift check with Terraform would), in two forms:
 * literal ids (a lock file, no data sources) and ids through data sources.
 */
import * as fs from 'fs';
import * as path from 'path';
import { emptyCliConfig, runTerraform, terraformEnv, TerraformRun } from '../../lib/terraform/cli';
import type { BenchOrg } from './org';

export type IdSource = 'lock' | 'data';

interface ScopeJson {
  project: string;
  enabled: boolean;
  target_project_ids: number[];
  target_group_ids: number[];
}

const PROVIDER = 'provider["registry.terraform.io/gitlabhq/gitlab"]';

function scopesOf(org: BenchOrg): Record<string, ScopeJson> {
  const out: Record<string, ScopeJson> = {};
  for (const stack of Object.values(org.stacks) as Array<{ resource: { gitlab_project_job_token_scopes: Record<string, ScopeJson> } }>) {
    Object.assign(out, stack.resource.gitlab_project_job_token_scopes);
  }
  return out;
}

/** The whole org as one root module: with `data`, every id comes from a gitlab_project / gitlab_group data source, as synth writes it without a lock file. */
export function terraformConfig(org: BenchOrg, ids: IdSource): Record<string, unknown> {
  const scopes = scopesOf(org);
  const config: Record<string, unknown> = {
    terraform: { required_providers: { gitlab: { source: 'gitlabhq/gitlab', version: '18.6.1' } } },
    provider: { gitlab: [{}] },
  };
  if (ids === 'lock') return { ...config, resource: { gitlab_project_job_token_scopes: scopes } };
  const projectPath = new Map(Object.entries(org.lock.projects).map(([p, id]) => [id, p]));
  const groupPath = new Map(Object.entries(org.lock.groups).map(([p, id]) => [id, p]));
  const projects: Record<string, { path_with_namespace: string }> = {};
  const groups: Record<string, { full_path: string }> = {};
  const p = (id: number) => { projects[`p_${id}`] = { path_with_namespace: projectPath.get(id)! }; return `\${data.gitlab_project.p_${id}.id}`; };
  const g = (id: number) => { groups[`g_${id}`] = { full_path: groupPath.get(id)! }; return `\${data.gitlab_group.g_${id}.group_id}`; };
  const resources = Object.fromEntries(Object.entries(scopes).map(([name, s]) => [name, {
    project: p(Number(s.project)), enabled: s.enabled, target_project_ids: s.target_project_ids.map(p), target_group_ids: s.target_group_ids.map(g),
  }]));
  return { ...config, data: { gitlab_project: projects, gitlab_group: groups }, resource: { gitlab_project_job_token_scopes: resources } };
}

/** terraform.tfstate as applying the declaration leaves it (the stand-in's attributes after Create). */
export function appliedState(org: BenchOrg): Record<string, unknown> {
  const resources = Object.entries(scopesOf(org)).map(([name, s]) => ({
    mode: 'managed', type: 'gitlab_project_job_token_scopes', name, provider: PROVIDER,
    instances: [{
      schema_version: 0,
      attributes: {
        id: s.project, project: s.project, project_id: Number(s.project), enabled: s.enabled,
        target_project_ids: [...s.target_project_ids].sort((a, b) => a - b), target_group_ids: [...s.target_group_ids].sort((a, b) => a - b),
      },
      sensitive_attributes: [],
    }],
  }));
  return { version: 4, terraform_version: '1.11.4', serial: 1, lineage: 'b3a7c1e2-0000-4000-8000-bench0drift0', outputs: {}, resources, check_results: null };
}

/** A work dir holding the config and the applied state, `terraform init` done (no network: the provider is reattached). */
export async function terraformDir(dir: string, org: BenchOrg, ids: IdSource, reattach: string): Promise<(args: string[]) => Promise<TerraformRun>> {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'main.tf.json'), JSON.stringify(terraformConfig(org, ids)));
  fs.writeFileSync(path.join(dir, 'terraform.tfstate'), JSON.stringify(appliedState(org)));
  const env = terraformEnv({ base: process.env, cliConfigFile: emptyCliConfig(dir), reattach });
  const run = (args: string[]) => runTerraform(dir, args, env, 30 * 60_000);
  const init = await run(['init', '-input=false']);
  if (init.code !== 0) throw new Error(`terraform init in ${dir} failed:\n${init.output}`);
  return run;
}

/** Scopes Terraform reports as changed outside of Terraform (refresh) in a plan's output. */
export function driftedInOutput(stdout: string): number {
  return stdout.split('\n').filter((l) => /# gitlab_project_job_token_scopes\.\S+ has changed/.test(l)).length;
}
