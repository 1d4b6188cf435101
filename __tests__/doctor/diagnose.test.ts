import { requiredPermissions } from '../../lib/doctor/project-probe';
import { diagnoseToken, DoctorInput } from '../../lib/doctor/diagnose';
import { NO_RETRY } from '../../lib/gitlab/http';
import type { Check, DoctorReport } from '../../lib/doctor/types';
import { FakeToken, fakeFetch, fakeGitLabHandler, jwtJobToken } from './fake-gitlab';

const NOW = new Date('2026-11-23T12:00:00Z');
const URL_ = 'https://gitlab.test';

const T = {
  ops: 'glpat-ops-personal-token-0000000001',
  opsRead: 'glpat-ops-readonly-token-000000002',
  bot: 'glpat-web-project-bot-token-0000003',
  groupBot: 'glpat-acme-group-bot-token-00000004',
  revoked: 'glpat-revoked-token-00000000000005',
  expired: 'glpat-expired-token-00000000000006',
  soon: 'glpat-expiring-soon-token-0000007',
  repoOnly: 'glpat-repo-only-token-00000000008',
  dev: 'glpat-dev-developer-token-0000009',
  oauth: 'ab12'.repeat(16),
  job: 'glcbt-64_runningJobTokenEtl00001',
  jobTwoPolicies: 'glcbt-64_runningJobTokenTwo00011',
  jobNoUrl: 'glcbt-64_runningJobTokenNoUrl0012',
  finished: 'glcbt-64_finishedJobTokenEtl0002',
  deploy: 'gldt-storefront-dpl-tkn-000003',
  legacy: 'AbCdEfGhIjKlMnOpQrSt',
  garbage: 'this-is-definitely-not-a-token-xyz',
};

const TOKENS: Record<string, FakeToken> = {
  [T.ops]: { kind: 'personal', username: 'ops', scopes: ['api'], name: 'automation', expiresAt: '2027-06-30', levels: { 'acme/web': 40 } },
  [T.opsRead]: { kind: 'personal', username: 'ops', scopes: ['read_api'], name: 'drift', expiresAt: null },
  [T.bot]: { kind: 'project', projectId: 12, project: 'acme/web', scopes: ['read_api'], name: 'web-bot' },
  [T.groupBot]: { kind: 'group', groupId: 10, groupPath: 'acme', scopes: ['api'], name: 'acme-bot' },
  [T.revoked]: { kind: 'personal', username: 'ops', revoked: true },
  [T.expired]: { kind: 'personal', username: 'ops', expiresAt: '2026-11-01' },
  [T.soon]: { kind: 'personal', username: 'ops', expiresAt: '2026-11-26', name: 'soon' },
  [T.repoOnly]: { kind: 'personal', username: 'ops', scopes: ['read_repository'], name: 'git' },
  [T.dev]: { kind: 'personal', username: 'dev', scopes: ['api'], levels: { 'acme/web': 30 } },
  [T.oauth]: { kind: 'oauth', username: 'ops' },
  [T.job]: { kind: 'job', project: 'acme/data/etl', username: 'dev', jobStatus: 'running', allowedBy: ['acme/platform/deployer'], missingPolicy: { 'acme/platform/deployer': 'read_releases' } },
  [T.jobTwoPolicies]: { kind: 'job', project: 'acme/data/etl', username: 'dev', jobStatus: 'running', allowedBy: ['acme/platform/deployer'],
    missingPolicy: { 'acme/platform/deployer': ['read_jobs', 'read_releases'] } },
  [T.jobNoUrl]: { kind: 'job', project: 'acme/data/etl', username: 'dev', jobStatus: 'running', noWebUrl: true },
  [T.finished]: { kind: 'job', project: 'acme/data/etl', jobStatus: 'success' },
  [T.deploy]: { kind: 'deploy', project: 'acme/web' },
  [T.legacy]: { kind: 'personal', username: 'old', scopes: ['api'] },
};

async function run(input: Partial<DoctorInput> & { token: string | undefined }) {
  const fake = fakeFetch(fakeGitLabHandler(TOKENS, NOW));
  const d = await diagnoseToken({ url: URL_, tokenSource: 'GITLAB_TOKEN', now: NOW, fetchImpl: fake.fetchImpl, retry: NO_RETRY, ...input });
  return { ...d, requests: fake.requests };
}

function byId(r: DoctorReport, id: string): Check {
  const c = r.checks.find((x) => x.id === id);
  if (!c) throw new Error(`no check ${id} in ${r.checks.map((x) => x.id).join(', ')}`);
  return c;
}

function expectNoToken(r: DoctorReport, token: string) {
  expect(JSON.stringify(r)).not.toContain(token);
  expect(JSON.stringify(r)).not.toContain(token.trim());
}

describe('diagnoseToken: access tokens', () => {
  it('a valid personal access token: owner, scopes, expiry, version; exit 0', async () => {
    const { report, exitCode, requests } = await run({ token: T.ops });
    expect(report.tokenType).toBe('personal_access_token');
    expect(report.valid).toBe(true);
    expect(report.verified).toBe(true);
    expect(exitCode).toBe(0);
    expect(byId(report, 'token.accepted')).toMatchObject({ status: 'pass', message: 'GitLab accepts the token "automation"' });
    expect(byId(report, 'token.expiry')).toMatchObject({ status: 'pass', message: 'the token expires on 2027-06-30' });
    expect(byId(report, 'token.scopes')).toMatchObject({ status: 'pass', message: 'scopes: api (api: read and write)' });
    expect(byId(report, 'token.owner')).toMatchObject({ status: 'pass', message: 'this is a personal access token of user ops' });
    expect(byId(report, 'gitlab.version')).toMatchObject({ status: 'pass', message: 'GitLab 18.6.0-ee at https://gitlab.test' });
    expect(report.verdict).toBe('Valid: a personal access token of user ops (glpat-****0001), scopes api, expires 2027-06-30.');
    expect(report.identity).toMatchObject({ username: 'ops', scopes: ['api'], tokenName: 'automation', gitlabVersion: '18.6.0-ee' });
    expect(requests.map((r) => r.path)).toEqual(['/api/v4/personal_access_tokens/self', '/api/v4/user', '/api/v4/version']);
    expect(requests.every((r) => r.headers['private-token'] === T.ops && !r.headers['job-token'])).toBe(true);
    expectNoToken(report, T.ops);
  });

  it('a project access token is told apart by its bot user', async () => {
    const { report, exitCode } = await run({ token: T.bot });
    expect(report.tokenType).toBe('project_access_token');
    expect(byId(report, 'token.owner').message).toBe('this is a project access token of project acme/web (bot user project_12_bot_3f2a1c)');
    expect(report.identity.project).toEqual({ id: 12, path: 'acme/web' });
    expect(exitCode).toBe(0);
  });

  it('a group access token is told apart by its bot user', async () => {
    const { report } = await run({ token: T.groupBot });
    expect(report.tokenType).toBe('group_access_token');
    expect(byId(report, 'token.owner').message).toBe('this is a group access token of group acme (bot user group_10_bot_9e8d7c)');
  });

  it('an OAuth access token: /user and /version only, with Bearer', async () => {
    const { report, exitCode, requests } = await run({ token: T.oauth });
    expect(report.tokenType).toBe('oauth_access_token');
    expect(byId(report, 'token.owner').message).toBe('this is an OAuth access token of user ops');
    expect(requests.map((r) => r.path)).toEqual(['/api/v4/user', '/api/v4/version']);
    expect(requests[0].headers.authorization).toBe(`Bearer ${T.oauth}`);
    expect(exitCode).toBe(0);
  });

  it('revoked: valid false, exit 1, GitLab\'s reason', async () => {
    const { report, exitCode, requests } = await run({ token: T.revoked });
    expect(report.valid).toBe(false);
    expect(exitCode).toBe(1);
    expect(byId(report, 'token.accepted')).toMatchObject({
      status: 'fail',
      message:
        'GitLab refuses this token (GET /api/v4/personal_access_tokens/self: 401 "Token was revoked. You have to re-authorize from the user."): it was revoked',
    });
    expect(report.verdict).toMatch(/^Invalid: a personal access token \(glpat-\*\*\*\*0005\): GitLab refuses this token/);
    expect(requests).toHaveLength(1);
  });

  it('expired: valid false', async () => {
    const { report, exitCode } = await run({ token: T.expired });
    expect(byId(report, 'token.accepted').message).toMatch(/: it has expired$/);
    expect(report.valid).toBe(false);
    expect(exitCode).toBe(1);
  });

  it('warns within 7 days of expiry, still exit 0', async () => {
    const { report, exitCode } = await run({ token: T.soon });
    expect(byId(report, 'token.expiry')).toMatchObject({
      status: 'warn',
      message: 'the token expires in 3 days, on 2026-11-26',
      remedy: 'rotate it now (Access tokens > Rotate, or POST /personal_access_tokens/self/rotate) and update the variable that holds it',
    });
    expect(exitCode).toBe(0);
    expect(report.fix).toBe('rotate it now (Access tokens > Rotate, or POST /personal_access_tokens/self/rotate) and update the variable that holds it');
  });

  it('missing API scope: warned; fails --project', async () => {
    const { report } = await run({ token: T.repoOnly });
    expect(byId(report, 'token.scopes')).toMatchObject({
      status: 'warn',
      message: 'scopes: read_repository: neither api nor read_api, so the token cannot read projects or job-token settings through the API',
    });
    expect(byId(report, 'token.owner').status).toBe('warn');
    const withProject = await run({ token: T.repoOnly, project: 'acme/web' });
    expect(byId(withProject.report, 'project.scope')).toMatchObject({
      status: 'fail',
      message: 'scopes read_repository: reading the job-token scope needs read_api, managing it needs api',
    });
    expect(withProject.exitCode).toBe(1);
  });

  it('a 20-character unprefixed token is probed and found to be an old personal access token', async () => {
    const { report, requests } = await run({ token: T.legacy });
    expect(report.tokenType).toBe('personal_access_token');
    expect(requests.map((r) => r.path)).toEqual(['/api/v4/job', '/api/v4/personal_access_tokens/self', '/api/v4/user', '/api/v4/version']);
    expect(byId(report, 'token.live')).toMatchObject({ status: 'skip', message: 'not a live CI job token (GET /api/v4/job: 401)' });
    expect(requests[0].headers['job-token']).toBe(T.legacy);
    expect(requests[1].headers.authorization).toBe(`Bearer ${T.legacy}`);
  });

  it('garbage: refused as every kind, exit 1', async () => {
    const { report, exitCode } = await run({ token: T.garbage });
    expect(report.tokenType).toBe('unknown');
    expect(byId(report, 'token.type').status).toBe('warn');
    expect(byId(report, 'token.accepted').message).toBe(
      'GitLab refuses this token as a job token and as an access token (401): it is revoked, expired or mistyped, or the token of a finished job',
    );
    expect(exitCode).toBe(1);
  });
});

describe('diagnoseToken: CI job tokens', () => {
  it('a live job token: job, pipeline, project, user; only JOB-TOKEN sent', async () => {
    const { report, exitCode, requests } = await run({ token: T.job, tokenSource: 'CI_JOB_TOKEN' });
    expect(report.tokenType).toBe('ci_job_token');
    expect(byId(report, 'token.live')).toMatchObject({
      status: 'pass',
      message: 'live CI job token: job 4242 "deploy" (running) of pipeline 77 (running) in acme/data/etl, acting as user dev',
    });
    expect(report.identity).toMatchObject({ job: { id: 4242, status: 'running' }, pipeline: { id: 77, status: 'running' }, project: { id: 302, path: 'acme/data/etl' }, username: 'dev' });
    expect(report.verdict).toBe('Valid: a CI job token of job 4242 in acme/data/etl run by user dev (glcbt-****0001).');
    expect(requests.map((r) => r.path)).toEqual(['/api/v4/job']);
    expect(requests[0].headers['job-token']).toBe(T.job);
    expect(requests[0].headers['private-token']).toBeUndefined();
    expect(exitCode).toBe(0);
  });

  it('a finished job\'s token is dead', async () => {
    const { report, exitCode } = await run({ token: T.finished, tokenSource: 'CI_JOB_TOKEN' });
    expect(byId(report, 'token.live')).toEqual({
      id: 'token.live',
      status: 'fail',
      message:
        'GitLab refuses this CI job token (GET /api/v4/job: 401): its job has finished, was erased, or its project is being deleted; a job token lives only while its job runs',
      remedy:
        'use CI_JOB_TOKEN only inside the running job that received it; for work outside a job (schedules, laptops, other pipelines later on) use a project or group access token',
    });
    expect(report.valid).toBe(false);
    expect(exitCode).toBe(1);
  });

  it('a glcbt- token GitLab calls no job (404 Job Not Found) is probed as an access token', async () => {
    const handler = fakeGitLabHandler({ [T.job]: { kind: 'personal', username: 'ops', scopes: ['api'] } }, NOW);
    const fake = fakeFetch((req) => (req.path === '/api/v4/job' ? { status: 404, body: '{"message":"404 Job Not Found"}', headers: { 'content-type': 'application/json' } } : handler(req)));
    const { report } = await diagnoseToken({ token: T.job, url: URL_, now: NOW, fetchImpl: fake.fetchImpl, retry: NO_RETRY });
    expect(byId(report, 'token.live')).toMatchObject({
      status: 'warn',
      message: 'GitLab knows this token, but it is not a CI job token (GET /api/v4/job: 404 Job Not Found)',
    });
    expect(report.tokenType).toBe('personal_access_token');
    expect(byId(report, 'token.owner').message).toBe('this is a personal access token of user ops');
  });

  it('an expired JWT job token fails offline, and says which job', async () => {
    const t = jwtJobToken({ jobId: 99, exp: Date.parse('2026-11-23T11:00:00Z') / 1000, iss: 'https://gitlab.test' });
    const { report, exitCode } = await run({ token: t, url: undefined });
    expect(byId(report, 'token.jwt')).toMatchObject({
      status: 'fail',
      message:
        'JWT job token (claims read, not verified): job 99, issued by https://gitlab.test, expired at 2026-11-23T11:00:00.000Z: its job has ended (exp is the job timeout + 5 minutes)',
    });
    expect(report.identity.jwt?.jobId).toBe(99);
    expect(exitCode).toBe(1);
    expectNoToken(report, t);
  });

  it('warns when the JWT issuer is not the GitLab URL', async () => {
    const t = jwtJobToken({ jobId: 99, exp: 2e9, iss: 'https://gitlab.example.com' });
    const { report } = await run({ token: t });
    expect(byId(report, 'token.issuer').message).toBe('the token was issued by gitlab.example.com, but the GitLab URL is gitlab.test');
  });
});

describe('diagnoseToken: --expect', () => {
  it('a personal token passed off as CI_JOB_TOKEN', async () => {
    const { report, exitCode } = await run({ token: T.ops, tokenSource: 'CI_JOB_TOKEN', expect: 'ci_job_token' });
    expect(byId(report, 'token.expected')).toMatchObject({
      status: 'fail',
      message: 'you expected a CI job token, but this is a personal access token of user ops',
    });
    expect(byId(report, 'token.expected').remedy).toMatch(/^inside a job, GitLab sets CI_JOB_TOKEN itself/);
    expect(report.valid).toBe(true);
    expect(exitCode).toBe(1);
    expect(report.verdict).toContain('You expected a CI job token, but this is a personal access token of user ops.');
  });

  it('met: exit 0', async () => {
    expect((await run({ token: T.bot, expect: 'project_access_token' })).exitCode).toBe(0);
    expect((await run({ token: T.job, expect: 'ci_job_token' })).exitCode).toBe(0);
  });

  it('offline, glpat- cannot confirm personal/project/group: skip and exit 1', async () => {
    const { report, exitCode } = await run({ token: T.bot, url: undefined, expect: 'project_access_token' });
    expect(byId(report, 'token.expected')).toMatchObject({
      status: 'skip',
      message: 'you expected a project access token: glpat- tokens can be personal, project or group access tokens, and offline the form alone cannot tell',
    });
    expect(exitCode).toBe(1);
  });

  it('offline, glpat- is surely not a job token', async () => {
    const { report } = await run({ token: T.bot, url: undefined, expect: 'ci_job_token' });
    expect(byId(report, 'token.expected').message).toBe('you expected a CI job token, but this is a personal, project or group access token (glpat-)');
  });
});

describe('diagnoseToken: tokens that are not API tokens', () => {
  it('a deploy token on the API: explained, never sent', async () => {
    const { report, exitCode, requests } = await run({ token: T.deploy });
    expect(requests).toHaveLength(0);
    expect(report.tokenType).toBe('deploy_token');
    expect(byId(report, 'token.api')).toEqual({
      id: 'token.api',
      status: 'fail',
      message:
        'A deploy token: deploy tokens work only for Git clone/fetch and the container and package registries (Deploy-Token header or basic auth); the REST and GraphQL API never accept them; it was not sent to GitLab',
      remedy: 'for the API use a project access token (project Settings > Access tokens) with read_api, or api to make changes',
    });
    expect(exitCode).toBe(1);
  });

  it('--expect deploy with a deploy token: exit 0', async () => {
    const { report, exitCode } = await run({ token: T.deploy, expect: 'deploy_token' });
    expect(byId(report, 'token.api').status).toBe('skip');
    expect(byId(report, 'token.expected').message).toBe('as expected, this is a deploy token');
    expect(exitCode).toBe(0);
  });

  it.each([
    ['glrt-abcdefghijklmnopqrstu', 'runner_token', /^A runner token: runner tokens let a GitLab Runner register and fetch jobs/],
    ['glptt-abcdefghijklmnopqrstu', 'trigger_token', /^A pipeline trigger token: pipeline trigger tokens only start pipelines/],
    ['glft-abcdefghijklmnopqrstu', 'feed_token', /^A feed token: feed tokens only read RSS\/Atom feeds/],
    ['gloas-abcdefghijklmnopqrstu', 'oauth_application_secret', /^An OAuth application secret: this is the secret of an OAuth application/],
    ['glagent-abcdefghijklmnopqrstu', 'other_gitlab_token', /^A GitLab token of another kind \(Kubernetes agent token\)/],
  ])('%s is explained offline and never sent', async (token, type, msg) => {
    const { report, requests } = await run({ token });
    expect(report.tokenType).toBe(type);
    expect(byId(report, 'token.api').message).toMatch(msg);
    expect(requests).toHaveLength(0);
  });
});

describe('diagnoseToken: --project', () => {
  it('job token allowed by the target', async () => {
    const { report } = await run({ token: T.job, project: 'acme/data/etl' });
    expect(byId(report, 'project.access')).toMatchObject({ status: 'pass', message: 'the job token of acme/data/etl may reach acme/data/etl (GET releases: 200)' });
  });

  it('job token outside the target\'s allowlist: the exact JobTokenScope change', async () => {
    const { report, exitCode, requests } = await run({ token: T.job, project: 'acme/web' });
    expect(byId(report, 'project.access')).toEqual({
      id: 'project.access',
      status: 'fail',
      message:
        'acme/web does not allow job tokens from acme/data/etl: "403 Forbidden - Authentication by CI/CD job token not allowed from etl to web." (acme/data/etl is missing from acme/web\'s allowlist)',
      remedy:
        "add 'acme/data/etl' to allowProjects of the JobTokenScope for 'acme/web': new JobTokenScope(this, '...', { project: 'acme/web', allowProjects: [..., 'acme/data/etl'] }) (or allow a group that contains acme/data/etl with allowGroups), then cdktf deploy. The job's user (dev) must also be a member of acme/web with the role the call needs",
    });
    expect(requests[1]).toMatchObject({ path: '/api/v4/projects/acme%2Fweb/releases' });
    expect(requests[1].headers['job-token']).toBe(T.job);
    expect(exitCode).toBe(1);
  });

  it('job token lacking a fine-grained permission', async () => {
    const { report } = await run({ token: T.job, project: 'acme/platform/deployer' });
    const c = byId(report, 'project.access');
    expect(c.message).toBe(
      'acme/platform/deployer allows acme/data/etl, but with fine-grained permissions that lack read_releases: "403 Forbidden - Insufficient permissions to access this resource in project deployer. The following token permission is required: read_releases."',
    );
    expect(c.remedy).toMatch(/^add READ_RELEASES to the job token permissions of acme\/data\/etl's entry in acme\/platform\/deployer's allowlist/);
    expect(c.remedy).toContain('ciJobTokenScopeUpdatePolicies(input: { projectPath: "acme/platform/deployer", targetPath: "acme/data/etl"');
  });

  it('job token lacking several permissions: the plural message, every permission in the fix', async () => {
    const { report } = await run({ token: T.jobTwoPolicies, project: 'acme/platform/deployer' });
    const c = byId(report, 'project.access');
    expect(c.message).toBe(
      'acme/platform/deployer allows acme/data/etl, but with fine-grained permissions that lack read_jobs and read_releases: "403 Forbidden - Insufficient permissions to access this resource in project deployer. The following token permissions are required: read_jobs and read_releases."',
    );
    expect(c.remedy).toMatch(/^add READ_JOBS and READ_RELEASES to the job token permissions of acme\/data\/etl's entry/);
    expect(c.remedy).toContain("policies: [..., 'READ_JOBS', 'READ_RELEASES'] }");
  });

  it('reads the permissions of the plural message with Rails\' to_sentence', () => {
    const text = (list: string) => `403 Forbidden - Insufficient permissions to access this resource in project x. The following token permissions are required: ${list}.`;
    expect(requiredPermissions(text('read_jobs, read_packages, and read_releases'))).toEqual(['read_jobs', 'read_packages', 'read_releases']);
    expect(requiredPermissions(text('read_jobs and read_releases'))).toEqual(['read_jobs', 'read_releases']);
    expect(requiredPermissions('403 Forbidden - Insufficient permissions to access this resource in project x. The following token permission is required: read_releases.')).toEqual(['read_releases']);
  });

  it('never takes a project path out of the 403: without the job\'s project, the fix says where to find it', async () => {
    const { report } = await run({ token: T.jobNoUrl, project: 'acme/web' });
    const c = byId(report, 'project.access');
    expect(c.message).toBe(
      'acme/web does not allow job tokens from the job\'s project: "403 Forbidden - Authentication by CI/CD job token not allowed from etl to web." (the job\'s project is missing from acme/web\'s allowlist)',
    );
    expect(c.remedy).toContain("allowProjects: [..., '<full path of the job's project (CI_PROJECT_PATH)>']");
    expect(c.remedy).not.toMatch(/'etl'|'web'/);
  });

  it('job token on a project that does not exist (or the user is no member)', async () => {
    const { report } = await run({ token: T.job, project: 'acme/nope' });
    expect(byId(report, 'project.access').message).toBe(
      'acme/nope: 404 "404 Project Not Found": the project does not exist, or the job\'s user (dev) is not a member of it (older GitLab also answers 404 when acme/data/etl is missing from acme/nope\'s allowlist)',
    );
  });

  it('dead job token: project check skipped', async () => {
    const { report, requests } = await run({ token: T.finished, project: 'acme/web' });
    expect(byId(report, 'project.access')).toMatchObject({ status: 'skip', message: 'not checked against acme/web: GitLab did not accept the token' });
    expect(requests).toHaveLength(1);
  });

  it('access token with Maintainer: pass, exit 0', async () => {
    const { report, exitCode } = await run({ token: T.ops, project: 'acme/web' });
    expect(byId(report, 'project.scope').message).toBe('scope api: may read and manage the job-token scope');
    expect(byId(report, 'project.role').message).toBe('user ops is Maintainer on acme/web: may read and manage its job-token scope');
    expect(exitCode).toBe(0);
  });

  it('access token with Developer only: fail', async () => {
    const { report, exitCode } = await run({ token: T.dev, project: 'acme/web' });
    expect(byId(report, 'project.role')).toEqual({
      id: 'project.role',
      status: 'fail',
      message: 'user dev is Developer on acme/web: reading or managing the job-token scope needs Maintainer',
      remedy: 'give user dev the Maintainer role on acme/web (or on a parent group)',
    });
    expect(exitCode).toBe(1);
  });

  it('access token on a project it cannot see', async () => {
    const { report } = await run({ token: T.ops, project: 'acme/api' });
    expect(byId(report, 'project.role').message).toBe('acme/api: 404 "404 Project Not Found": the project does not exist or user ops cannot see it');
  });

  it('offline: project check skipped, exit 1', async () => {
    const { report, exitCode } = await run({ token: T.ops, url: undefined, project: 'acme/web' });
    expect(byId(report, 'project.access').message).toBe('not checked against acme/web: online checks were skipped');
    expect(exitCode).toBe(1);
  });
});

describe('diagnoseToken: no URL, bad URL, odd servers', () => {
  it('no URL: offline checks decide; a recognised, well-formed token exits 0', async () => {
    const { report, exitCode } = await run({ token: T.ops, url: undefined });
    expect(byId(report, 'gitlab.url')).toMatchObject({
      status: 'skip',
      message: "no GitLab URL (--url, GITLAB_URL or CI_SERVER_URL): online checks skipped, the result rests on the token's form alone",
    });
    expect(report.online).toBe(false);
    expect(report.valid).toBe(true);
    expect(report.verdict).toBe('By its form, this is a personal access token (glpat-****0001) (online checks skipped: no GitLab URL).');
    expect(exitCode).toBe(0);
  });

  it('no URL and an unrecognisable token: exit 1', async () => {
    const { report, exitCode } = await run({ token: T.garbage, url: undefined });
    expect(report.valid).toBe(false);
    expect(report.verdict).toBe('Not a recognisable GitLab token (online checks skipped: no GitLab URL).');
    expect(exitCode).toBe(1);
  });

  it('an invalid URL', async () => {
    const { report, exitCode } = await run({ token: T.ops, url: 'gitlab.example.com' });
    expect(byId(report, 'gitlab.url')).toMatchObject({ status: 'fail', message: 'GitLab URL "gitlab.example.com" is not a valid URL; give it as https://gitlab.example.com' });
    expect(exitCode).toBe(1);
  });

  it('no token at all', async () => {
    const { report, exitCode } = await run({ token: undefined, tokenVars: ['GITLAB_TOKEN', 'CI_JOB_TOKEN'], emptyVars: ['GITLAB_TOKEN'] });
    expect(report.checks).toEqual([
      {
        id: 'token.present',
        status: 'fail',
        message: 'no token: GITLAB_TOKEN and CI_JOB_TOKEN are not set (GITLAB_TOKEN is set but empty)',
        remedy: 'set GITLAB_TOKEN to the token, or name the variable that holds it with --token-env NAME',
      },
    ]);
    expect(exitCode).toBe(1);
  });

  it('a server answering JSON that is not GitLab\'s', async () => {
    const fake = fakeFetch(() => ({ status: 200, body: '{"hello":"world"}', headers: { 'content-type': 'application/json' } }));
    const { report, exitCode } = await diagnoseToken({ token: T.ops, url: URL_, now: NOW, fetchImpl: fake.fetchImpl, retry: NO_RETRY });
    expect(byId(report, 'gitlab.reachable')).toMatchObject({
      status: 'fail',
      message: 'https://gitlab.test is not answering like GitLab: GET /api/v4/personal_access_tokens/self gave HTTP 200 JSON without the token (scopes)',
    });
    expect(report.valid).toBe(false);
    expect(exitCode).toBe(1);
  });

  it('a server answering HTML', async () => {
    const fake = fakeFetch(() => ({ status: 200, body: '<!doctype html><html>sign in</html>', headers: { 'content-type': 'text/html' } }));
    const { report } = await diagnoseToken({ token: T.job, url: URL_, now: NOW, fetchImpl: fake.fetchImpl, retry: NO_RETRY });
    expect(byId(report, 'gitlab.reachable').message).toBe('https://gitlab.test is not answering like GitLab: GET /api/v4/job gave HTTP 200 with an HTML page');
    expect(report.verdict).toBe(
      'Could not check online: https://gitlab.test is not answering like GitLab: GET /api/v4/job gave HTTP 200 with an HTML page. By its form, this is a CI job token (glcbt-****0001).',
    );
  });

  it('a token with a character no HTTP header can carry is explained, never sent', async () => {
    const { report, exitCode, requests } = await run({ token: 'glpat-ab\u2019cdefghijklmnopqrstuvwxyz', project: 'acme/web' });
    expect(requests).toHaveLength(0);
    expect(byId(report, 'token.characters').status).toBe('fail');
    expect(byId(report, 'gitlab.probes')).toEqual({
      id: 'gitlab.probes', status: 'skip', message: 'the token was not sent to GitLab: its stray character cannot travel in an HTTP header', remedy: '',
    });
    expect(byId(report, 'project.access').message).toBe('not checked against acme/web: online checks were skipped');
    expect(report.valid).toBe(false);
    expect(exitCode).toBe(1);
  });

  it('the token never appears in any report, whatever the input', async () => {
    for (const t of Object.values(T)) {
      for (const wrap of [(x: string) => x, (x: string) => `${x}\n`, (x: string) => `Bearer ${x}`, (x: string) => `"${x}"`, (x: string) => `\u201c${x}\u201d`]) {
        const { report } = await run({ token: wrap(t), project: 'acme/web', expect: 'ci_job_token' });
        expectNoToken(report, t);
      }
    }
  });
});
