import { App, Testing } from 'cdktf';
import { buildAcme } from '../../main';
import { ScopeJson, SynthJson } from './helpers';

function synthAcme(): Record<string, SynthJson> {
  const app = Testing.app() as App;
  const stacks = buildAcme(app, { lockFile: false });
  return Object.fromEntries(stacks.map((s) => [s.node.id, JSON.parse(Testing.synth(s, true)) as SynthJson]));
}

function targets(json: SynthJson, scope: string): { projects: string[]; groups: string[]; enabled: boolean } {
  const s = json.resource?.gitlab_project_job_token_scopes?.[scope] as ScopeJson;
  const name = (ref: number | string, kind: 'project' | 'group'): string => {
    if (typeof ref === 'number') return `#${ref}`;
    const m = /^\$\{data\.gitlab_(project|group)\.([^.]+)\.(id|group_id)\}$/.exec(ref);
    if (!m) throw new Error(`unexpected reference ${ref}`);
    return kind === 'project' ? json.data!.gitlab_project![m[2]].path_with_namespace : json.data!.gitlab_group![m[2]].full_path;
  };
  return {
    enabled: s.enabled,
    projects: s.target_project_ids.map((r) => name(r, 'project')),
    groups: s.target_group_ids.map((r) => name(r, 'group')),
  };
}

describe('example app (main.ts)', () => {
  const stacks = synthAcme();

  test('one stack per top-level group', () => {
    expect(Object.keys(stacks)).toEqual(['acme-platform', 'acme-web', 'acme-data', 'acme-security']);
  });

  test('the deployer rule reaches every product and security scope, but not the platform stack', () => {
    expect(targets(stacks['acme-web'], 'scope_acme_web_checkout').projects).toEqual(['acme/platform/deployer', 'acme/web/storefront']);
    expect(targets(stacks['acme-security'], 'scope_acme_security_secrets').projects).toEqual(['acme/platform/deployer']);
    expect(targets(stacks['acme-platform'], 'scope_acme_platform_runner-images').projects).toEqual([]);
  });

  test('numeric ids pass through; groups resolve through data sources', () => {
    expect(targets(stacks['acme-data'], 'scope_acme_data_etl').projects).toEqual(['#401', 'acme/platform/deployer']);
    expect(targets(stacks['acme-platform'], 'scope_acme_platform_deployer').groups).toEqual(['acme/data', 'acme/web']);
  });

  test('lint is adopted by import, by its numeric id (the data source of the project itself)', () => {
    expect(stacks['acme-platform'].import).toEqual([
      { id: '${data.gitlab_project.project_acme_platform_tools_lint.id}', to: 'gitlab_project_job_token_scopes.scope_acme_platform_tools_lint' },
    ]);
  });

  test('every scope\'s project is a numeric id (its data source), named after the path', () => {
    for (const json of Object.values(stacks)) {
      for (const [name, s] of Object.entries(json.resource?.gitlab_project_job_token_scopes ?? {})) {
        const m = /^\$\{data\.gitlab_project\.([^.]+)\.id\}$/.exec(s.project);
        expect(m).not.toBeNull();
        const path = json.data!.gitlab_project![m![1]].path_with_namespace;
        expect(name).toBe(`scope_${path.replace(/\//g, '_')}`);
      }
    }
  });

  test('every declared scope keeps its allowlist enforced', () => {
    for (const json of Object.values(stacks)) {
      for (const s of Object.values(json.resource?.gitlab_project_job_token_scopes ?? {})) expect(s.enabled).toBe(true);
    }
  });

  test('snapshot of the synthesized stacks', () => {
    expect(stacks).toMatchSnapshot();
  });
});
