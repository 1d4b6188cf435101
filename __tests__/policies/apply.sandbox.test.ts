import * as fs from 'fs';
import * as path from 'path';
import type { Sandbox } from '../../lib/sandbox';
import type { PolicyApplyReport } from '../../lib/policies/report';
import { acmeSeed, runTokenscope, sandboxEnv, tempDirs, useSandbox } from './helpers';

const API = 'glpat-policies-ops-api-000000001';
const READ = 'glpat-policies-ops-read-00000002';

function seed(version = '18.6.0') {
  return acmeSeed({
    version,
    groups: [{ path: 'acme/tools', id: 11 }],
    projects: [
      {
        path: 'acme/web', id: 100, limitAccess: true,
        allowlist: {
          projects: [
            'acme/api',
            { path: 'acme/plain', defaultPermissions: false, jobTokenPolicies: ['READ_JOBS'] },
            { path: 'acme/hand', defaultPermissions: false, jobTokenPolicies: ['READ_RELEASES'] },
          ],
          groups: ['acme/tools'],
        },
      },
      { path: 'acme/api', id: 101 }, { path: 'acme/plain', id: 102 }, { path: 'acme/hand', id: 103 }, { path: 'acme/new', id: 104 },
    ],
    tokens: [
      { token: API, type: 'personal', user: 'ops', scopes: ['api'] },
      { token: READ, type: 'personal', user: 'ops', scopes: ['read_api'] },
    ],
  });
}

const declared = {
  web: [{
    project: 'acme/web',
    allowProjects: [
      { target: 'acme/api', policies: ['READ_JOBS' as const, 'ADMIN_PACKAGES' as const] },
      'acme/plain',
      { target: 'acme/new', policies: ['READ_JOBS' as const] },
    ],
    allowGroups: [{ target: 'acme/tools', policies: ['READ_RELEASES' as const] }],
  }],
};

const tmp = tempDirs('tokenscope-policies-cwd-');
let synthDir: string;
beforeAll(() => { synthDir = tmp.synth(declared); });

function run(sandbox: Sandbox, args: string[], token = API, dir = synthDir) {
  return runTokenscope(['policies', 'apply', '--synth-dir', dir, ...args], { cwd: tmp.cwd(), env: sandboxEnv(sandbox, token), sandbox });
}

function livePermissions(sandbox: Sandbox): Record<string, unknown> {
  const st = sandbox.state;
  const web = st.projectByPath('acme/web');
  const out: Record<string, unknown> = {};
  const perms = (l: { defaultPermissions: boolean; jobTokenPolicies: string[] }) => ({ defaultPermissions: l.defaultPermissions, policies: [...l.jobTokenPolicies].sort() });
  for (const l of web?.projectLinks.values() ?? []) out[st.findProject(String(l.targetId))?.fullPath ?? '?'] = perms(l);
  for (const l of web?.groupLinks.values() ?? []) out[st.findGroup(String(l.targetId))?.fullPath ?? '?'] = perms(l);
  return out;
}

describe('tokenscope policies apply against the sandbox', () => {
  const sandboxOf = useSandbox(seed());
  let sandbox: Sandbox;
  beforeAll(() => { sandbox = sandboxOf(); });

  test('without --yes: prints the changes, sends no mutation, exits 2', async () => {
    const r = await run(sandbox, []);
    expect(r.mutations).toBe(0);
    expect(r.code).toBe(2);
    expect(r.out).toContain('  ~ project acme/api: default permissions -> ADMIN_PACKAGES, READ_JOBS\n');
    expect(r.out).toContain('  ~ project acme/plain: READ_JOBS -> default permissions\n');
    expect(r.out).toContain('  ~ group acme/tools: default permissions -> READ_RELEASES\n');
    expect(r.out).toContain('  ! warning: acme/web <- project acme/new: not on the allowlist yet: run cdktf deploy first\n');
    expect(r.out).toContain('3 changes (0 unchanged); re-run with --yes to apply\n');
    expect(r.out).not.toContain('acme/hand');
  });

  test('a synth dir without stacks gets the shared failure wording; nothing is sent', async () => {
    const empty = tmp.cwd();
    const r = await run(sandbox, ['--yes'], API, empty);
    expect(r.code).toBe(1);
    expect(r.mutations).toBe(0);
    expect(r.out).toBe('');
    expect(r.err).toBe(
      `tokenscope policies: ${empty} has no synthesized stacks (no ${path.join(empty, 'stacks')}); run \`npx cdktf synth\` first, or pass --synth-dir\n`,
    );
  });

  test('a read_api token is enough to look, not to apply', async () => {
    expect((await run(sandbox, [], READ)).code).toBe(2);
    const r = await run(sandbox, ['--yes'], READ);
    expect(r.code).toBe(1);
    expect(r.mutations).toBe(0);
    expect(r.err).toBe(
      'tokenscope policies apply --yes needs a personal, project or group access token with api and the Maintainer role on the projects; ' +
        'GITLAB_TOKEN (glpat-****0002) has the scopes read_api: create a token with api\n',
    );
  });

  test('--yes applies each change; a second run changes nothing; undeclared entries are left alone', async () => {
    const first = await run(sandbox, ['--yes', '--format', 'json']);
    expect(first.code).toBe(0);
    expect(first.mutations).toBe(3);
    const report = JSON.parse(first.out) as PolicyApplyReport;
    expect(report.summary).toEqual({ projects: 1, entries: 4, unchanged: 0, changes: 3, applied: 3, failed: 0, skipped: 1 });
    expect(report.changes.map((c) => [c.target, c.result])).toEqual([
      ['acme/api', 'applied'], ['acme/plain', 'applied'], ['acme/tools', 'applied'],
    ]);
    expect(livePermissions(sandbox)).toEqual({
      'acme/api': { defaultPermissions: false, policies: ['ADMIN_PACKAGES', 'READ_JOBS'] },
      'acme/plain': { defaultPermissions: true, policies: [] },
      'acme/hand': { defaultPermissions: false, policies: ['READ_RELEASES'] },
      'acme/tools': { defaultPermissions: false, policies: ['READ_RELEASES'] },
    });

    const second = await run(sandbox, ['--yes']);
    expect(second.mutations).toBe(0);
    expect(second.code).toBe(0);
    expect(second.out).toContain('Nothing to change (3 unchanged).\n');
  });

  test('a policy this GitLab does not know is named and nothing is sent', async () => {
    const dir = tmp.synth(declared);
    const file = path.join(dir, 'stacks', 'web', 'cdk.tf.json');
    const json = JSON.parse(fs.readFileSync(file, 'utf8'));
    const meta = json.resource.gitlab_project_job_token_scopes.scope_acme_web['//'].tokenscope;
    meta.policies[0].policies = ['READ_JOBS', 'READ_FUTURE_THINGS'];
    meta.policies[2].policies = ['READ_JOBS']; // a valid change, held back with the rest
    fs.writeFileSync(file, JSON.stringify(json));
    const r = await run(sandbox, ['--yes'], API, dir);
    expect(r.code).toBe(1);
    expect(r.mutations).toBe(0);
    expect(r.out).toContain(
      '! error: acme/web <- project acme/api: this GitLab (version 18.6.0-ee) does not know the policy READ_FUTURE_THINGS ' +
        '(not in its CiJobTokenScopePolicies); remove it or upgrade GitLab',
    );
    expect(r.out).toContain('  ~ group acme/tools: READ_RELEASES -> READ_JOBS\n');
    expect(r.err).toBe('tokenscope policies: nothing was sent because of the errors above\n');
  });
});

describe('a GitLab without fine-grained permissions', () => {
  const sandboxOf = useSandbox(seed('17.4.0'));
  let sandbox: Sandbox;
  beforeAll(() => { sandbox = sandboxOf(); });

  test('gets a clear message from introspection, not a failed query', async () => {
    const r = await run(sandbox, ['--yes']);
    expect(r.code).toBe(1);
    expect(r.mutations).toBe(0);
    expect(r.out).toContain(
      'error: this GitLab (version 17.4.0-ee) has no fine-grained job-token permissions: they need GitLab 18.3 or later ' +
        '(its GraphQL schema has no enum CiJobTokenScopePolicies, CiJobTokenScopeAllowlistEntry.defaultPermissions, ' +
        'CiJobTokenScopeAllowlistEntry.jobTokenPolicies, mutation ciJobTokenScopeUpdatePolicies)',
    );
  });

  test('stacks that declare no policies have nothing to do there', async () => {
    const dir = tmp.synth({ web: [{ project: 'acme/web', allowProjects: ['acme/api'] }] });
    const r = await run(sandbox, [], API, dir);
    expect(r.code).toBe(0);
    expect(r.out).toContain('no entry declares policies, so there is nothing to do');
  });
});

describe('fine-grained permissions switched off (feature flag add_policies_to_ci_job_token)', () => {
  const off = seed('18.6.0');
  off.instance!.featureFlags = { add_policies_to_ci_job_token: false };
  const sandboxOf = useSandbox(off);
  let sandbox: Sandbox;
  beforeAll(() => { sandbox = sandboxOf(); });

  test('says so once, sends nothing and exits 1, instead of planning a change per entry', async () => {
    const r = await run(sandbox, ['--yes']);
    expect(r.code).toBe(1);
    expect(r.mutations).toBe(0);
    const said = r.out.split('\n').filter((l) => l.includes('add_policies_to_ci_job_token'));
    expect(said).toEqual([
      'error: fine-grained job-token permissions are switched off on this GitLab (version 18.6.0-ee) for acme/web (3 entries with policies): ' +
        'GitLab answers the default permissions for every entry and ignores declared policies while its feature flag add_policies_to_ci_job_token ' +
        'is off (on by default from GitLab 18.3), and refuses to set them ("`add_policies_to_ci_job_token` feature flag is disabled."). ' +
        'An administrator turns it on in the Rails console: Feature.enable(:add_policies_to_ci_job_token) ' +
        "(or for one project: Feature.enable(:add_policies_to_ci_job_token, Project.find_by_full_path('acme/web')))",
    ]);
    expect(r.out).not.toContain(' -> ');
  });

  test("GitLab's own answers with the flag off: default permissions, null policies, and the mutation refused", async () => {
    const gql = async (query: string, variables?: unknown): Promise<any> => (await fetch(`${sandbox.url}/api/graphql`, {
      method: 'POST', headers: { authorization: `Bearer ${API}`, 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }),
    })).json();
    const read = await gql('{ project(fullPath: "acme/web") { ciJobTokenScopeAllowlist { projectsAllowlist { nodes { defaultPermissions jobTokenPolicies target { ... on CiJobTokenAccessibleProject { fullPath } } } } } } }');
    expect(read.data.project.ciJobTokenScopeAllowlist.projectsAllowlist.nodes).toEqual([
      { defaultPermissions: true, jobTokenPolicies: null, target: { fullPath: 'acme/api' } },
      { defaultPermissions: true, jobTokenPolicies: null, target: { fullPath: 'acme/plain' } },
      { defaultPermissions: true, jobTokenPolicies: null, target: { fullPath: 'acme/hand' } },
    ]);
    const m = await gql('mutation($i: CiJobTokenScopeUpdatePoliciesInput!) { ciJobTokenScopeUpdatePolicies(input: $i) { errors } }',
      { i: { projectPath: 'acme/web', targetPath: 'acme/api', defaultPermissions: false, jobTokenPolicies: ['READ_JOBS'] } });
    expect(m).toEqual({
      data: { ciJobTokenScopeUpdatePolicies: null },
      errors: [{ message: '`add_policies_to_ci_job_token` feature flag is disabled.', locations: [{ line: 1, column: 53 }], path: ['ciJobTokenScopeUpdatePolicies'] }],
    });
    // Adding with policies keeps the default (Ci::JobToken::Allowlist#add!).
    const add = await gql('mutation { ciJobTokenScopeAddGroupOrProject(input: { projectPath: "acme/web", targetPath: "acme/new", defaultPermissions: false, jobTokenPolicies: [READ_JOBS] }) { errors } }');
    expect(add.data.ciJobTokenScopeAddGroupOrProject.errors).toEqual([]);
    const link = sandbox.state.projectByPath('acme/web')!.projectLinks.get(104)!;
    expect({ defaultPermissions: link.defaultPermissions, policies: link.jobTokenPolicies }).toEqual({ defaultPermissions: true, policies: [] });
  });
});

describe('the allowed policy values come from the instance (introspection), not the built-in list', () => {
  const sandboxOf = useSandbox(seed('18.4.0'));
  let sandbox: Sandbox;
  beforeAll(() => { sandbox = sandboxOf(); });

  test('READ_BADGES, valid at synth time, is refused on a GitLab whose enum lacks it', async () => {
    const dir = tmp.synth({ web: [{ project: 'acme/web', allowProjects: [{ target: 'acme/api', policies: ['READ_BADGES' as const] }] }] });
    const r = await run(sandbox, ['--yes'], API, dir);
    expect(r.code).toBe(1);
    expect(r.mutations).toBe(0);
    expect(r.out).toContain(
      'error: acme/web <- project acme/api: this GitLab (version 18.4.0-ee) does not know the policy READ_BADGES ' +
        '(not in its CiJobTokenScopePolicies); remove it or upgrade GitLab',
    );
  });
});
