import * as path from 'path';
import type { Sandbox } from '../../lib/sandbox';
import { acmeSeed, runTokenscope, sandboxEnv, tempDirs, useSandbox } from './helpers';

const PLAN = path.join(__dirname, '..', 'plan', 'fixtures', 'empty.plan.json');
const READ = 'glpat-policies-plan-read-0000001';

const tmp = tempDirs('tokenscope-policies-plan-');
let synthDir: string;
beforeAll(() => {
  synthDir = tmp.synth({
    web: [{
      project: 'acme/web',
      allowProjects: [{ target: 'acme/api', policies: ['READ_JOBS'] }, 'acme/plain', { target: 'acme/new', policies: ['READ_PACKAGES'] }],
    }],
  });
});

function planSummary(args: string[], sandbox?: Sandbox) {
  return runTokenscope(['plan-summary', PLAN, ...args], { cwd: tmp.cwd(), env: sandbox ? sandboxEnv(sandbox, READ) : {}, sandbox });
}

describe('plan-summary --synth-dir: permissions next to membership changes', () => {
  test('offline: the declared permissions, and where to compare them', async () => {
    const r = await planSummary(['--synth-dir', synthDir]);
    expect(r.code).toBe(0);
    expect(r.out).toContain(
      '#### Job-token permissions\n\nDeclared fine-grained permissions:\n\n| Project | Entry | Declared |\n|---|---|---|\n' +
        '| `acme/web` | project `acme/api` | READ_JOBS |\n| `acme/web` | project `acme/new` | READ_PACKAGES |\n\n' +
        '- policies: not compared with GitLab (use --resolve); see tokenscope policies apply\n',
    );
    const json = JSON.parse((await planSummary(['--synth-dir', synthDir, '--format', 'json'])).out);
    expect(json.policies).toEqual({
      mode: 'declared',
      entries: [
        { project: 'acme/web', kind: 'project', target: 'acme/api', declared: { defaultPermissions: false, policies: ['READ_JOBS'] } },
        { project: 'acme/web', kind: 'project', target: 'acme/new', declared: { defaultPermissions: false, policies: ['READ_PACKAGES'] } },
      ],
      notes: ['not compared with GitLab (use --resolve); see tokenscope policies apply'],
    });
  });

  test('without --synth-dir the summary is unchanged', async () => {
    expect((await planSummary([])).out).not.toContain('Job-token permissions');
  });

  describe('with --resolve against GitLab', () => {
    const sandboxOf = useSandbox(acmeSeed({
      projects: [
        { path: 'acme/web', id: 100, allowlist: { projects: ['acme/api', { path: 'acme/plain', defaultPermissions: false, jobTokenPolicies: ['READ_JOBS'] }] } },
        { path: 'acme/api', id: 101 }, { path: 'acme/plain', id: 102 }, { path: 'acme/new', id: 103 },
      ],
      tokens: [{ token: READ, type: 'personal', user: 'ops', scopes: ['read_api'] }],
    }));

    test('shows what policies apply will change, read-only', async () => {
      const r = await planSummary(['--synth-dir', synthDir, '--resolve'], sandboxOf());
      expect(r.code).toBe(0);
      expect(r.mutations).toBe(0);
      expect(r.out).toContain(
        'Set by `tokenscope policies apply` after this plan is applied:\n\n| Project | Entry | GitLab now | Declared |\n|---|---|---|---|\n' +
          '| `acme/web` | project `acme/api` | default permissions | READ_JOBS |\n' +
          '| `acme/web` | project `acme/plain` | READ_JOBS | default permissions |\n' +
          '| `acme/web` | project `acme/new` | not on the allowlist yet | READ_PACKAGES |\n',
      );
    });
  });
});
