import { Testing } from 'cdktf';
import { JobTokenScope, TokenScopeStack, ScopeRule } from '../../lib';
import { GitlabProvider } from '@cdktf/provider-gitlab/lib/provider';
import { newStack, scopes, synthError, synthJson } from './helpers';

describe('JobTokenScope synthesis', () => {
  test('one authoritative resource with project, enabled and both target lists', () => {
    const { stack } = newStack();
    new JobTokenScope(stack, 'web', {
      project: 'acme/web',
      allowProjects: ['acme/api', '42'],
      allowGroups: ['acme/tools'],
    });
    const json = synthJson(stack);
    const all = scopes(json);
    expect(Object.keys(all)).toEqual(['scope_acme_web']);
    expect(all.scope_acme_web).toEqual({
      project: '${data.gitlab_project.project_acme_web.id}',
      enabled: true,
      target_project_ids: [42, '${data.gitlab_project.project_acme_api.id}'],
      target_group_ids: ['${data.gitlab_group.group_acme_tools.group_id}'],
    });
    expect(json.data?.gitlab_project?.project_acme_api).toEqual({ path_with_namespace: 'acme/api' });
    expect(json.data?.gitlab_project?.project_acme_web).toEqual({ path_with_namespace: 'acme/web' });
    expect(json.data?.gitlab_group?.group_acme_tools).toEqual({ full_path: 'acme/tools' });
  });

  test('limitAccess defaults to true and can be turned off', () => {
    const { stack } = newStack();
    new JobTokenScope(stack, 'a', { project: 'acme/a' });
    new JobTokenScope(stack, 'b', { project: 'acme/b', limitAccess: false });
    const all = scopes(synthJson(stack));
    expect(all.scope_acme_a.enabled).toBe(true);
    expect(all.scope_acme_b.enabled).toBe(false);
    expect(all.scope_acme_a.target_project_ids).toEqual([]);
    expect(all.scope_acme_a.target_group_ids).toEqual([]);
  });

  test('one data source per distinct path in the whole stack, however many scopes name it', () => {
    const { stack } = newStack();
    for (let i = 0; i < 5; i++) {
      new JobTokenScope(stack, `p${i}`, {
        project: `acme/p${i}`,
        allowProjects: ['acme/shared', 'ACME/Shared2'],
        allowGroups: ['acme/tools'],
      });
    }
    new JobTokenScope(stack, 'p5', { project: 'acme/p5', allowProjects: ['acme/shared2'] });
    const json = synthJson(stack);
    // The scopes' own projects get one each; a shared target one for all.
    expect(Object.keys(json.data?.gitlab_project ?? {}).sort()).toEqual([
      'project_acme_p0', 'project_acme_p1', 'project_acme_p2', 'project_acme_p3', 'project_acme_p4', 'project_acme_p5',
      'project_acme_shared', 'project_acme_shared2',
    ]);
    expect(Object.keys(json.data?.gitlab_group ?? {})).toEqual(['group_acme_tools']);
    expect(scopes(json).scope_acme_p5.target_project_ids).toEqual(['${data.gitlab_project.project_acme_shared2.id}']);
  });

  test('ids are emitted sorted: literal ids ascending, then lookups by path', () => {
    const { stack } = newStack();
    new JobTokenScope(stack, 'x', { project: 'acme/x', allowProjects: ['acme/zz', '300', 'acme/aa', '7'] });
    expect(scopes(synthJson(stack)).scope_acme_x.target_project_ids).toEqual([
      7,
      300,
      '${data.gitlab_project.project_acme_aa.id}',
      '${data.gitlab_project.project_acme_zz.id}',
    ]);
  });

  test('re-synthesizing the same code gives byte-identical JSON', () => {
    const build = () => {
      const { stack } = newStack();
      new JobTokenScope(stack, 'x', { project: 'acme/x', allowProjects: ['acme/b', 'acme/a', '9'], allowGroups: ['g/z', 'g/a'] });
      new JobTokenScope(stack, 'y', { project: '77', allowProjects: ['acme/a'] });
      return Testing.synth(stack, true);
    };
    expect(build()).toBe(build());
  });

  test('paths that sanitize alike (acme/a.b, acme/a_b) keep separate resources and data sources', () => {
    const { stack } = newStack();
    new JobTokenScope(stack, 'dot', { project: 'acme/a.b', allowProjects: ['x/y.z'] });
    new JobTokenScope(stack, 'underscore', { project: 'acme/a_b', allowProjects: ['x/y_z'] });
    const json = synthJson(stack);
    expect(scopes(json)).toEqual({
      scope_acme_a_b: {
        project: '${data.gitlab_project.project_acme_a_b.id}', enabled: true,
        target_project_ids: ['${data.gitlab_project.project_x_y_z.id}'], target_group_ids: [],
      },
      scope_acme_a_b_2: {
        project: '${data.gitlab_project.project_acme_a_b_2.id}', enabled: true,
        target_project_ids: ['${data.gitlab_project.project_x_y_z_2.id}'], target_group_ids: [],
      },
    });
    expect(json.data?.gitlab_project).toEqual({
      project_acme_a_b: { path_with_namespace: 'acme/a.b' },
      project_x_y_z: { path_with_namespace: 'x/y.z' },
      project_acme_a_b_2: { path_with_namespace: 'acme/a_b' },
      project_x_y_z_2: { path_with_namespace: 'x/y_z' },
    });
  });

  test('numeric project id is accepted and names the resource', () => {
    const { stack } = newStack();
    new JobTokenScope(stack, 'n', { project: '1234', allowProjects: ['acme/a'] });
    const all = scopes(synthJson(stack));
    expect(all.scope_id_1234.project).toBe('1234');
  });

  test('importExisting emits a Terraform import block whose id is the numeric project id (the data source, read at plan time)', () => {
    const { stack } = newStack();
    new JobTokenScope(stack, 'lint', { project: 'acme/lint', importExisting: true });
    new JobTokenScope(stack, 'byId', { project: '77', importExisting: true });
    const json = synthJson(stack);
    expect(json.import).toEqual([
      { id: '${data.gitlab_project.project_acme_lint.id}', to: 'gitlab_project_job_token_scopes.scope_acme_lint' },
      { id: '77', to: 'gitlab_project_job_token_scopes.scope_id_77' },
    ]);
    expect(scopes(json).scope_acme_lint.project).toBe('${data.gitlab_project.project_acme_lint.id}');
  });

  test('a path used as a scope\'s project and as a target gets one data source', () => {
    const { stack } = newStack();
    new JobTokenScope(stack, 'web', { project: 'acme/web', allowProjects: ['acme/api'] });
    new JobTokenScope(stack, 'api', { project: 'ACME/Api', allowProjects: ['acme/web'] });
    const json = synthJson(stack);
    expect(Object.keys(json.data?.gitlab_project ?? {}).sort()).toEqual(['project_acme_api', 'project_acme_web']);
    expect(scopes(json).scope_acme_api).toMatchObject({
      project: '${data.gitlab_project.project_acme_api.id}',
      target_project_ids: ['${data.gitlab_project.project_acme_web.id}'],
    });
    expect(scopes(json).scope_acme_web.target_project_ids).toEqual(['${data.gitlab_project.project_acme_api.id}']);
  });

  test('the project\'s full path travels in the resource\'s // metadata, so readers speak paths', () => {
    const { stack } = newStack();
    new JobTokenScope(stack, 'web', { project: 'acme/web' });
    new JobTokenScope(stack, 'byId', { project: '77' });
    const tf = stack.toTerraform() as { resource: { gitlab_project_job_token_scopes: Record<string, Record<string, Record<string, unknown>>> } };
    expect(tf.resource.gitlab_project_job_token_scopes.scope_acme_web['//'].tokenscope).toEqual({ version: 1, project: 'acme/web', policies: [] });
    // Given as an id that no lock file names: the metadata has no path to tell.
    expect(tf.resource.gitlab_project_job_token_scopes.scope_id_77['//'].tokenscope).toEqual({ version: 1, policies: [] });
  });

  test('the token is never written; the base URL only when given', () => {
    const app = Testing.app();
    const withUrl = new TokenScopeStack(app, 'a', { baseUrl: 'https://gitlab.example.com', lockFile: false });
    const withoutUrl = new TokenScopeStack(app, 'b', { lockFile: false });
    new JobTokenScope(withUrl, 's', { project: 'acme/a' });
    new JobTokenScope(withoutUrl, 's', { project: 'acme/b' });
    const a = synthJson(withUrl);
    const b = synthJson(withoutUrl);
    expect(a.provider?.gitlab).toEqual([{ base_url: 'https://gitlab.example.com/api/v4/' }]);
    expect(b.provider?.gitlab).toEqual([{}]);
    expect(Object.keys(a.provider?.gitlab?.[0] ?? {})).not.toContain('token');
    expect(JSON.stringify(a)).not.toMatch(/glpat-|GITLAB_TOKEN/);
  });

  test('provider base URL accepts the API form and rejects credentials', () => {
    const app = Testing.app();
    const s = new TokenScopeStack(app, 's', { baseUrl: 'https://git.example.com/gitlab/api/v4/', lockFile: false });
    expect(synthJson(s).provider?.gitlab).toEqual([{ base_url: 'https://git.example.com/gitlab/api/v4/' }]);
    expect(() => new TokenScopeStack(app, 't', { baseUrl: 'https://u:p@git.example.com' })).toThrow(
      'TokenScopeStack baseUrl must not carry credentials or a query; the token comes from GITLAB_TOKEN',
    );
  });

  test('JobTokenScope works in a plain TerraformStack that has its own provider', () => {
    const app = Testing.app();
    const { TerraformStack } = jest.requireActual('cdktf') as typeof import('cdktf');
    const stack = new TerraformStack(app, 'own');
    stack.node.setContext('tokenscope:lockFile', false);
    new GitlabProvider(stack, 'mine', { baseUrl: 'https://gitlab.example.com/api/v4/' });
    new JobTokenScope(stack, 's', { project: 'acme/a', allowGroups: ['acme'] });
    const json = synthJson(stack);
    expect(scopes(json).scope_acme_a.target_group_ids).toEqual(['${data.gitlab_group.group_acme.group_id}']);
  });
});

describe('JobTokenScope validation (synth fails naming the construct path and the project)', () => {
  const bad: Array<[string, string, string]> = [
    ['', 'is empty', ''],
    [' acme/a', 'has leading or trailing white space', ''],
    ['/acme/a', 'has a leading or trailing "/"', ''],
    ['acme/a/', 'has a leading or trailing "/"', ''],
    ['acme//a', 'contains "//"', ''],
    ['acme/my project', 'contains white space', ''],
    ['12.5', 'is not a numeric id (ids are whole positive numbers)', ''],
    ['-3', 'is not a positive numeric id', ''],
    ['0', 'is not a positive numeric id', ''],
  ];

  test.each(bad)('allowProjects entry %j: %s', (value, reason) => {
    const { stack } = newStack();
    new JobTokenScope(stack, 'web', { project: 'acme/web', allowProjects: ['acme/ok', value] });
    expect(synthError(stack)).toContain(
      `[test/web] JobTokenScope for project "acme/web": allowProjects[1] ${JSON.stringify(value)} ${reason}; ` +
        'use a full path ("group/project") or a numeric id',
    );
  });

  test('malformed allowGroups entry', () => {
    const { stack } = newStack();
    new JobTokenScope(stack, 'web', { project: 'acme/web', allowGroups: ['acme//tools'] });
    expect(synthError(stack)).toContain(
      '[test/web] JobTokenScope for project "acme/web": allowGroups[0] "acme//tools" contains "//"; use a full path ("group/project") or a numeric id',
    );
  });

  test('malformed project', () => {
    const { stack } = newStack();
    new JobTokenScope(stack, 'web', { project: 'acme/web/' });
    expect(synthError(stack)).toContain(
      '[test/web] JobTokenScope for project "acme/web/": project "acme/web/" has a leading or trailing "/"; use a full path ("group/project") or a numeric id',
    );
  });

  test('a project allowing itself (case-insensitively)', () => {
    const { stack } = newStack();
    new JobTokenScope(stack, 'web', { project: 'acme/web', allowProjects: ['acme/api', 'ACME/Web'] });
    expect(synthError(stack)).toContain(
      '[test/web] JobTokenScope for project "acme/web": allowProjects[1] "ACME/Web" is the project itself; a project always reaches itself ' +
        'and GitLab refuses it ("Target project can\'t be the same as the source project"). Remove it.',
    );
  });

  test('a project allowing itself by id', () => {
    const { stack } = newStack();
    new JobTokenScope(stack, 'web', { project: '12', allowProjects: ['12'] });
    expect(synthError(stack)).toContain('allowProjects[0] "12" is the project itself');
  });

  test('the same target twice in one list', () => {
    const { stack } = newStack();
    new JobTokenScope(stack, 'web', { project: 'acme/web', allowProjects: ['acme/api', 'acme/x', 'Acme/API'], allowGroups: ['g', 'g'] });
    const msg = synthError(stack);
    expect(msg).toContain(
      '[test/web] JobTokenScope for project "acme/web": allowProjects names "Acme/API" twice (entries 0 and 2; paths compare case-insensitively). Remove one.',
    );
    expect(msg).toContain('allowGroups names "g" twice (entries 0 and 1; paths compare case-insensitively). Remove one.');
  });

  test('more than 200 project entries', () => {
    const { stack } = newStack();
    const many = Array.from({ length: 201 }, (_, i) => `${i + 1000}`);
    new JobTokenScope(stack, 'web', { project: 'acme/web', allowProjects: many });
    expect(synthError(stack)).toContain(
      '[test/web] JobTokenScope for project "acme/web": 201 project entries; GitLab allows at most 200 per project ' +
        '("Validation failed: Source project exceeds the allowable number of project links in this direction"). ' +
        'Allow a group instead of many of its projects.',
    );
  });

  test('more than 200 group entries', () => {
    const { stack } = newStack();
    const many = Array.from({ length: 201 }, (_, i) => `${i + 1}`);
    new JobTokenScope(stack, 'web', { project: 'acme/web', allowGroups: many });
    expect(synthError(stack)).toContain(
      '[test/web] JobTokenScope for project "acme/web": 201 group entries; GitLab allows at most 200 per project ' +
        '("Validation failed: Source project exceeds the allowable number of group links in this direction"). Allow a parent group instead.',
    );
  });

  test('exactly 200 + 200 entries are fine', () => {
    const { stack } = newStack();
    new JobTokenScope(stack, 'web', {
      project: 'acme/web',
      allowProjects: Array.from({ length: 200 }, (_, i) => `${i + 1000}`),
      allowGroups: Array.from({ length: 200 }, (_, i) => `${i + 1}`),
    });
    const s = scopes(synthJson(stack)).scope_acme_web;
    expect(s.target_project_ids).toHaveLength(200);
    expect(s.target_group_ids).toHaveLength(200);
  });

  test('two JobTokenScopes for the same project in one app, across stacks', () => {
    const app = Testing.app();
    const a = new TokenScopeStack(app, 'a', { lockFile: false });
    const b = new TokenScopeStack(app, 'b', { lockFile: false });
    new JobTokenScope(a, 'web', { project: 'acme/web' });
    new JobTokenScope(b, 'web-again', { project: 'ACME/web' });
    expect(synthError(a)).toContain(
      '[a/web] JobTokenScope for project "acme/web" is also declared at b/web-again; two scopes for one project would fight ' +
        'over one authoritative gitlab_project_job_token_scopes resource. Keep one.',
    );
    expect(synthError(b)).toContain('[b/web-again] JobTokenScope for project "ACME/web" is also declared at a/web;');
  });

  test('app.synth() fails with every message at once', () => {
    const dir = require('fs').mkdtempSync(require('path').join(require('os').tmpdir(), 'ts-synth-'));
    const { App } = jest.requireActual('cdktf') as typeof import('cdktf');
    const app = new App({ outdir: dir });
    const s = new TokenScopeStack(app, 's', { lockFile: false });
    new JobTokenScope(s, 'one', { project: 'acme/one', allowProjects: ['acme//x'] });
    new JobTokenScope(s, 'two', { project: 'acme/two', allowProjects: ['acme/two'] });
    expect(() => app.synth()).toThrow(/\[s\/one\][\s\S]*\[s\/two\]/);
  });
});

describe('ScopeRule', () => {
  test('adds targets to every scope in the subtree, skips the project itself and existing entries', () => {
    const { stack } = newStack();
    new JobTokenScope(stack, 'deployer', { project: 'acme/deployer' });
    new JobTokenScope(stack, 'web', { project: 'acme/web', allowProjects: ['acme/deployer'] });
    new JobTokenScope(stack, 'api', { project: 'acme/api', allowProjects: ['acme/web'] });
    ScopeRule.applyTo(stack, { name: 'deployer', allowProjects: ['acme/deployer'], allowGroups: ['acme/tools'] });
    const all = scopes(synthJson(stack));
    expect(all.scope_acme_deployer.target_project_ids).toEqual([]);
    expect(all.scope_acme_web.target_project_ids).toEqual(['${data.gitlab_project.project_acme_deployer.id}']);
    expect(all.scope_acme_api.target_project_ids).toEqual([
      '${data.gitlab_project.project_acme_deployer.id}',
      '${data.gitlab_project.project_acme_web.id}',
    ]);
    expect(all.scope_acme_api.target_group_ids).toEqual(['${data.gitlab_group.group_acme_tools.group_id}']);
  });

  test('per-scope override with exemptFromRules', () => {
    const { stack } = newStack();
    new JobTokenScope(stack, 'web', { project: 'acme/web', exemptFromRules: ['deployer'] });
    new JobTokenScope(stack, 'api', { project: 'acme/api' });
    ScopeRule.applyTo(stack, { name: 'deployer', allowProjects: ['acme/deployer'] });
    const all = scopes(synthJson(stack));
    expect(all.scope_acme_web.target_project_ids).toEqual([]);
    expect(all.scope_acme_api.target_project_ids).toEqual(['${data.gitlab_project.project_acme_deployer.id}']);
  });

  test('requireLimitAccess fails synth for a scope that turns the allowlist off, unless exempt', () => {
    const { stack } = newStack();
    new JobTokenScope(stack, 'open', { project: 'acme/open', limitAccess: false });
    new JobTokenScope(stack, 'exempt', { project: 'acme/exempt', limitAccess: false, exemptFromRules: ['baseline'] });
    ScopeRule.applyTo(stack, { name: 'baseline', requireLimitAccess: true });
    const msg = synthError(stack);
    expect(msg).toContain(
      '[test/open] JobTokenScope for project "acme/open": limitAccess is false, but rule "baseline" requires the allowlist to stay enforced. ' +
        'Set limitAccess: true, or exempt this scope with exemptFromRules: ["baseline"].',
    );
    expect(msg).not.toContain('acme/exempt');
  });

  test('entries added by rules count towards the 200 limit', () => {
    const { stack } = newStack();
    new JobTokenScope(stack, 'web', { project: 'acme/web', allowProjects: Array.from({ length: 200 }, (_, i) => `${i + 1000}`) });
    ScopeRule.applyTo(stack, { name: 'extra', allowProjects: ['acme/deployer'] });
    expect(synthError(stack)).toContain('201 project entries; GitLab allows at most 200 per project');
  });

  test('a malformed target in a rule is reported against each scope', () => {
    const { stack } = newStack();
    new JobTokenScope(stack, 'web', { project: 'acme/web' });
    ScopeRule.applyTo(stack, { name: 'bad', allowProjects: ['acme//deployer'] });
    expect(synthError(stack)).toContain(
      '[test/web] JobTokenScope for project "acme/web": rule "bad" adds allowProjects "acme//deployer", which contains "//"',
    );
  });

  test('rule names are validated', () => {
    expect(() => new ScopeRule({ name: 'has space' })).toThrow(
      'ScopeRule name "has space" must be non-empty letters, digits, "_", "-", "." or ":"',
    );
  });
});
