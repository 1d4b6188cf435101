import * as fs from 'fs';
import * as path from 'path';
import {
  policyScopesFromStack,
  readDeclaredPolicySources,
  resolveDeclaredPolicies,
  unnamedIds,
} from '../../lib/policies/declared';
import { removeDir, synthStacks } from './helpers';
import { reverseLock } from '../../lib/lockfile';

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));
const synth = (...args: Parameters<typeof synthStacks>) => { const d = synthStacks(...args); dirs.push(d); return d; };
const noNames = { projects: new Map<number, string>(), groups: new Map<number, string>() };

describe('declared policies from synth output', () => {
  test('data-source stacks: every entry, plain ones with the default permissions', () => {
    const dir = synth({
      web: [{
        project: 'acme/web',
        allowProjects: ['acme/plain', { target: 'acme/api', policies: ['READ_JOBS', 'ADMIN_PACKAGES'] }],
        allowGroups: [{ target: 'acme/tools', policies: ['READ_RELEASES'] }],
      }],
      data: [{ project: 'acme/data/etl', allowProjects: ['acme/web'] }],
    });
    const sources = readDeclaredPolicySources(dir);
    expect(unnamedIds(sources, noNames)).toEqual({ projects: [], groups: [] });
    const { scopes, problems } = resolveDeclaredPolicies(sources, noNames);
    expect(problems).toEqual([]);
    expect(scopes).toEqual([
      {
        stack: 'data', resource: 'scope_acme_data_etl', project: 'acme/data/etl',
        entries: [{ kind: 'project', target: 'acme/web', written: 'acme/web', permissions: { defaultPermissions: true, policies: [] } }],
      },
      {
        stack: 'web', resource: 'scope_acme_web', project: 'acme/web',
        entries: [
          { kind: 'project', target: 'acme/api', written: 'acme/api', permissions: { defaultPermissions: false, policies: ['ADMIN_PACKAGES', 'READ_JOBS'] } },
          { kind: 'project', target: 'acme/plain', written: 'acme/plain', permissions: { defaultPermissions: true, policies: [] } },
          { kind: 'group', target: 'acme/tools', written: 'acme/tools', permissions: { defaultPermissions: false, policies: ['READ_RELEASES'] } },
        ],
      },
    ]);
    expect(readDeclaredPolicySources(dir, ['data']).map((s) => s.stack)).toEqual(['data']);
  });

  test('lock-file stacks carry literal ids; the lock file names them back', () => {
    const lock = { version: 1 as const, projects: { 'acme/web': 10, 'acme/api': 11 }, groups: { 'acme/tools': 20 } };
    const dir = synth({ web: [{ project: 'acme/web', allowProjects: [{ target: 'acme/api', policies: ['READ_JOBS'] }], allowGroups: ['acme/tools'] }] }, lock);
    const sources = readDeclaredPolicySources(dir);
    expect(sources[0].projects).toEqual([{ id: 11 }]);
    const names = reverseLock(lock);
    expect(unnamedIds(sources, names)).toEqual({ projects: [], groups: [] });
    const { scopes } = resolveDeclaredPolicies(sources, names);
    expect(scopes[0].entries).toEqual([
      { kind: 'project', target: 'acme/api', written: 'acme/api', permissions: { defaultPermissions: false, policies: ['READ_JOBS'] } },
      { kind: 'group', target: 'acme/tools', written: 'acme/tools', permissions: { defaultPermissions: true, policies: [] } },
    ]);
  });

  test('targets written as ids are named by a lookup; ids nobody names are reported', () => {
    const dir = synth({ web: [{ project: 'acme/web', allowProjects: [{ target: '4242', policies: ['READ_JOBS'] }], allowGroups: ['77'] }] });
    const sources = readDeclaredPolicySources(dir);
    expect(unnamedIds(sources, noNames)).toEqual({ projects: [4242], groups: [77] });
    const { scopes, problems } = resolveDeclaredPolicies(sources, { projects: new Map([[4242, 'acme/legacy']]), groups: new Map() });
    expect(scopes[0].entries).toEqual([
      { kind: 'project', target: 'acme/legacy', written: '4242', permissions: { defaultPermissions: false, policies: ['READ_JOBS'] } },
    ]);
    expect(problems).toEqual([
      'web: acme/web: GitLab has no group with id 77 (or the token cannot see it); that entry was not checked',
    ]);
  });

  test('a stack that is not there, and a // block this tokenscope cannot read, are named', () => {
    const dir = synth({ web: [{ project: 'acme/web', allowProjects: [{ target: 'acme/api', policies: ['READ_JOBS'] }] }] });
    expect(() => readDeclaredPolicySources(dir, ['nope'])).toThrow(`no stack "nope" in ${dir}; stacks there: web`);
    const file = path.join(dir, 'stacks', 'web', 'cdk.tf.json');
    const json = JSON.parse(fs.readFileSync(file, 'utf8'));
    json.resource.gitlab_project_job_token_scopes.scope_acme_web['//'].tokenscope.version = 2;
    expect(() => policyScopesFromStack('web', json, 'cdk.tf.json')).toThrow(
      'cdk.tf.json: scope_acme_web: "//".tokenscope has version 2, this tokenscope reads version 1; synthesize again with this tokenscope',
    );
    json.resource.gitlab_project_job_token_scopes.scope_acme_web['//'].tokenscope = { version: 1, policies: [{ kind: 'project', target: 'acme/api', policies: [] }] };
    expect(() => policyScopesFromStack('web', json, 'cdk.tf.json')).toThrow(
      'cdk.tf.json: scope_acme_web: "//".tokenscope policies[0] ("acme/api") has no list of policy names; synthesize again with this tokenscope',
    );
  });
});
