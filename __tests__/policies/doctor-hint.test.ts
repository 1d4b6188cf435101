import { diagnoseToken } from '../../lib/doctor/diagnose';
import { policyRemedy } from '../../lib/policies/hints';
import { acmeSeed, useSandbox } from './helpers';

const JOB = 'glcbt-64_policiesEtlRunningJob1';

describe('doctor --project: a job token lacking a fine-grained permission', () => {
  const sandbox = useSandbox(acmeSeed({
    projects: [
      { path: 'acme/deployer', id: 100, limitAccess: true,
        allowlist: { projects: [{ path: 'acme/etl', defaultPermissions: false, jobTokenPolicies: ['READ_JOBS'] }] } },
      { path: 'acme/etl', id: 101 },
    ],
    tokens: [{ token: JOB, type: 'job', project: 'acme/etl', user: 'ops', jobStatus: 'running' }],
  }));

  test('names the policy and the construct entry to write', async () => {
    const { report } = await diagnoseToken({
      token: JOB, tokenSource: 'CI_JOB_TOKEN', tokenVars: ['CI_JOB_TOKEN'], emptyVars: [], url: sandbox().url, project: 'acme/deployer',
    });
    const c = report.checks.find((x) => x.id === 'project.access');
    expect(c?.status).toBe('fail');
    expect(c?.message).toContain('The following token permission is required: read_releases.');
    expect(c?.remedy).toBe(policyRemedy('acme/etl', 'acme/deployer', 'READ_RELEASES'));
    expect(c?.remedy).toContain(
      "in the JobTokenScope for 'acme/deployer', write the entry as { target: 'acme/etl', policies: [..., 'READ_RELEASES'] } " +
        '(in allowGroups instead, when a group lets acme/etl in), then cdktf deploy and tokenscope policies apply --yes.',
    );
  });
});
