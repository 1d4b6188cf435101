import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runCli } from '../../lib/cli/main';
import { memoryIO } from '../../lib/cli/io';
import { startSandbox } from '../../lib/sandbox';
import type { Sandbox, SeedFile } from '../../lib/sandbox';
import { mismatchesFrom } from '../../lib/policies/drift-findings';
import { removeDir, synthStacks } from './helpers';

const READ = 'glpat-policies-drift-read-000001';

function seed(version = '18.6.0'): SeedFile {
  return {
    instance: { version },
    users: [{ username: 'ops' }],
    groups: [{ path: 'acme', id: 10, members: { ops: 'maintainer' } }, { path: 'acme/tools', id: 11 }],
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
  };
}

const dirs: string[] = [];
let cwd: string;
beforeAll(() => {
  cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'tokenscope-policies-drift-'));
  dirs.push(cwd);
});
afterAll(() => dirs.forEach(removeDir));

function synthInto(stacks: Parameters<typeof synthStacks>[0]): string {
  const dir = synthStacks(stacks);
  dirs.push(dir);
  return dir;
}

async function drift(sandbox: Sandbox, synthDir: string, format: string) {
  const io = memoryIO({ GITLAB_URL: sandbox.url, GITLAB_TOKEN: READ }, cwd);
  const before = sandbox.stats().mutations;
  const code = await runCli(['node', 'tokenscope', 'drift', '--synth-dir', synthDir, '--format', format, '--no-progress'], io);
  return { code, out: io.out(), err: io.err(), mutations: sandbox.stats().mutations - before };
}

const withPolicies = {
  web: [{
    project: 'acme/web',
    allowProjects: [{ target: 'acme/api', policies: ['READ_JOBS' as const] }, 'acme/plain'],
    allowGroups: [{ target: 'acme/tools', policies: ['READ_RELEASES' as const] }],
  }],
};

describe('drift: policy_mismatch', () => {
  let sandbox: Sandbox;
  beforeAll(async () => { sandbox = await startSandbox({ seed: seed(), port: 0 }); });
  afterAll(async () => { await sandbox.stop(); });

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
    expect(junit).toContain(`policy_mismatch acme/api: ${line}`);
  });

  test('stacks without policies: no policy finding and no extra request', async () => {
    const dir = synthInto({ web: [{ project: 'acme/web', allowProjects: ['acme/api', 'acme/plain'], allowGroups: ['acme/tools'] }] });
    const before = sandbox.stats().graphqlQueries;
    const r = await drift(sandbox, dir, 'json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).projects[0].findings).toEqual([]);
    // The drift read itself, without the introspection and policy read.
    const queries = sandbox.stats().graphqlQueries - before;
    const withPolicyRead = await (async () => {
      const b = sandbox.stats().graphqlQueries;
      await drift(sandbox, synthInto(withPolicies), 'json');
      return sandbox.stats().graphqlQueries - b;
    })();
    expect(withPolicyRead).toBeGreaterThan(queries);
  });
});

describe('drift: policy_mismatch on a GitLab without the feature', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    const s = seed('18.1.0');
    // An old instance has no permissions on its entries.
    s.projects![0].allowlist = { projects: ['acme/api', 'acme/plain'], groups: ['acme/tools'] };
    sandbox = await startSandbox({ seed: s, port: 0 });
  });
  afterAll(async () => { await sandbox.stop(); });

  test('entries declared with policies are mismatches against the default permissions', async () => {
    const r = await drift(sandbox, synthInto(withPolicies), 'json');
    expect(r.code).toBe(2);
    expect(JSON.parse(r.out).projects[0].findings).toEqual([
      { kind: 'policy_mismatch', target: 'acme/api', entry: 'project', declared: { defaultPermissions: false, policies: ['READ_JOBS'] }, live: { defaultPermissions: true, policies: [] } },
      { kind: 'policy_mismatch', target: 'acme/tools', entry: 'group', declared: { defaultPermissions: false, policies: ['READ_RELEASES'] }, live: { defaultPermissions: true, policies: [] } },
    ]);
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
