import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Testing } from 'cdktf';
import { JobTokenScope, TokenScopeStack, LockFile, parseLockFile, serializeLockFile } from '../../lib';
import { scopes, synthError, synthJson } from './helpers';

const lock: LockFile = {
  version: 1,
  projects: { 'acme/api': 12, 'acme/deployer': 5, 'acme/web': 7 },
  groups: { 'acme/tools': 40 },
};

describe('lock file', () => {
  test('with a lock file the constructs emit literal ids and no data sources', () => {
    const app = Testing.app();
    const stack = new TokenScopeStack(app, 's', { lockFile: lock });
    new JobTokenScope(stack, 'web', { project: 'acme/web', allowProjects: ['Acme/API', 'acme/deployer', '99'], allowGroups: ['acme/tools'] });
    const json = synthJson(stack);
    expect(json.data).toBeUndefined();
    expect(scopes(json).scope_acme_web.project).toBe('7');
    expect(scopes(json).scope_acme_web.target_project_ids).toEqual([5, 12, 99]);
    expect(scopes(json).scope_acme_web.target_group_ids).toEqual([40]);
  });

  test('with a lock file, importExisting imports by the literal id, and the // metadata keeps the path', () => {
    const app = Testing.app();
    const stack = new TokenScopeStack(app, 's', { lockFile: lock });
    new JobTokenScope(stack, 'web', { project: 'acme/web', importExisting: true });
    // Given as an id, the lock file still names it for the metadata.
    new JobTokenScope(stack, 'api', { project: '12' });
    const json = synthJson(stack);
    expect(json.import).toEqual([{ id: '7', to: 'gitlab_project_job_token_scopes.scope_acme_web' }]);
    const tf = stack.toTerraform() as { resource: { gitlab_project_job_token_scopes: Record<string, Record<string, Record<string, unknown>>> } };
    expect(tf.resource.gitlab_project_job_token_scopes.scope_acme_web['//'].tokenscope).toEqual({ version: 1, project: 'acme/web', policies: [] });
    expect(tf.resource.gitlab_project_job_token_scopes.scope_id_12['//'].tokenscope).toEqual({ version: 1, project: 'acme/api', policies: [] });
  });

  test('the project itself missing from the lock file fails synth: the provider needs its numeric id', () => {
    const app = Testing.app();
    const stack = new TokenScopeStack(app, 's', { lockFile: lock });
    new JobTokenScope(stack, 'new', { project: 'acme/brand-new', allowProjects: ['acme/api'] });
    expect(synthError(stack)).toContain(
      '[s/new] JobTokenScope for project "acme/brand-new": the project itself is not in tokenscope.lock.json, and the provider needs ' +
        'its numeric id; run `tokenscope resolve` to add it (synthesize with TOKENSCOPE_LOCK_FILE=off first so that resolve sees it).',
    );
  });

  test('with a lock file, the project\'s own id in allowProjects is the project itself', () => {
    const app = Testing.app();
    const stack = new TokenScopeStack(app, 's', { lockFile: lock });
    new JobTokenScope(stack, 'web', { project: 'acme/web', allowProjects: ['7'] });
    expect(synthError(stack)).toContain(
      '[s/web] JobTokenScope for project "acme/web": allowProjects[0] "7" is the project itself; a project always reaches itself',
    );
  });

  test('a path missing from the lock file fails synth and says to run tokenscope resolve', () => {
    const app = Testing.app();
    const stack = new TokenScopeStack(app, 's', { lockFile: lock });
    new JobTokenScope(stack, 'web', { project: 'acme/web', allowProjects: ['acme/new'], allowGroups: ['acme/other'] });
    const msg = synthError(stack);
    expect(msg).toContain(
      '[s/web] JobTokenScope for project "acme/web": project "acme/new" is not in tokenscope.lock.json; run `tokenscope resolve` to add it ' +
        '(synthesize with TOKENSCOPE_LOCK_FILE=off first so that resolve sees it).',
    );
    expect(msg).toContain('group "acme/other" is not in tokenscope.lock.json; run `tokenscope resolve` to add it');
  });

  test('the lock file in the working directory is used by default', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ts-lock-'));
    fs.writeFileSync(path.join(dir, 'tokenscope.lock.json'), serializeLockFile(lock));
    const cwd = process.cwd();
    try {
      process.chdir(dir);
      const app = Testing.app();
      const stack = new TokenScopeStack(app, 's');
      new JobTokenScope(stack, 'web', { project: 'acme/web', allowProjects: ['acme/api'] });
      expect(scopes(synthJson(stack)).scope_acme_web.target_project_ids).toEqual([12]);
    } finally {
      process.chdir(cwd);
    }
  });

  test('TOKENSCOPE_LOCK_FILE=off ignores the lock file in the working directory', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ts-lock-'));
    fs.writeFileSync(path.join(dir, 'tokenscope.lock.json'), serializeLockFile(lock));
    const cwd = process.cwd();
    process.env.TOKENSCOPE_LOCK_FILE = 'off';
    try {
      process.chdir(dir);
      const app = Testing.app();
      const stack = new TokenScopeStack(app, 's');
      new JobTokenScope(stack, 'web', { project: 'acme/web', allowProjects: ['acme/new'] });
      expect(scopes(synthJson(stack)).scope_acme_web.target_project_ids).toEqual(['${data.gitlab_project.project_acme_new.id}']);
    } finally {
      delete process.env.TOKENSCOPE_LOCK_FILE;
      process.chdir(cwd);
    }
  });

  test('a lock file path that does not exist is an error', () => {
    const app = Testing.app();
    expect(() => new TokenScopeStack(app, 's', { lockFile: 'nope/tokenscope.lock.json' })).toThrow(
      'lock file nope/tokenscope.lock.json does not exist; run `tokenscope resolve` to create it, or drop the lock file setting',
    );
  });

  test('parse errors name the file and the fix: delete it, synthesize, resolve (not the command that just failed)', () => {
    const fix = 'delete x.json, synthesize without it (`npx cdktf synth`) and run `tokenscope resolve` to write it again';
    expect(() => parseLockFile('{', 'x.json')).toThrow(new RegExp(`^x\\.json is not valid JSON \\(.*\\); ${fix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
    // Node quotes the start of the input; a pasted secret must not come back in the message.
    expect(() => parseLockFile('glpat-secretsecretsecret', 'x.json')).toThrow(`x.json is not valid JSON (Unexpected token 'g'); ${fix}`);
    expect(() => parseLockFile('{"version":2}', 'x.json')).toThrow(
      `x.json is not a tokenscope lock file (expected {"version":1,"projects":{...},"groups":{...}}); ${fix}`,
    );
    expect(() => parseLockFile('{"version":1,"projects":[],"groups":{}}', 'x.json')).toThrow(
      `x.json is not a tokenscope lock file (expected {"version":1,"projects":{...},"groups":{...}}); ${fix}`,
    );
    expect(() => parseLockFile('{"version":1,"projects":{"a/b":"12"},"groups":{}}', 'x.json')).toThrow(
      `x.json: projects["a/b"] must be a positive integer id, got "12"; ${fix}`,
    );
    expect(() => parseLockFile('{"version":1,"gitlabUrl":7,"projects":{},"groups":{}}', 'x.json')).toThrow(
      `x.json: gitlabUrl must be the GitLab URL as a string, got 7; ${fix}`,
    );
  });

  test('synth refuses a lock file resolved against another instance than the stack\'s baseUrl', () => {
    const app = Testing.app();
    const stack = new TokenScopeStack(app, 's', { baseUrl: 'https://gitlab.example.com/api/v4/', lockFile: { ...lock, gitlabUrl: 'https://gitlab.other.org' } });
    new JobTokenScope(stack, 'web', { project: 'acme/web', allowProjects: ['acme/api'] });
    expect(synthError(stack)).toContain(
      '[s] TokenScopeStack s: the lock file was resolved against https://gitlab.other.org, but the stack\'s baseUrl is https://gitlab.example.com; ' +
        'ids belong to one instance. Synthesize with TOKENSCOPE_LOCK_FILE=off and run `tokenscope resolve --url https://gitlab.example.com`, or fix baseUrl',
    );
  });

  test('the same instance written differently, or a side that does not say, is fine', () => {
    for (const [baseUrl, gitlabUrl] of [['https://GitLab.example.com/', 'https://gitlab.example.com/api/v4'], [undefined, 'https://x.org'], ['https://x.org', undefined]]) {
      const app = Testing.app();
      const stack = new TokenScopeStack(app, 's', { baseUrl, lockFile: { ...lock, ...(gitlabUrl ? { gitlabUrl } : {}) } });
      new JobTokenScope(stack, 'web', { project: 'acme/web', allowProjects: ['acme/api'] });
      expect(scopes(synthJson(stack)).scope_acme_web.target_project_ids).toEqual([12]);
    }
  });

  test('a project whose allowlist names its own id (through the lock file) fails synth', () => {
    const app = Testing.app();
    const stack = new TokenScopeStack(app, 's', { lockFile: lock });
    new JobTokenScope(stack, 'api', { project: 'acme/api', allowProjects: ['acme/deployer', '12'] });
    new JobTokenScope(stack, 'deployer', { project: '5', allowProjects: ['acme/Deployer'] });
    const msg = synthError(stack);
    expect(msg).toContain(
      '[s/api] JobTokenScope for project "acme/api": allowProjects[1] "12" is the project itself; a project always reaches itself and GitLab ' +
        'refuses it ("Target project can\'t be the same as the source project"). Remove it.',
    );
    expect(msg).toContain('[s/deployer] JobTokenScope for project "5": allowProjects[0] "acme/Deployer" is the project itself;');
  });

  test('serialization is sorted and stable; keys are lower-cased', () => {
    const text = serializeLockFile({ version: 1, projects: { 'b/x': 2, 'a/y': 1 }, groups: {} });
    expect(text).toBe('{\n  "version": 1,\n  "projects": {\n    "a/y": 1,\n    "b/x": 2\n  },\n  "groups": {}\n}\n');
    expect(parseLockFile('{"version":1,"projects":{"ACME/Web":3},"groups":{}}').projects).toEqual({ 'acme/web': 3 });
  });
});
