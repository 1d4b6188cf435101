import { defaultOutFile, functionNameFor, renderScopesModule, ModuleSpec } from '../../lib/import/render-module';
import { defaultImportFrom } from '../../lib/import/module-spec';

const SPEC: ModuleSpec = {
  functionName: 'acmeWebScopes',
  importFrom: 'tokenscope',
  command: 'tokenscope import --group acme/web',
  gitlabUrl: 'https://gitlab.example.com',
  scopes: [
    {
      project: 'acme/web/shop',
      limitAccess: true,
      projects: [
        { path: 'acme/web/shop', autopopulated: false },
        { path: 'acme/zeta', autopopulated: false },
        { path: 'Acme/Alpha', autopopulated: true },
      ],
      groups: [{ path: 'acme/tools', autopopulated: false }],
    },
    { project: 'acme/web/api', limitAccess: false, projects: [], groups: [] },
  ],
  unreadable: [{ project: 'acme/web/secret', reason: 'the token may not read the job-token settings of acme/web/secret; it needs the Maintainer role on the project' }],
};

describe('renderScopesModule', () => {
  it('writes one sorted, formatted JobTokenScope per project with importExisting', () => {
    expect(renderScopesModule(SPEC)).toBe(`/**
 * Job-token scopes imported from https://gitlab.example.com by \`tokenscope import --group acme/web\`.
 * Each scope adopts the project's current settings on its first deploy (importExisting: true).
 * Use it in a stack: \`acmeWebScopes(this)\` inside a TokenScopeStack.
 *
 * NOT IMPORTED: the token could not read 1 project; declare it by hand or import again with a token that can:
 *   - acme/web/secret: the token may not read the job-token settings of acme/web/secret; it needs the Maintainer role on the project
 */
import { Construct } from 'constructs';
import { JobTokenScope } from 'tokenscope';

export function acmeWebScopes(scope: Construct): void {
  new JobTokenScope(scope, 'acme/web/api', {
    project: 'acme/web/api',
    limitAccess: false,
    importExisting: true,
  });
  new JobTokenScope(scope, 'acme/web/shop', {
    project: 'acme/web/shop',
    allowProjects: [
      'Acme/Alpha', // autopopulated: added by GitLab from the authentication log
      'acme/zeta',
    ],
    allowGroups: ['acme/tools'],
    importExisting: true,
  });
}
`);
  });

  it('is byte-identical for the same state in any order', () => {
    const shuffled = { ...SPEC, scopes: [...SPEC.scopes].reverse().map((s) => ({ ...s, projects: [...s.projects].reverse() })) };
    expect(renderScopesModule(shuffled)).toBe(renderScopesModule(SPEC));
  });

  it('keeps GitLab\'s words from closing the header comment', () => {
    const text = renderScopesModule({ ...SPEC, unreadable: [{ project: 'a/b', reason: 'evil */ text\nnext' }] });
    expect(text).toContain(' *   - a/b: evil *\\/ text next\n');
  });
});

describe('names and paths', () => {
  it('derives the function name and the default output file from the group', () => {
    expect(functionNameFor('acme/web-team')).toBe('acmeWebTeamScopes');
    expect(functionNameFor('42things')).toBe('scopes42thingsScopes');
    expect(defaultOutFile('acme/web')).toBe('scopes/acme-web.ts');
    expect(defaultOutFile(undefined)).toBe('scopes/imported.ts');
  });

  it('imports from the repo lib inside this repo and from the package elsewhere', () => {
    expect(defaultImportFrom('/repo/scopes/acme.ts', '/repo')).toBe('../lib');
    expect(defaultImportFrom('/repo/acme.ts', '/repo')).toBe('./lib');
    expect(defaultImportFrom('/elsewhere/scopes/acme.ts', '/repo')).toBe('tokenscope');
  });
});
