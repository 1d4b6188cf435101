import * as fs from 'fs';
import * as path from 'path';
import { buildProgram } from '../../lib/cli/main';
import { memoryIO } from '../../lib/cli/io';
import { createPlanSummaryCommand } from '../../lib/cli/commands/plan-summary';
import { Sandbox, startSandbox } from '../../lib/sandbox';
import type { SeedFile } from '../../lib/sandbox';
import { FIXTURES, NOW } from './helpers';

/** The demo org plus one merge request on the ops project, and the ops user's api token. */
const OPS_TOKEN = 'glpat-sandbox-ops-maintainer-0000000001';
const seed = (): SeedFile => {
  const demo = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'lib', 'sandbox', 'demo-seed.json'), 'utf8')) as SeedFile;
  return { ...demo, mergeRequests: [{ project: 'acme/platform/deployer', iid: 1 }] };
};

describe('plan-summary against the sandbox', () => {
  let sb: Sandbox;
  beforeAll(async () => { sb = await startSandbox({ seed: seed(), port: 0 }); });
  afterAll(async () => { await sb.stop(); });

  async function run(args: string[], env: Record<string, string>) {
    const io = memoryIO(env, FIXTURES);
    const state = { exitCode: 0 };
    await buildProgram(io, state, [createPlanSummaryCommand({ now: () => NOW })])
      .parseAsync(['node', 'tokenscope', 'plan-summary', ...args]);
    return { code: state.exitCode, out: io.out(), err: io.err() };
  }

  const mrEnv = () => ({ CI_API_V4_URL: `${sb.url}/api/v4`, CI_PROJECT_ID: '101', CI_MERGE_REQUEST_IID: '1', GITLAB_TOKEN: OPS_TOKEN });

  it('creates the note, then updates the same note on the next run: never a duplicate', async () => {
    const first = await run(['no-scopes.plan.json', '--post-mr-note'], mrEnv());
    expect(first.err).toMatch(/^tokenscope plan-summary: created note (\d+) on merge request !1\n$/);
    const noteId = /created note (\d+)/.exec(first.err)![1];

    const second = await run(['acme.plan.json', '--lock', 'lock.json', '--post-mr-note'], mrEnv());
    expect(second.code).toBe(0);
    expect(second.err).toBe(`tokenscope plan-summary: updated note ${noteId} on merge request !1\n`);

    const third = await run(['acme.plan.json', '--lock', 'lock.json', '--post-mr-note'], { ...mrEnv(), CI_PROJECT_ID: 'acme/platform/deployer' });
    expect(third.err).toBe(`tokenscope plan-summary: updated note ${noteId} on merge request !1\n`);

    const res = await fetch(`${sb.url}/api/v4/projects/101/merge_requests/1/notes?per_page=100`, { headers: { Authorization: `Bearer ${OPS_TOKEN}` } });
    const notes = (await res.json()) as Array<{ id: number; body: string }>;
    const ours = notes.filter((n) => n.body.startsWith('<!-- tokenscope:plan-summary -->'));
    expect(ours).toHaveLength(1);
    expect(String(ours[0].id)).toBe(noteId);
    expect(ours[0].body).toContain('acme/platform/tools/release-cli');
  });

  it('a read_api token cannot post: the error says what the token needs', async () => {
    const r = await run(['no-scopes.plan.json', '--post-mr-note'], { ...mrEnv(), GITLAB_TOKEN: 'glpat-sandbox-ops-readonly-00000000002' });
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^tokenscope plan-summary: could not update merge request note \d+: HTTP 403 The request requires higher privileges than provided by the access token\.; the token needs the api scope and access to comment on the merge request\n$/);
    expect(r.err).not.toContain('glpat-sandbox-ops-readonly-00000000002');
  });

  it('--auth-log reads the sandbox\'s authentication log and sends no mutation', async () => {
    const before = sb.stats().mutations;
    const r = await run(['acme.plan.json', '--lock', 'lock.json', '--auth-log'], { GITLAB_URL: sb.url, GITLAB_TOKEN: OPS_TOKEN });
    expect(r.code).toBe(0);
    // release-cli drops group acme/web; its log shows acme/web/storefront two days ago. 999 is unresolved, hence "may".
    expect(r.out).toContain('- acme/platform/tools/release-cli: may block acme/web/storefront, last used 2 days ago (group entry acme/web removed)');
    // acme/data/etl stays allowed through group acme/data.
    expect(r.out).not.toContain('block acme/data/etl');
    expect(sb.stats().mutations).toBe(before);
  });
});
