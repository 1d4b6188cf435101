import { execFile, execFileSync } from 'child_process';
import * as path from 'path';
import type { Sandbox } from '../../lib/sandbox';
import { startTestSandbox, TOK } from './helpers';

const PYTHON = '/usr/bin/python3';

function pythonGitlabAvailable(): boolean {
  try {
    execFileSync(PYTHON, ['-c', 'import gitlab'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const available = pythonGitlabAvailable();
// In CI the client must be there (`.ci/run` installs python3-gitlab): a missing client fails, never skips.
const runOrSkip = available || process.env.CI ? describe : describe.skip;

runOrSkip('conformance: python-gitlab 3.12 (Debian) against the sandbox', () => {
  let sb: Sandbox;
  beforeAll(async () => { sb = await startTestSandbox(); });
  afterAll(async () => { await sb.stop(); });

  it('has python-gitlab installed for /usr/bin/python3', () => {
    expect(available).toBe(true);
  });

  it('round-trips the job-token scope through python-gitlab\'s HTTP layer', async () => {
    const script = path.join(__dirname, 'conformance', 'python_gitlab_roundtrip.py');
    const group = sb.state.groupByPath('acme/tools')!.id;
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(PYTHON, [script, sb.url, TOK.ops, 'glpat-not-a-real-token-000000000', 'acme/big', '15', String(group)],
        { timeout: 30_000 }, (err, out, errOut) => (err ? reject(new Error(`${err.message}\n${errOut}`)) : resolve(out)));
    });
    const r = JSON.parse(stdout);
    expect(r.user).toBe('ops');
    expect(r.project).toEqual({ id: 18, path_with_namespace: 'acme/big' });
    expect(r.scope_before).toEqual({ inbound_enabled: true, outbound_enabled: false });
    expect(r.patch_status).toBe(204);
    expect(r.scope_after_disable).toEqual({ inbound_enabled: false, outbound_enabled: false });
    expect(r.scope_after_enable).toEqual({ inbound_enabled: true, outbound_enabled: false });
    expect(r.allowlist_first_page).toBe(20);
    expect(r.allowlist_all).toHaveLength(26);
    expect(r.allowlist_all[0]).toBe('acme/big');
    expect(new Set(r.allowlist_all).size).toBe(26);
    expect(r.groups_all).toHaveLength(22);
    expect(r.added_project).toEqual({ source_project_id: 18, target_project_id: 15 });
    expect(r.added_group).toEqual({ source_project_id: 18, target_group_id: group });
    expect(r.duplicate_error).toEqual({ code: 400, message: '400 Bad request - This project is already in the job token allowlist.' });
    expect(r.count_after_add).toBe(27);
    expect(r.groups_after_add).toBe(23);
    expect(r.delete_project_status).toBe(204);
    expect(r.delete_group_status).toBe(204);
    expect(r.count_after_delete).toBe(26);
    expect(r.groups_after_delete).toBe(22);
    expect(r.bad_token).toEqual({ code: 401, message: '401 Unauthorized' });
  });
});
