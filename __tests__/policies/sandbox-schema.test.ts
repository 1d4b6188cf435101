import { olderThan, POLICIES_SINCE, sandboxSchema } from '../../lib/sandbox/graphql/schema';
import { policiesForVersion } from '../../lib/model/policies';
import type { GraphQLEnumType } from 'graphql';

const enumOf = (version: string) => (sandboxSchema(version).getType('CiJobTokenScopePolicies') as GraphQLEnumType).getValues();

describe('sandbox schema by seeded version', () => {
  test('before 17.5 the fine-grained permission types, fields and mutation are absent', () => {
    const old = sandboxSchema('17.4.0');
    expect(old.getType('CiJobTokenScopePolicies')).toBeUndefined();
    expect(old.getType('CiJobTokenScopeUpdatePoliciesInput')).toBeUndefined();
    expect(old.getMutationType()?.getFields().ciJobTokenScopeUpdatePolicies).toBeUndefined();
    const entry = old.getType('CiJobTokenScopeAllowlistEntry') as unknown as { getFields(): Record<string, unknown> };
    expect(Object.keys(entry.getFields())).not.toContain('jobTokenPolicies');
    expect(Object.keys(entry.getFields())).not.toContain('defaultPermissions');
    // Membership stays: the allowlist itself predates the permissions.
    expect(old.getMutationType()?.getFields().ciJobTokenScopeAddGroupOrProject).toBeDefined();
  });

  test('17.5 and later (and an unparsable version) have the fields, behind the feature flag before 18.3', () => {
    for (const v of ['17.5.0', '18.2.1', '18.3.0', '18.6.0-ee', '19.0.0-pre', undefined, 'nightly']) {
      expect(sandboxSchema(v).getType('CiJobTokenScopePolicies')).toBeDefined();
    }
    expect(olderThan('17.4.9-ee', POLICIES_SINCE)).toBe(true);
    expect(olderThan('17.5.0', POLICIES_SINCE)).toBe(false);
  });

  test('the enum is the one of the version: badges and repositories in 18.5+, CONTAINERS deprecated in 18.4 and gone in 19.0', () => {
    const names = (v: string) => enumOf(v).map((x) => x.name);
    expect(names('17.8.0')).toHaveLength(16);
    expect(names('17.8.0')).not.toContain('READ_PIPELINES');
    expect(names('18.2.0')).toEqual(expect.arrayContaining(['READ_MERGE_REQUESTS', 'READ_PIPELINES', 'ADMIN_PIPELINES', 'READ_REPOSITORIES', 'READ_WORK_ITEMS']));
    expect(enumOf('18.3.0').filter((x) => x.deprecationReason).map((x) => x.name)).toEqual([]);
    expect(enumOf('18.4.0').filter((x) => x.deprecationReason).map((x) => x.name)).toEqual(['READ_CONTAINERS', 'ADMIN_CONTAINERS']);
    expect(names('18.4.0')).not.toContain('READ_BADGES');
    expect(names('18.6.0')).toEqual(expect.arrayContaining(['READ_BADGES', 'ADMIN_BADGES', 'ADMIN_REPOSITORIES']));
    expect(names('19.0.0')).not.toContain('READ_CONTAINERS');
    expect(names('19.0.0')).toHaveLength(22);
    expect(policiesForVersion('19.0.0').every((p) => !p.deprecated)).toBe(true);
  });
});
