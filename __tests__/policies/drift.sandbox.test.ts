import { startSandbox } from '../../lib/sandbox';
import type { Sandbox } from '../../lib/sandbox';
import { mismatchesFrom } from '../../lib/policies/drift-findings';
import { runDrift } from '../../lib/drift';
import { GitLabHttp } from '../../lib/gitlab/http';
import { acmeSeed, runTokenscope, sandboxEnv, tempDirs, useSandbox } from './helpers';

const READ = 'glpat-policies-drift-read-000001';

function seed(version = '18.6.0') {
  return acmeSeed({
    version,
    groups: [{ path: 'acme/tools', id: 11 }],
    projects: [
      {
        path: 'acme/web', id: 100, limitAccess: true,
        allowlist: {
          projects: ['acme/api', { path: 'acme/plain', defaultPermissions: false, jobTokenPolicies: ['READ_JOBS'] }],
          groups: [{ path: 'acme/tools', defaultPermissions: false, jobTokenPolicies: ['READ_RELEASES'] }],
        },
      },
      { path: 'acme/api', id: 101 }, { path: 'acme/plain', id: 102 },
    ],
    tokens: [{ token: READ, type: 'personal', user: 'ops', scopes: ['read_api'] }],
  });
}

const tmp = tempDirs('tokenscope-policies-drift-');
const synthInto = tmp.synth;

function drift(sandbox: Sandbox, synthDir: string, format: string) {
  return runTokenscope(['drift', '--synth-dir', synthDir, '--format', format, '--no-progress'], { cwd: tmp.cwd(), env: sandboxEnv(sandbox, READ), sandbox });
}

const withPolicies = {
  web: [{
    project: 'acme/web',
    allowProjects: [{ target: 'acme/api', policies: ['READ_JOBS' as const] }, 'acme/plain'],
    allowGroups: [{ target: 'acme/tools', policies: ['READ_RELEASES' as const] }],
  }],
};

describe('drift: policy_mismatch', () => {
  const sandboxOf = useSandbox(seed());
  let sandbox: Sandbox;
  beforeAll(() => { sandbox = sandboxOf(); });

  test('json: one finding per entry whose permissions differ, declared and live', async () => {
    const r = await drift(sandbox, synthInto(withPolicies), 'json');
    expect(r.err).toBe('');
    expect(r.code).toBe(2);
    expect(r.mutations).toBe(0);
    const report = JSON.parse(r.out);
    expect(report.projects).toEqual([{
      project: 'acme/web', stack: 'web', status: 'drifted',
      findings: [
        { kind: 'policy_mismatch', target: 'acme/api', entry: 'project', declared: { defaultPermissions: false, policies: ['READ_JOBS'] }, live: { defaultPermissions: true, policies: [] } },
        { kind: 'policy_mismatch', target: 'acme/plain', entry: 'project', declared: { defaultPermissions: true, policies: [] }, live: { defaultPermissions: false, policies: ['READ_JOBS'] } },
      ],
    }]);
  });

  test('text, markdown and junit name the finding in words', async () => {
    const dir = synthInto(withPolicies);
    const line = 'project acme/api: job-token permissions declared READ_JOBS, default permissions in GitLab (tokenscope policies apply sets them)';
    expect((await drift(sandbox, dir, 'text')).out).toContain(`policy_mismatch  ${line}`);
    expect((await drift(sandbox, dir, 'markdown')).out).toContain(`| \`policy_mismatch\` | \`acme/api\` | ${line} |`);
    const junit = (await drift(sandbox, dir, 'junit')).out;
    expect(junit).toContain('<failure type="drift" message="drifted: policy_mismatch">');
    // The words name the target already: JUnit does not repeat it.
    expect(junit).toContain(`policy_mismatch: ${line}`);
    expect(junit).not.toContain('policy_mismatch acme/api:');
  });

  test('stacks without policies: no policy finding and no extra request', async () => {
    const dir = synthInto({ web: [{ project: 'acme/web', allowProjects: ['acme/api', 'acme/plain'], allowGroups: ['acme/tools'] }] });
    const r = await drift(sandbox, dir, 'json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).projects[0].findings).toEqual([]);
    // Exactly the queries of a drift run with the policy comparison switched off: no introspection, no policy read.
    const queries = async (policies: boolean) => {
      const b = sandbox.stats().graphqlQueries;
      await runDrift({ synthDir: dir, http: new GitLabHttp({ baseUrl: sandbox.url, token: READ }), policies });
      return sandbox.stats().graphqlQueries - b;
    };
    expect(await queries(true)).toBe(await queries(false));
    // A stack that declares policies does cost the introspection and the policy read.
    const b = sandbox.stats().graphqlQueries;
    await runDrift({ synthDir: synthInto(withPolicies), http: new GitLabHttp({ baseUrl: sandbox.url, token: READ }) });
    expect(sandbox.stats().graphqlQueries - b).toBe((await queries(false)) + 2);
  });

  test('a shard without the declaring project reads no policies', async () => {
    const dir = synthInto(withPolicies);
    const http = () => new GitLabHttp({ baseUrl: sandbox.url, token: READ });
    for (const index of [1, 2]) {
      const b = sandbox.stats().graphqlQueries;
      const r = await runDrift({ synthDir: dir, http: http(), shard: { index, total: 2 } });
      const used = sandbox.stats().graphqlQueries - b;
      if (r.report.projects.length === 0) expect(used).toBe(0);
      else expect(r.report.projects[0].findings.map((f) => f.kind)).toEqual(['policy_mismatch', 'policy_mismatch']);
    }
  });
});

describe('drift: fine-grained permissions switched off (feature flag) or absent', () => {
  const offSeed = seed('18.6.0');
  offSeed.instance!.featureFlags = { add_policies_to_ci_job_token: false };
  const sandboxOf = useSandbox(offSeed);
  let sandbox: Sandbox;
  beforeAll(() => { sandbox = sandboxOf(); });

  test('says once per project that the policies are not in force, instead of a policy_mismatch per entry', async () => {
    const r = await drift(sandbox, synthInto(withPolicies), 'json');
    expect(r.code).toBe(2);
    expect(r.mutations).toBe(0);
    expect(JSON.parse(r.out).projects[0].findings).toEqual([{
      kind: 'policies_not_enforced',
      message: '2 entries declare fine-grained permissions, but GitLab has them switched off (feature flag add_policies_to_ci_job_token): every entry has the default permissions',
    }]);
    expect((await drift(sandbox, synthInto(withPolicies), 'text')).out).toContain(
      'policies_not_enforced  2 entries declare fine-grained permissions, but GitLab has them switched off (feature flag add_policies_to_ci_job_token)',
    );
  });

  test('before GA (18.1) the flag is off by default: the same single finding', async () => {
    const old = seed('18.1.0');
    const sb = await startSandbox({ seed: old });
    try {
      const r = await drift(sb, synthInto(withPolicies), 'json');
      expect(JSON.parse(r.out).projects[0].findings.map((f: { kind: string }) => f.kind)).toEqual(['policies_not_enforced']);
    } finally { await sb.stop(); }
  });

  test('a GitLab older than the feature (17.4): one finding naming the version needed', async () => {
    const old = seed('17.4.0');
    old.projects![0].allowlist = { projects: ['acme/api', 'acme/plain'], groups: ['acme/tools'] };
    const sb = await startSandbox({ seed: old });
    try {
      const r = await drift(sb, synthInto(withPolicies), 'json');
      expect(r.code).toBe(2);
      expect(JSON.parse(r.out).projects[0].findings).toEqual([{
        kind: 'policies_not_enforced',
        message: '2 entries declare fine-grained permissions, but this GitLab (version 17.4.0-ee) has none (GitLab 18.3 or later): every entry has the default permissions',
      }]);
    } finally { await sb.stop(); }
  });
});

test('mismatchesFrom groups plan changes by project (case-insensitive)', () => {
  const perms = { defaultPermissions: true, policies: [] };
  const m = mismatchesFrom([
    { stack: 's', project: 'Acme/Web', kind: 'group', target: 'acme/g', from: perms, to: { defaultPermissions: false, policies: ['READ_JOBS'] } },
  ]);
  expect([...m.keys()]).toEqual(['acme/web']);
  expect(m.get('acme/web')).toEqual([{ kind: 'policy_mismatch', target: 'acme/g', entry: 'group', declared: { defaultPermissions: false, policies: ['READ_JOBS'] }, live: perms }]);
});
