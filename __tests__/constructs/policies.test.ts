import { JobTokenScope, POLICY_METADATA_KEY } from '../../lib';
import { newStack, synthError } from './helpers';

function resourceWithComments(stack: ReturnType<typeof newStack>['stack'], name: string): Record<string, unknown> {
  const tf = stack.toTerraform() as { resource: { gitlab_project_job_token_scopes: Record<string, Record<string, unknown>> } };
  return tf.resource.gitlab_project_job_token_scopes[name];
}

describe('fine-grained policies on allowlist entries', () => {
  test('entries with policies travel in the resource comment block Terraform ignores; membership is unchanged', () => {
    const { stack } = newStack();
    new JobTokenScope(stack, 'web', {
      project: 'acme/web',
      allowProjects: ['acme/plain', { target: 'acme/api', policies: ['READ_JOBS', 'ADMIN_PACKAGES'] }],
      allowGroups: [{ target: 'acme/tools', policies: ['READ_RELEASES'] }],
    });
    const r = resourceWithComments(stack, 'scope_acme_web');
    expect(r.target_project_ids).toEqual(['${data.gitlab_project.project_acme_api.id}', '${data.gitlab_project.project_acme_plain.id}']);
    expect((r['//'] as Record<string, unknown>)[POLICY_METADATA_KEY]).toEqual({
      version: 1,
      project: 'acme/web',
      policies: [
        { kind: 'project', target: 'acme/api', policies: ['ADMIN_PACKAGES', 'READ_JOBS'] },
        { kind: 'group', target: 'acme/tools', policies: ['READ_RELEASES'] },
      ],
    });
  });

  test('no policies: the comment block carries the project\'s path and an empty list', () => {
    const { stack } = newStack();
    new JobTokenScope(stack, 'web', { project: 'acme/web', allowProjects: ['acme/api'] });
    const r = resourceWithComments(stack, 'scope_acme_web');
    expect((r['//'] as Record<string, unknown>)[POLICY_METADATA_KEY]).toEqual({ version: 1, project: 'acme/web', policies: [] });
  });

  test('an empty policy set is refused', () => {
    const { stack } = newStack();
    new JobTokenScope(stack, 'web', { project: 'acme/web', allowProjects: [{ target: 'acme/api', policies: [] }] });
    expect(synthError(stack)).toContain(
      '[test/web] JobTokenScope for project "acme/web": allowProjects[0] "acme/api" has an empty policies list; ' +
        'omit `policies` to keep the default permissions, or name at least one policy',
    );
  });

  test('the badges and repositories policies of GitLab 18.5+ are accepted', () => {
    const { stack } = newStack();
    new JobTokenScope(stack, 'web', {
      project: 'acme/web',
      allowProjects: [{ target: 'acme/api', policies: ['READ_BADGES', 'ADMIN_BADGES', 'ADMIN_REPOSITORIES', 'READ_REPOSITORIES'] }],
    });
    const r = resourceWithComments(stack, 'scope_acme_web');
    expect((r['//'] as Record<string, { policies: unknown[] }>)[POLICY_METADATA_KEY].policies).toEqual([
      { kind: 'project', target: 'acme/api', policies: ['ADMIN_BADGES', 'ADMIN_REPOSITORIES', 'READ_BADGES', 'READ_REPOSITORIES'] },
    ]);
  });

  test('unknown and deprecated policies are named', () => {
    const { stack } = newStack();
    new JobTokenScope(stack, 'web', {
      project: 'acme/web',
      allowGroups: [{ target: 'acme/tools', policies: ['READ_JOBZ' as never, 'READ_CONTAINERS', 'READ_JOBS', 'READ_JOBS'] }],
    });
    const msg = synthError(stack);
    // Offline (synth time) the built-in list is all there is, and the message says so.
    expect(msg).toContain(
      'allowGroups[0] "acme/tools" names unknown policy "READ_JOBZ" (tokenscope\'s built-in list of GitLab\'s CiJobTokenScopePolicies, as of GitLab 19.0: READ_DEPLOYMENTS,',
    );
    expect(msg).toContain('`tokenscope policies apply` (without --yes) checks against the values your GitLab has)');
    expect(msg).toContain('allowGroups[0] "acme/tools" names deprecated policy READ_CONTAINERS (GitLab deprecated the CONTAINERS policies in 18.4 and removes them in 19.0); remove it');
    expect(msg).toContain('allowGroups[0] "acme/tools" names policy READ_JOBS twice');
  });
});
