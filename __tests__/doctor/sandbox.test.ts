import * as fs from 'fs';
import * as path from 'path';
import { runCli } from '../../lib/cli/main';
import { memoryIO } from '../../lib/cli/io';
import { startSandbox } from '../../lib/sandbox';
import type { Sandbox } from '../../lib/sandbox';

/**
 * `tokenscope doctor` against the sandbox, with a seed holding a token of every
 * type and every failure of issue 5. Runs through the CLI, so exit codes and
 * both output formats are what a user gets.
 */
const seed = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'doctor-seed.json'), 'utf8'));
const SOON = 'glpat-doctor-expires-soon-00000013';
const inThreeDays = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
seed.tokens.push({ token: SOON, type: 'personal', user: 'ops', scopes: ['api'], name: 'soon', expiresAt: inThreeDays });

const T = {
  ops: 'glpat-doctor-ops-api-00000000000001',
  dev: 'glpat-doctor-dev-api-00000000000002',
  revoked: 'glpat-doctor-revoked-0000000000003',
  expired: 'glpat-doctor-expired-0000000000004',
  repoOnly: 'glpat-doctor-repo-only-00000000005',
  projectBot: 'glpat-doctor-web-bot-000000000006',
  groupBot: 'glpat-doctor-acme-group-bot-00007',
  oauth: '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde8',
  job: 'glcbt-64_doctorRunningEtlJob0009',
  finished: 'glcbt-64_doctorFinishedEtlJob010',
  deploy: 'gldt-doctor-deploy-token-0000011',
  custom: 'mycompany-glpat-doctor-custom-prefix-12',
  soon: SOON,
  garbage: 'definitely-not-a-gitlab-token-0014',
};

let sandbox: Sandbox;
const outputs: string[] = [];

beforeAll(async () => {
  sandbox = await startSandbox({ seed, port: 0 });
});

afterAll(async () => {
  await sandbox?.stop();
});

interface Json {
  tokenType: string;
  valid: boolean;
  verdict: string;
  checks: Array<{ id: string; status: string; message: string; remedy: string }>;
  identity: Record<string, unknown> & { username?: string; scopes?: string[] };
}

async function doctor(token: string, ...args: string[]): Promise<{ code: number; j: Json; text: string }> {
  const env = { GITLAB_TOKEN: token, GITLAB_URL: sandbox.url };
  const jsonIO = memoryIO(env);
  const code = await runCli(['node', 'tokenscope', 'doctor', '--format', 'json', ...args], jsonIO);
  const textIO = memoryIO(env);
  const textCode = await runCli(['node', 'tokenscope', 'doctor', ...args], textIO);
  outputs.push(jsonIO.out(), jsonIO.err(), textIO.out(), textIO.err());
  expect(textCode).toBe(code);
  return { code, j: JSON.parse(jsonIO.out()), text: textIO.out() };
}

function c(j: Json, id: string) {
  const found = j.checks.find((x) => x.id === id);
  if (!found) throw new Error(`no check ${id}: ${j.checks.map((x) => x.id).join(', ')}`);
  return found;
}

describe('doctor against the sandbox: every token type', () => {
  it('personal access token', async () => {
    const { code, j } = await doctor(T.ops);
    expect(j.tokenType).toBe('personal_access_token');
    expect(j.valid).toBe(true);
    expect(c(j, 'token.owner').message).toBe('this is a personal access token of user ops');
    expect(c(j, 'gitlab.version').message).toBe(`GitLab 18.6.0-ee at ${sandbox.url}`);
    expect(j.identity.scopes).toEqual(['api']);
    expect(code).toBe(0);
  });

  it('project access token (bot user)', async () => {
    const { code, j } = await doctor(T.projectBot, '--expect', 'project');
    expect(j.tokenType).toBe('project_access_token');
    expect(c(j, 'token.owner').message).toMatch(/^this is a project access token of project acme\/web \(bot user project_12_bot_\w+\)$/);
    expect(code).toBe(0);
  });

  it('group access token (bot user)', async () => {
    const { code, j } = await doctor(T.groupBot, '--expect', 'group');
    expect(j.tokenType).toBe('group_access_token');
    expect(c(j, 'token.owner').message).toMatch(/^this is a group access token of group (acme|id 10) \(bot user group_10_bot_\w+\)$/);
    expect(code).toBe(0);
  });

  it('OAuth access token', async () => {
    const { code, j } = await doctor(T.oauth, '--expect', 'oauth');
    expect(j.tokenType).toBe('oauth_access_token');
    expect(c(j, 'token.owner').message).toBe('this is an OAuth access token of user ops');
    expect(code).toBe(0);
  });

  it('live CI job token', async () => {
    const { code, j } = await doctor(T.job, '--expect', 'job');
    expect(j.tokenType).toBe('ci_job_token');
    expect(c(j, 'token.live').status).toBe('pass');
    expect(c(j, 'token.live').message).toMatch(/^live CI job token: job \d+/);
    expect(c(j, 'token.live').message).toContain('in acme/data/etl, acting as user ops');
    expect(code).toBe(0);
  });

  it('custom instance prefix', async () => {
    const { code, j } = await doctor(T.custom);
    expect(j.tokenType).toBe('personal_access_token');
    expect(c(j, 'token.type').message).toContain("type prefix glpat- follows the instance's custom prefix mycompany-");
    expect(code).toBe(0);
  });
});

describe('doctor against the sandbox: failures', () => {
  it('finished job', async () => {
    const { code, j } = await doctor(T.finished);
    expect(c(j, 'token.live').status).toBe('fail');
    expect(c(j, 'token.live').message).toMatch(/^GitLab refuses this CI job token \(GET \/api\/v4\/job: 401\): its job has finished/);
    expect(j.valid).toBe(false);
    expect(code).toBe(1);
  });

  it('revoked', async () => {
    const { code, j } = await doctor(T.revoked);
    expect(c(j, 'token.accepted').message).toBe(
      'GitLab refuses this token (GET /api/v4/personal_access_tokens/self: 401 "Token was revoked. You have to re-authorize from the user."): it was revoked',
    );
    expect(j.valid).toBe(false);
    expect(code).toBe(1);
  });

  it('expired', async () => {
    const { code, j } = await doctor(T.expired);
    expect(c(j, 'token.accepted').message).toMatch(/: it has expired$/);
    expect(code).toBe(1);
  });

  it('expiring within 7 days: warning, exit 0', async () => {
    const { code, j } = await doctor(T.soon);
    expect(c(j, 'token.expiry').status).toBe('warn');
    expect(c(j, 'token.expiry').message).toMatch(new RegExp(`^the token expires in [234] days, on ${inThreeDays}$`));
    expect(code).toBe(0);
  });

  it('missing scope', async () => {
    const { code, j } = await doctor(T.repoOnly, '--project', 'acme/web');
    expect(c(j, 'token.scopes').status).toBe('warn');
    expect(c(j, 'project.scope').message).toBe('scopes read_repository: reading the job-token scope needs read_api, managing it needs api');
    expect(code).toBe(1);
  });

  it('deploy token used on the API', async () => {
    const before = sandbox.stats().httpRequests;
    const { code, j } = await doctor(T.deploy);
    expect(sandbox.stats().httpRequests).toBe(before);
    expect(j.tokenType).toBe('deploy_token');
    expect(c(j, 'token.api').status).toBe('fail');
    expect(c(j, 'token.api').message).toContain('the REST and GraphQL API never accept them');
    expect(code).toBe(1);
  });

  it('a personal token passed off as a job token', async () => {
    const { code, j } = await doctor(T.ops, '--expect', 'job');
    expect(c(j, 'token.expected').message).toBe('you expected a CI job token, but this is a personal access token of user ops');
    expect(code).toBe(1);
  });

  it('job token outside the target allowlist (403)', async () => {
    const { code, j, text } = await doctor(T.job, '--project', 'acme/web');
    const p = c(j, 'project.access');
    expect(p.status).toBe('fail');
    expect(p.message).toBe(
      'acme/web does not allow job tokens from acme/data/etl: "403 Forbidden - Authentication by CI/CD job token not allowed from etl to web." (acme/data/etl is missing from acme/web\'s allowlist)',
    );
    expect(p.remedy).toContain("new JobTokenScope(this, '...', { project: 'acme/web', allowProjects: [..., 'acme/data/etl'] })");
    expect(text).toContain("Fix: add 'acme/data/etl' to allowProjects of the JobTokenScope for 'acme/web'");
    expect(j.verdict).toContain(' acme/web does not allow job tokens from acme/data/etl: ');
    expect(code).toBe(1);
  });

  it('job token allowed by the target', async () => {
    const { code, j } = await doctor(T.job, '--project', 'acme/api');
    expect(c(j, 'project.access')).toMatchObject({ status: 'pass', message: 'the job token of acme/data/etl may reach acme/api (GET releases: 200)' });
    expect(code).toBe(0);
  });

  it('job token with a fine-grained entry lacking the permission', async () => {
    const { j } = await doctor(T.job, '--project', 'acme/deployer');
    expect(c(j, 'project.access').message).toMatch(/^acme\/deployer allows acme\/data\/etl, but with fine-grained permissions that lack read_releases/);
    expect(c(j, 'project.access').remedy).toMatch(/^add READ_RELEASES to the job token permissions/);
  });

  it('job token on a project that does not exist', async () => {
    const { j } = await doctor(T.job, '--project', 'acme/nope');
    expect(c(j, 'project.access').message).toMatch(/^acme\/nope: 404 "404 Project Not Found": the project does not exist/);
  });

  it('access token: Maintainer passes, Developer fails', async () => {
    expect((await doctor(T.ops, '--project', 'acme/web')).code).toBe(0);
    const dev = await doctor(T.dev, '--project', 'acme/web');
    expect(c(dev.j, 'project.role').message).toBe('user dev is Developer on acme/web: reading or managing the job-token scope needs Maintainer');
    expect(dev.code).toBe(1);
  });

  it('garbage', async () => {
    const { code, j } = await doctor(T.garbage);
    expect(j.tokenType).toBe('unknown');
    expect(c(j, 'token.accepted').status).toBe('fail');
    expect(code).toBe(1);
  });

  it('whitespace pasted in: says so, and what the token would be', async () => {
    const { code, j } = await doctor(`${T.ops}\n`);
    expect(c(j, 'token.whitespace').message).toBe('the token ends with a newline (\\n); GitLab compares tokens exactly, so it would be refused as stored');
    expect(c(j, 'token.owner').message).toBe('this is a personal access token of user ops');
    expect(j.valid).toBe(false);
    expect(code).toBe(1);
  });

  it('no output of any run contains a token', () => {
    expect(outputs.length).toBeGreaterThan(40);
    const all = outputs.join('\n');
    for (const t of Object.values(T)) expect(all).not.toContain(t);
  });
});
