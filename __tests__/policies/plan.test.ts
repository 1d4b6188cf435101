import { planPolicies } from '../../lib/policies/plan';
import { DEFAULT_PERMISSIONS, DeclaredPolicyScope, LivePolicyResult, permissionsOf } from '../../lib/policies/types';

const granted = (...p: string[]) => permissionsOf(false, p);

function scope(project: string, entries: DeclaredPolicyScope['entries']): DeclaredPolicyScope {
  return { stack: 'acme', resource: `scope_${project}`, project, entries };
}

function live(project: string, entries: Array<[kind: 'project' | 'group', target: string, perms: ReturnType<typeof granted>, auto?: boolean]>): [string, LivePolicyResult] {
  return [project.toLowerCase(), { project, entries: entries.map(([kind, target, permissions, auto]) => ({ kind, target, permissions, autopopulated: auto ?? false })) }];
}

describe('planPolicies', () => {
  test('changes only declared entries whose permissions differ; undeclared entries are left alone', () => {
    const declared = [scope('acme/web', [
      { kind: 'project', target: 'acme/api', written: 'acme/api', permissions: granted('READ_JOBS', 'ADMIN_PACKAGES') },
      { kind: 'group', target: 'acme/tools', written: 'acme/tools', permissions: granted('READ_RELEASES') },
      { kind: 'project', target: 'acme/plain', written: 'acme/plain', permissions: DEFAULT_PERMISSIONS },
    ])];
    const liveMap = new Map([live('acme/web', [
      ['project', 'acme/API', DEFAULT_PERMISSIONS],
      ['group', 'acme/tools', granted('READ_RELEASES')],
      ['project', 'acme/plain', DEFAULT_PERMISSIONS],
      ['project', 'acme/hand-added', granted('READ_JOBS')],
      ['group', 'acme/auto', DEFAULT_PERMISSIONS, true],
    ])]);
    const plan = planPolicies(declared, liveMap);
    expect(plan.changes).toEqual([{
      stack: 'acme', project: 'acme/web', kind: 'project', target: 'acme/API',
      from: DEFAULT_PERMISSIONS, to: { defaultPermissions: false, policies: ['ADMIN_PACKAGES', 'READ_JOBS'] },
    }]);
    expect(plan.unchanged).toBe(2);
    expect(plan.skipped).toEqual([]);
  });

  test('an entry declared plain but granted policies live goes back to the default permissions', () => {
    const plan = planPolicies(
      [scope('acme/web', [{ kind: 'project', target: 'acme/api', written: 'acme/api', permissions: DEFAULT_PERMISSIONS }])],
      new Map([live('acme/web', [['project', 'acme/api', granted('READ_JOBS')]])]),
    );
    expect(plan.changes).toHaveLength(1);
    expect(plan.changes[0].from).toEqual({ defaultPermissions: false, policies: ['READ_JOBS'] });
    expect(plan.changes[0].to).toEqual({ defaultPermissions: true, policies: [] });
  });

  test('a declared entry missing from the live allowlist is skipped with a warning', () => {
    const plan = planPolicies(
      [scope('acme/web', [{ kind: 'group', target: 'acme/new', written: 'acme/new', permissions: granted('READ_JOBS') }])],
      new Map([live('acme/web', [])]),
    );
    expect(plan.changes).toEqual([]);
    expect(plan.skipped).toEqual([{
      stack: 'acme', project: 'acme/web', kind: 'group', target: 'acme/new', reason: 'not_on_allowlist',
      message: 'acme/web <- group acme/new: not on the allowlist yet: run cdktf deploy first',
    }]);
  });

  test('the same path as project and as group are different entries', () => {
    const plan = planPolicies(
      [scope('acme/web', [{ kind: 'group', target: 'acme/x', written: 'acme/x', permissions: granted('READ_JOBS') }])],
      new Map([live('acme/web', [['project', 'acme/x', DEFAULT_PERMISSIONS]])]),
    );
    expect(plan.skipped.map((s) => s.reason)).toEqual(['not_on_allowlist']);
  });

  test('policies the instance does not know are named and not planned', () => {
    const plan = planPolicies(
      [scope('acme/web', [{ kind: 'project', target: 'acme/api', written: 'acme/api', permissions: granted('READ_JOBS', 'READ_WORK_ITEMS', 'READ_PIPELINES') }])],
      new Map([live('acme/web', [['project', 'acme/api', DEFAULT_PERMISSIONS]])]),
      { knownPolicies: new Set(['READ_JOBS']), instance: 'this GitLab (version 18.3.0-ee)' },
    );
    expect(plan.changes).toEqual([]);
    expect(plan.skipped[0].reason).toBe('unknown_policy');
    expect(plan.skipped[0].message).toBe(
      'acme/web <- project acme/api: this GitLab (version 18.3.0-ee) does not know the policies READ_PIPELINES, READ_WORK_ITEMS ' +
        '(not in its CiJobTokenScopePolicies); remove them or upgrade GitLab',
    );
  });

  test('unreadable projects are skipped with GitLab\'s reason', () => {
    const plan = planPolicies(
      [
        scope('acme/gone', [{ kind: 'project', target: 'acme/api', written: 'acme/api', permissions: granted('READ_JOBS') }]),
        scope('acme/secret', [{ kind: 'project', target: 'acme/api', written: 'acme/api', permissions: granted('READ_JOBS') }]),
      ],
      new Map<string, LivePolicyResult>([
        ['acme/gone', { error: 'not_found', message: 'GitLab has no project acme/gone, or the token cannot see it' }],
        ['acme/secret', { error: 'permission_denied', message: 'no Maintainer' }],
      ]),
    );
    expect(plan.skipped.map((s) => [s.project, s.reason, s.message])).toEqual([
      ['acme/gone', 'project_not_found', 'GitLab has no project acme/gone, or the token cannot see it'],
      ['acme/secret', 'permission_denied', 'no Maintainer'],
    ]);
  });

  test('permission sets compare as sets', () => {
    const plan = planPolicies(
      [scope('acme/web', [{ kind: 'project', target: 'acme/api', written: 'acme/api', permissions: permissionsOf(false, ['READ_JOBS', 'ADMIN_JOBS', 'READ_JOBS']) }])],
      new Map([live('acme/web', [['project', 'acme/api', permissionsOf(false, ['ADMIN_JOBS', 'READ_JOBS'])]])]),
    );
    expect(plan).toEqual({ changes: [], skipped: [], unchanged: 1, flagOff: [] });
  });
});
