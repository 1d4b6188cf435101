import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildProgram } from '../../lib/cli/main';
import { memoryIO } from '../../lib/cli/io';
import { CommanderError } from 'commander';
import { createPlanSummaryCommand } from '../../lib/cli/commands/plan-summary';
import { FakeGitLab, startFakeGitLab } from './fake-gitlab';
import { FIXTURES, NOW } from './helpers';

const TOKEN = 'glpat-plansummarytesttoken0000001';

async function run(args: string[], env: Record<string, string | undefined> = {}, cwd = FIXTURES) {
  const io = memoryIO(env, cwd);
  const state = { exitCode: 0 };
  const program = buildProgram(io, state, [createPlanSummaryCommand({ now: () => NOW, sleep: async () => undefined })]);
  let code: number;
  try {
    await program.parseAsync(['node', 'tokenscope', 'plan-summary', ...args]);
    code = state.exitCode;
  } catch (e) {
    if (!(e instanceof CommanderError)) throw e;
    code = e.code === 'commander.helpDisplayed' ? 0 : 1;
  }
  return { code, out: io.out(), err: io.err() };
}

let tmp: string;
beforeEach(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'plan-summary-')); });
afterEach(() => { fs.rmSync(tmp, { recursive: true, force: true }); });

describe('tokenscope plan-summary: input errors (exit 1)', () => {
  it('not JSON', async () => {
    const r = await run(['not-json.txt']);
    expect(r.code).toBe(1);
    expect(r.err).toBe("tokenscope plan-summary: not-json.txt: not JSON (Unexpected token 'T')\n");
    expect(r.out).toBe('');
  });

  it('JSON that is not a plan', async () => {
    const r = await run(['state.json']);
    expect(r.code).toBe(1);
    expect(r.err).toBe('tokenscope plan-summary: state.json: not a Terraform plan (no format_version/resource_changes); produce it with terraform show -json PLANFILE\n');
  });

  it('a missing file', async () => {
    const r = await run(['acme.plan.json', 'missing.json']);
    expect(r.code).toBe(1);
    expect(r.err).toBe('tokenscope plan-summary: missing.json: cannot read (no such file)\n');
  });

  it('a missing --lock file', async () => {
    const r = await run(['acme.plan.json', '--lock', 'nope.lock.json']);
    expect(r.code).toBe(1);
    expect(r.err).toBe('tokenscope plan-summary: lock file nope.lock.json does not exist; run `tokenscope resolve` to create it, or drop the lock file setting\n');
  });

  it('an unknown --format is a usage error', async () => {
    const r = await run(['acme.plan.json', '--format', 'html']);
    expect(r.code).toBe(1);
    expect(r.err).toContain("argument 'html' is invalid. Allowed choices are markdown, json.");
  });

  it('--resolve without a token says what token is needed (the shared preflight words)', async () => {
    const r = await run(['acme.plan.json', '--resolve'], { GITLAB_URL: 'http://127.0.0.1:9' });
    expect(r.code).toBe(1);
    expect(r.err).toBe('tokenscope plan-summary --resolve needs a personal, project or group access token with read_api (or api) and at least Guest on the projects and groups: set GITLAB_TOKEN to one (or name its variable with --token-env NAME)\n');
  });

  it('--auth-log with a CI job token is refused before any request, token masked', async () => {
    const job = 'glcbt-64_plansummaryjobtoken0001';
    const r = await run(['acme.plan.json', '--auth-log'], { GITLAB_URL: 'http://127.0.0.1:9', GITLAB_TOKEN: job });
    expect(r.code).toBe(1);
    expect(r.err).toBe('tokenscope plan-summary --auth-log needs a personal, project or group access token with read_api (or api) and the Maintainer role on the projects; GITLAB_TOKEN holds a CI job token (glcbt-****0001): CI_JOB_TOKEN cannot read job-token settings over GraphQL\n');
  });

  it('a file holding a token instead of a plan: the parse error shows no piece of it', async () => {
    // JSON.parse quotes about ten characters of the text it cannot read.
    fs.writeFileSync(path.join(tmp, 'token.txt'), TOKEN);
    const r = await run(['token.txt'], { GITLAB_TOKEN: TOKEN }, tmp);
    expect(r.code).toBe(1);
    expect(r.err).toBe("tokenscope plan-summary: token.txt: not JSON (Unexpected token 'g')\n");
  });

  it('--post-mr-note outside a merge request pipeline names the missing variables', async () => {
    const r = await run(['no-scopes.plan.json', '--post-mr-note'], { GITLAB_TOKEN: TOKEN });
    expect(r.code).toBe(1);
    expect(r.err).toBe('tokenscope plan-summary: --post-mr-note needs CI_API_V4_URL, CI_PROJECT_ID, CI_MERGE_REQUEST_IID (GitLab sets them in merge request pipelines)\n');
  });
});

describe('tokenscope plan-summary: output', () => {
  it('prints Markdown by default, exit 0, with the lock file from the working directory', async () => {
    fs.copyFileSync(path.join(FIXTURES, 'lock.json'), path.join(tmp, 'tokenscope.lock.json'));
    const r = await run([path.join(FIXTURES, 'acme.plan.json')], {}, tmp);
    expect(r.code).toBe(0);
    expect(r.out).toContain('`acme/ops/alerts`<br>project id `999`');
  });

  it('without a lock file ids stay ids', async () => {
    const r = await run([path.join(FIXTURES, 'acme.plan.json')], {}, tmp);
    expect(r.out).toContain('project id `303`<br>project id `999`');
  });

  it('a plan with no job-token resources is a summary, not an error', async () => {
    const r = await run(['no-scopes.plan.json', 'empty.plan.json']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('**No job-token scope changes in 2 stacks (0 scopes unchanged).**');
  });

  it('--format json --output FILE --gitlab-report FILE', async () => {
    const out = path.join(tmp, 'summary.json');
    const report = path.join(tmp, 'reports', 'tfplan.json');
    const r = await run(['acme.plan.json', 'stacks/platform/plan.json', '--lock', 'lock.json', '--format', 'json', '--output', out, '--gitlab-report', report]);
    expect(r.code).toBe(0);
    expect(r.out).toBe('');
    const json = JSON.parse(fs.readFileSync(out, 'utf8'));
    expect(json.summary.scopesChanged).toBe(9);
    expect(fs.readFileSync(report, 'utf8')).toBe('{"create":5,"update":6,"delete":4}\n');
  });

  it('--fail-on-risk exits 3 when there are risks, 0 when there are none', async () => {
    expect((await run(['acme.plan.json', '--fail-on-risk'])).code).toBe(3);
    expect((await run(['no-scopes.plan.json', '--fail-on-risk'])).code).toBe(0);
  });

  it('--help shows the help page', async () => {
    const io = memoryIO();
    const program = buildProgram(io, { exitCode: 0 }, [createPlanSummaryCommand()]);
    await expect(program.parseAsync(['node', 'tokenscope', 'plan-summary', '--help'])).rejects.toBeInstanceOf(CommanderError);
    expect(io.out()).toContain('--gitlab-report <file>');
    expect(io.out()).toContain('Exit codes');
  });
});

describe('tokenscope plan-summary against GitLab (fake server)', () => {
  let gl: FakeGitLab;
  beforeAll(async () => {
    gl = await startFakeGitLab({
      token: TOKEN,
      projects: { 301: 'acme/data/loader', 302: 'acme/ops/metrics', 303: 'acme/ops/alerts', 104: 'acme/platform/tools/lint' },
      groups: { 13: 'acme/web', 14: 'acme/data' },
      authLogs: {
        'acme/platform/tools/release-cli': [
          { origin: 'acme/ops/metrics', lastAuthorizedAt: '2026-11-22T08:14:00Z' },
          { origin: 'acme/data/etl', lastAuthorizedAt: '2026-11-23T08:14:00Z' },
          { origin: 'acme/web/storefront', lastAuthorizedAt: '2026-11-24T06:14:00Z' },
        ],
        'acme/platform/deployer': [{ origin: 'acme/web/storefront', lastAuthorizedAt: '2026-11-22T08:14:00Z' }],
      },
      authLogDenied: ['acme/web'],
    });
  });
  afterAll(async () => { await gl.stop(); });

  it('--resolve names ids over GraphQL projects(ids:) and groups(ids:); an id GitLab does not know stays an id', async () => {
    gl.requests.length = 0;
    const r = await run(['acme.plan.json', 'stacks/platform/plan.json', '--resolve', '--format', 'json'], { GITLAB_URL: gl.url, GITLAB_TOKEN: TOKEN });
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out);
    const releaseCli = json.stacks[0].scopes.find((s: { address: string }) => s.address.endsWith('release_cli'));
    expect(releaseCli.projects.added).toEqual([
      { id: 303, path: 'acme/ops/alerts', source: 'gitlab', knownAfterApply: false },
      { id: 999, path: null, source: null, knownAfterApply: false },
    ]);
    expect(releaseCli.groups.removed).toEqual([{ id: 13, path: 'acme/web', source: 'gitlab', knownAfterApply: false }]);
    expect(json.stacks[1].scopes[0].project).toEqual({ path: 'acme/platform/tools/lint', id: 104, knownAfterApply: false });
    // One HTTP request names the ids: the shared lookup multiplexes projects(ids:) and groups(ids:).
    // One more reads acme/legacy, which the plan turns off: does the instance enforce the allowlist there?
    const gql = gl.requests.filter((q) => q.path === '/api/graphql');
    expect(gl.requests.map((q) => q.path)).toEqual(['/api/graphql', '/api/graphql']);
    expect(JSON.stringify(gql[1].body)).toContain('acme/legacy');
    const ops = ([] as Array<{ variables: { ids: string[] } }>).concat(gql[0].body as never);
    expect(ops.map((o) => [...o.variables.ids].sort())).toEqual([
      ['gid://gitlab/Project/104', 'gid://gitlab/Project/301', 'gid://gitlab/Project/302', 'gid://gitlab/Project/303', 'gid://gitlab/Project/999'],
      ['gid://gitlab/Group/13', 'gid://gitlab/Group/14'],
    ]);
    expect(json.warnings).toEqual([
      'GitLab did not name project 999 (deleted, or not visible to the token); shown as ids',
      'could not read whether the instance enforces the allowlist of acme/legacy: GitLab has no project acme/legacy, or the token cannot see it',
    ]);
    expect(r.err).toContain('warning: GitLab did not name project 999');
  });

  it('--auth-log flags origins the plan blocks, with their age, and reports logs it cannot read', async () => {
    const r = await run(['acme.plan.json', '--lock', 'lock.json', '--auth-log', '--fail-on-risk'], { GITLAB_URL: gl.url, GITLAB_TOKEN: TOKEN });
    // Risks found, but acme/web's log was not read: not every risk was checked, and that fails first (1, not 3).
    expect(r.code).toBe(1);
    expect(r.out).toContain('Not every risk could be checked (see "Not checked").');
    expect(r.err).toContain('tokenscope plan-summary: not checked: auth log of acme/web unreadable: ');
    expect(r.out).toContain('- acme/platform/deployer: will block acme/web/storefront, last used 2 days ago (allowlist turned on)');
    // 999 is unresolved, so the new list of release-cli cannot be fully judged: "may".
    expect(r.out).toContain('- acme/platform/tools/release-cli: may block acme/ops/metrics, last used 2 days ago (project entry acme/ops/metrics removed)');
    expect(r.out).toContain('- acme/platform/tools/release-cli: may block acme/web/storefront, last used 2 hours ago (group entry acme/web removed)');
    expect(r.out).not.toContain('block acme/data/etl');
    expect(r.out).toContain('- auth log of acme/web unreadable: the token may not read the job-token settings of acme/web; it needs the Maintainer role on the project');
  });

  it('never prints the token, even in GitLab error text', async () => {
    const r = await run(['acme.plan.json', '--resolve'], { GITLAB_URL: gl.url, GITLAB_TOKEN: 'glpat-wrongwrongwrongwrong0001' });
    expect(r.code).toBe(0);
    expect(r.out + r.err).not.toContain('glpat-wrongwrongwrongwrong0001');
    expect(r.err).toContain('warning: could not resolve');
  });
});

describe('tokenscope plan-summary: no output path carries the token', () => {
  /**
   * A hostile "GitLab" that puts the token it was sent into every answer: names,
   * user names, note bodies, error texts. Whatever plan-summary writes must
   * still show it masked, and it must only ever travel to the configured origin.
   */
  function echoingGitLab(failNote: boolean) {
    const sent: Array<{ url: string; body: string }> = [];
    const fetchImpl: typeof fetch = async (input, init) => {
      const url = new URL(String(input));
      const headers = (init?.headers ?? {}) as Record<string, string>;
      const token = headers['PRIVATE-TOKEN'] ?? headers.Authorization?.replace(/^Bearer /, '') ?? headers['JOB-TOKEN'] ?? '';
      sent.push({ url: url.toString(), body: typeof init?.body === 'string' ? init.body : '' });
      const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
      if (url.pathname === '/api/graphql') return json(200, { data: { projects: { nodes: [{ id: 'gid://gitlab/Project/999', fullPath: token }] } }, errors: [{ message: `echo ${token}` }] });
      if (url.pathname.startsWith('/api/v4/groups/')) return json(200, { id: 13, full_path: token });
      if (url.pathname === '/api/v4/user') return json(200, { id: 7, username: token });
      if (url.pathname.endsWith('/notes') && init?.method === 'GET') return json(200, [{ id: 5, body: `<!-- tokenscope:plan-summary -->${token}`, author: { id: 7 } }]);
      if (failNote) return json(400, { message: `cannot save note for ${token}` });
      return json(200, { id: 5, body: token });
    };
    return { sent, fetchImpl };
  }

  async function runEchoing(args: string[], failNote: boolean) {
    const gl = echoingGitLab(failNote);
    const io = memoryIO({
      GITLAB_TOKEN: TOKEN, GITLAB_URL: 'https://gitlab.test', CI_API_V4_URL: 'https://gitlab.test/api/v4', CI_PROJECT_ID: '42', CI_MERGE_REQUEST_IID: '1',
    }, FIXTURES);
    const state = { exitCode: 0 };
    await buildProgram(io, state, [createPlanSummaryCommand({ now: () => NOW, sleep: async () => undefined, fetchImpl: gl.fetchImpl })])
      .parseAsync(['node', 'tokenscope', 'plan-summary', ...args]);
    return { code: state.exitCode, out: io.out(), err: io.err(), sent: gl.sent };
  }

  it.each([
    ['markdown', false, 0],
    ['json', false, 0],
    ['markdown', true, 1],
  ])('--format %s, note update failing: %s', async (format, failNote, code) => {
    const output = path.join(tmp, 'summary.out');
    const report = path.join(tmp, 'report.json');
    const r = await runEchoing(['acme.plan.json', 'stacks/platform/plan.json', '--resolve', '--auth-log', '--post-mr-note',
      '--format', format, '--output', output, '--gitlab-report', report], failNote);
    expect(r.code).toBe(code);
    const written = [r.out, r.err, fs.readFileSync(output, 'utf8'), fs.readFileSync(report, 'utf8')];
    // Everything sent other than the token header (note bodies, GraphQL variables) counts as output too.
    const bodies = r.sent.map((s) => s.body);
    for (const text of [...written, ...bodies]) expect(text).not.toContain(TOKEN);
    // The echoed names did reach the output, masked: proof the paths were taken.
    // (in Markdown the described form's asterisks are escaped, so that they are not read as emphasis)
    const shown = /glpat-(\\*\*){4}0001/;
    expect(fs.readFileSync(output, 'utf8')).toMatch(shown);
    expect(bodies.some((b) => shown.test(b))).toBe(true);
    if (failNote) expect(r.err).toContain('could not update merge request note 5: HTTP 400 cannot save note for glpat-****0001');
    expect(new Set(r.sent.map((s) => new URL(s.url).origin))).toEqual(new Set(['https://gitlab.test']));
  });
});
