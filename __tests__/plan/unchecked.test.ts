import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CommanderError } from 'commander';
import { buildProgram } from '../../lib/cli/main';
import { memoryIO } from '../../lib/cli/io';
import { createPlanSummaryCommand } from '../../lib/cli/commands/plan-summary';
import { NOW } from './helpers';

const TOKEN = 'glpat-plansummarytesttoken0000001';

/** An update of acme/web that removes project 5 (named by the lock): a change worth reading the auth log for, and no other risk. */
function planWith(change: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    format_version: '1.2', terraform_version: '1.11.4', errored: false, planned_values: {},
    resource_changes: [{
      address: 'gitlab_project_job_token_scopes.scope_acme_web', mode: 'managed', type: 'gitlab_project_job_token_scopes', name: 'scope_acme_web',
      change: {
        actions: ['update'],
        before: { enabled: true, project: 'acme/web', target_project_ids: [5, 6], target_group_ids: [] },
        after: { enabled: true, project: 'acme/web', target_project_ids: [6], target_group_ids: [] },
        after_unknown: {},
        ...change,
      },
    }],
    ...extra,
  };
}

let tmp: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'plan-unchecked-'));
  fs.writeFileSync(path.join(tmp, 'tokenscope.lock.json'), JSON.stringify({ version: 1, projects: { 'acme/web': 4, 'acme/old': 5, 'acme/kept': 6 }, groups: {} }));
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

async function run(args: string[], plan: unknown, fetchImpl?: typeof fetch) {
  fs.writeFileSync(path.join(tmp, 'plan.json'), JSON.stringify(plan));
  const io = memoryIO({ GITLAB_URL: 'https://gitlab.example.com', GITLAB_TOKEN: TOKEN }, tmp);
  const state = { exitCode: 0 };
  const program = buildProgram(io, state, [createPlanSummaryCommand({ now: () => NOW, sleep: async () => undefined, fetchImpl })]);
  try {
    await program.parseAsync(['node', 'tokenscope', 'plan-summary', 'plan.json', ...args]);
  } catch (e) {
    if (!(e instanceof CommanderError)) throw e;
    state.exitCode = 1;
  }
  return { code: state.exitCode, out: io.out(), err: io.err() };
}

const answer = (status: number, body: unknown): Response => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('plan-summary --auth-log: an unread log is never "no risks"', () => {
  it.each([
    ['GitLab answers 500', () => answer(500, { message: '500 Internal Server Error' })],
    ['GitLab refuses the token', () => answer(401, { errors: [{ message: 'Invalid token' }] })],
  ])('%s: exit 1 with --fail-on-risk, saying what was not checked', async (_what, reply) => {
    const r = await run(['--auth-log', '--fail-on-risk'], planWith({}), async () => reply());
    expect(r.code).toBe(1);
    expect(r.out).not.toContain('No risks found.');
    expect(r.out).toContain('1 stack: 1 job-token scope changes (1 updated); 0 entries added, 1 removed. Not every risk could be checked (see "Not checked").');
    expect(r.out).toMatch(/#### :x: Not checked \(1\)\n\n- auth log of acme\/web unreadable: /);
    expect(r.err).toMatch(/^tokenscope plan-summary: not checked: auth log of acme\/web unreadable: .+\n$/);
  });

  it('no answer at all (connection failing, every retry): the same', async () => {
    const r = await run(['--auth-log', '--fail-on-risk'], planWith({}), async () => { throw new TypeError('fetch failed'); });
    expect(r.code).toBe(1);
    expect(r.out).not.toContain('No risks found.');
    expect(r.err).toBe('tokenscope plan-summary: not checked: auth log of acme/web unreadable: POST https://gitlab.example.com/api/graphql: connection to gitlab.example.com failed (fetch failed)\n');
  });

  it('a server that never answers: stopped at --timeout, exit 1, never "No risks found."', async () => {
    const hang: typeof fetch = (_u, init) => new Promise((_resolve, reject) => {
      init?.signal?.addEventListener('abort', () => reject(new DOMException('This operation was aborted', 'AbortError')));
    });
    const r = await run(['--auth-log', '--fail-on-risk', '--timeout', '1'], planWith({}), hang);
    expect(r.code).toBe(1);
    expect(r.out).not.toContain('No risks found.');
    expect(r.err).toBe(
      'tokenscope plan-summary: not checked: auth log of acme/web unreadable: not read: POST https://gitlab.example.com/api/graphql: ' +
        'no complete answer when the --timeout of 1 s was reached\n' +
        'tokenscope plan-summary: stopped: the --timeout of 1 s was reached; what was not read is in the lines above; give it more time with --timeout SECONDS\n',
    );
  });

  it('without --fail-on-risk the summary still says what was not checked, exit 0', async () => {
    const r = await run(['--auth-log', '--format', 'json'], planWith({}), async () => answer(500, { message: 'boom' }));
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out);
    expect(json.risks).toEqual([]);
    expect(json.notChecked).toEqual([expect.stringMatching(/^auth log of acme\/web unreadable: /)]);
  });

  it('a read log with nothing blocked is "No risks found.", exit 0', async () => {
    const fetchImpl: typeof fetch = async (_u, init) => {
      const ops = ([] as Array<{ query: string }>).concat(JSON.parse(String(init?.body)));
      return answer(200, ops.map(() => ({ data: { projects: { nodes: [{
        id: 'gid://gitlab/Project/4', fullPath: 'acme/web', ciCdSettings: { inboundJobTokenScopeEnabled: true },
        ciJobTokenScope: { inboundAllowlist: { count: 0, nodes: [], pageInfo: { hasNextPage: false } }, groupsAllowlist: { count: 0, nodes: [], pageInfo: { hasNextPage: false } } },
        ciJobTokenAuthLogs: { count: 0, nodes: [], pageInfo: { hasNextPage: false } },
      }], pageInfo: { hasNextPage: false } } } })));
    };
    const r = await run(['--auth-log', '--fail-on-risk'], planWith({}), fetchImpl);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('0 entries added, 1 removed. No risks found.');
  });
});

describe('plan-summary refuses plans it cannot review', () => {
  const where = 'tokenscope plan-summary: plan.json: resource_changes[0] (gitlab_project_job_token_scopes.scope_acme_web): ';
  const tail = '; produce the file with terraform show -json PLANFILE\n';

  it('an errored plan', async () => {
    const r = await run([], planWith({}, { errored: true }));
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toBe(
      'tokenscope plan-summary: plan.json: Terraform marks this plan as errored (planning stopped part way, so the plan is incomplete); ' +
        'fix the errors terraform plan printed and plan again\n',
    );
  });

  it.each([
    ['change.after a string', { after: 'acme/web' }, 'change.after is a string ("acme/web"), not an object of the resource\'s attributes'],
    ['change.after a list', { after: [] }, 'change.after is a list, not an object of the resource\'s attributes'],
    ['change.after null for an update', { after: null }, 'change.after is null, but the actions (update) need the resource\'s values'],
    ['a string where the provider has a set', { after: { enabled: true, project: 'acme/web', target_project_ids: '6', target_group_ids: [] } },
      'change.after.target_project_ids is "6", not a list of ids (the provider\'s set of numbers)'],
    ['a set of names', { before: { enabled: true, project: 'acme/web', target_project_ids: ['acme/old'], target_group_ids: [] } },
      'change.before.target_project_ids[0] is "acme/old", not a project or group id'],
    ['enabled as a string', { after: { enabled: 'yes', project: 'acme/web', target_project_ids: [6], target_group_ids: [] } },
      'change.after.enabled is "yes", not a boolean'],
  ])('%s', async (_what, change, problem) => {
    const r = await run([], planWith(change));
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toBe(where + problem + tail);
  });

  it('ids known only after apply may be absent', async () => {
    const r = await run([], planWith({ after: { enabled: true, project: 'acme/web', target_project_ids: [6, null], target_group_ids: null }, after_unknown: { target_project_ids: [false, true], target_group_ids: true } }));
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
  });
});
