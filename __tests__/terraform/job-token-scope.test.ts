/**
 * Real Terraform through the stand-in: the one-entry `gitlab_project_job_token_scope`
 * (ids, import forms, the V0 -> V1 state upgrade) and the validation both
 * resources answer with, worded as the provider's libraries word it.
 */
import * as fs from 'fs';
import * as path from 'path';
import { testSeed, TOK } from '../sandbox/helpers';
import { startTerraformRig, TerraformRig } from './harness';

let rig: TerraformRig;
beforeAll(async () => {
  rig = await startTerraformRig({ seed: testSeed(), token: TOK.ops });
});
afterAll(async () => rig?.stop());

const flat = (text: string): string => text.replace(/\s+/g, ' ');
const entry = (name: string, attrs: Record<string, unknown>) => ({ resource: { gitlab_project_job_token_scope: { [name]: attrs } } });
const linksOf = (id: number) => [...rig.sandbox.state.projects.get(id)!.projectLinks.keys()].sort((a, b) => a - b);
const groupLinksOf = (id: number) => [...rig.sandbox.state.projects.get(id)!.groupLinks.keys()].sort((a, b) => a - b);

type StateJson = { values: { root_module: { resources: Array<{ address: string; values: Record<string, unknown> }> } } };

describe('gitlab_project_job_token_scope through real Terraform', () => {
  it('adds one project and one group entry, refreshes to no change, and destroy removes only those', async () => {
    const tf = await rig.workdir();
    tf.writeConfig({
      resource: {
        gitlab_project_job_token_scope: {
          open: { project: '13', target_project_id: 15 },
          tools: { project: '13', target_group_id: 11 },
        },
      },
    });
    await tf.init();
    rig.sandbox.clearRequests();
    expect((await tf.apply()).code).toBe(0);
    const writes = rig.sandbox.requests().filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.path} ${r.status}`).sort();
    expect(writes).toEqual([
      'POST /api/v4/projects/13/job_token_scope/allowlist 201',
      'POST /api/v4/projects/13/job_token_scope/groups_allowlist 201',
    ]);
    const state = (await tf.showJson()) as unknown as StateJson;
    const ids = state.values.root_module.resources.map((r) => r.values.id).sort();
    expect(ids).toEqual(['13:group:11', '13:project:15']);
    expect(linksOf(13)).toEqual([15]);
    expect(groupLinksOf(13)).toEqual([11]);
    expect((await tf.plan()).code).toBe(0);
    rig.sandbox.state.projects.get(13)!.projectLinks.set(14, rig.sandbox.state.newLink('project', 14, {}));
    expect((await tf.destroy()).code).toBe(0);
    // Non-authoritative: the entry set by hand stays.
    expect(linksOf(13)).toEqual([14]);
    expect(groupLinksOf(13)).toEqual([]);
  });

  it('imports the legacy id form <project>:<target-project-id> into the three-part id', async () => {
    const tf = await rig.workdir();
    tf.writeConfig(entry('cli', { project: '13', target_project_id: 14 }));
    await tf.init();
    expect((await tf.import('gitlab_project_job_token_scope.cli', '13:14')).output).toContain('Import successful!');
    const state = (await tf.showJson()) as unknown as StateJson;
    expect(state.values.root_module.resources[0].values).toMatchObject({ id: '13:project:14', project: '13', target_project_id: 14, target_group_id: null });
    expect((await tf.plan()).code).toBe(0);
    const bad = await tf.import('gitlab_project_job_token_scope.cli', '13:project:x');
    expect(bad.code).toBe(1);
    expect(flat(bad.output)).toContain("Failed to parse target ID 'x' as integer");
  });

  it('upgrades a schema version 0 state (id <project>:<target>) on refresh', async () => {
    const tf = await rig.workdir();
    tf.writeConfig(entry('old', { project: '13', target_project_id: 14 }));
    await tf.init();
    fs.writeFileSync(path.join(tf.dir, 'terraform.tfstate'), JSON.stringify({
      version: 4, terraform_version: '1.11.4', serial: 1, lineage: 'b3f2c1d0-0000-4000-8000-000000000001', outputs: {},
      resources: [{
        mode: 'managed', type: 'gitlab_project_job_token_scope', name: 'old', provider: 'provider["registry.terraform.io/gitlabhq/gitlab"]',
        instances: [{ schema_version: 0, attributes: { id: '13:14', project: '13', target_project_id: 14 }, sensitive_attributes: [] }],
      }],
    }));
    expect((await tf.ok(['apply', '-input=false', '-refresh-only', '-auto-approve'])).code).toBe(0);
    const state = (await tf.showJson()) as unknown as StateJson;
    expect(state.values.root_module.resources[0].values).toMatchObject({ id: '13:project:14', target_group_id: null });
    expect(JSON.parse(tf.readFile('terraform.tfstate')).resources[0].instances[0].schema_version).toBe(1);
  });

  it('refuses both targets or none, as ExactlyOneOf words it', async () => {
    const tf = await rig.workdir();
    tf.writeConfig(entry('both', { project: '13', target_project_id: 14, target_group_id: 11 }));
    await tf.init();
    const both = await tf.plan();
    expect(both.code).toBe(1);
    expect(flat(both.output)).toContain('2 attributes specified when one (and only one) of [target_group_id] is required');
    tf.writeConfig(entry('none', { project: '13' }));
    const none = await tf.plan();
    expect(flat(none.output)).toContain('No attribute specified when one (and only one) of [target_project_id] is required');
  });
});

describe('gitlab_project_job_token_scopes validation', () => {
  it('warns on the deprecated project_id and refuses it beside project', async () => {
    const tf = await rig.workdir();
    tf.writeConfig({ resource: { gitlab_project_job_token_scopes: { old: { project_id: 13, enabled: true, target_project_ids: [], target_group_ids: [] } } } });
    await tf.init();
    const warned = await tf.plan();
    expect(warned.code).toBe(2);
    expect(flat(warned.output)).toContain('Warning: Attribute Deprecated');
    expect(flat(warned.output)).toContain('Use `project` instead. To be removed in 19.0.');
    tf.writeConfig({ resource: { gitlab_project_job_token_scopes: { both: { project: '13', project_id: 13 } } } });
    const both = await tf.plan();
    expect(both.code).toBe(1);
    expect(flat(both.output)).toContain('Attribute "project_id" cannot be specified when "project" is specified');
    expect(flat(both.output)).toContain('Attribute "project" cannot be specified when "project_id" is specified');
    tf.writeConfig({ resource: { gitlab_project_job_token_scopes: { none: { enabled: true } } } });
    const none = await tf.plan();
    expect(flat(none.output)).toContain('At least one attribute out of [id.<.project,id.<.project_id] must be specified');
    tf.writeConfig({ resource: { gitlab_project_job_token_scopes: { empty: { project: '' } } } });
    expect(flat((await tf.plan()).output)).toContain('Attribute project string length must be at least 1, got: 0');
  });
});
