import { featureFromIntrospection, noFeatureMessage } from '../../lib/policies/feature';

const fields = (...names: string[]) => ({ fields: names.map((name) => ({ name })) });

describe('featureFromIntrospection', () => {
  test('an instance with the feature: enum values and deprecations', () => {
    const f = featureFromIntrospection({
      metadata: { version: '18.6.0-ee' },
      policies: { enumValues: [{ name: 'READ_JOBS', isDeprecated: false }, { name: 'READ_CONTAINERS', isDeprecated: true }] },
      entry: fields('target', 'defaultPermissions', 'jobTokenPolicies'),
      project: fields('fullPath', 'ciJobTokenScopeAllowlist'),
      mutation: fields('ciJobTokenScopeUpdatePolicies'),
    });
    expect(f).toMatchObject({ version: '18.6.0-ee', canRead: true, canWrite: true, missing: [] });
    expect([...f.policies]).toEqual(['READ_JOBS', 'READ_CONTAINERS']);
    expect([...f.deprecated]).toEqual(['READ_CONTAINERS']);
  });

  test('an old instance: the message names the version, the release needed and what is missing', () => {
    const f = featureFromIntrospection({
      metadata: { version: '17.5.2-ee' },
      policies: null,
      entry: null,
      project: fields('fullPath', 'ciJobTokenScope'),
      mutation: fields('ciJobTokenScopeAddProject'),
    });
    expect(f.canRead).toBe(false);
    expect(f.canWrite).toBe(false);
    expect(noFeatureMessage(f)).toBe(
      'this GitLab (version 17.5.2-ee) has no fine-grained job-token permissions: they need GitLab 18.3 or later ' +
        '(its GraphQL schema has no enum CiJobTokenScopePolicies, Project.ciJobTokenScopeAllowlist, ' +
        'CiJobTokenScopeAllowlistEntry.defaultPermissions, CiJobTokenScopeAllowlistEntry.jobTokenPolicies, ' +
        'mutation ciJobTokenScopeUpdatePolicies)',
    );
  });

  test('readable but not writable when only the mutation is missing', () => {
    const f = featureFromIntrospection({
      policies: { enumValues: [{ name: 'READ_JOBS', isDeprecated: false }] },
      entry: fields('defaultPermissions', 'jobTokenPolicies'),
      project: fields('ciJobTokenScopeAllowlist'),
      mutation: fields(),
    });
    expect(f).toMatchObject({ version: undefined, canRead: true, canWrite: false, missing: ['mutation ciJobTokenScopeUpdatePolicies'] });
    expect(noFeatureMessage(f)).toMatch(/^this GitLab has no fine-grained/);
  });
});
