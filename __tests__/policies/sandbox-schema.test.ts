import { olderThan, POLICIES_SINCE, sandboxSchema } from '../../lib/sandbox/graphql/schema';

describe('sandbox schema by seeded version', () => {
  test('before 18.3 the fine-grained permission types, fields and mutation are absent', () => {
    const old = sandboxSchema('17.9.0');
    expect(old.getType('CiJobTokenScopePolicies')).toBeUndefined();
    expect(old.getType('CiJobTokenScopeUpdatePoliciesInput')).toBeUndefined();
    expect(old.getMutationType()?.getFields().ciJobTokenScopeUpdatePolicies).toBeUndefined();
    const entry = old.getType('CiJobTokenScopeAllowlistEntry') as unknown as { getFields(): Record<string, unknown> };
    expect(Object.keys(entry.getFields())).not.toContain('jobTokenPolicies');
    expect(Object.keys(entry.getFields())).not.toContain('defaultPermissions');
    // Membership stays: the allowlist itself predates the permissions.
    expect(old.getMutationType()?.getFields().ciJobTokenScopeAddGroupOrProject).toBeDefined();
  });

  test('18.3 and later (and an unparsable version) get the full schema', () => {
    for (const v of ['18.3.0', '18.6.0-ee', '19.0.0-pre', undefined, 'nightly']) {
      expect(sandboxSchema(v).getType('CiJobTokenScopePolicies')).toBeDefined();
    }
    expect(olderThan('18.2.9-ee', POLICIES_SINCE)).toBe(true);
    expect(olderThan('17.11.0', POLICIES_SINCE)).toBe(true);
    expect(olderThan('18.3.0', POLICIES_SINCE)).toBe(false);
  });
});
