import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { memoryIO } from '../../lib/cli/io';
import { runCli } from '../../lib/cli/main';
import { startSandbox, Sandbox } from '../../lib/sandbox';
import demoSeed from '../../lib/sandbox/demo-seed.json';
import { NOW } from './helpers';

/**
 * The constructs now write `project` as the numeric id, so plan JSON carries
 * `"project": "201"`. Every way plan-summary names ids must still show people
 * the path: the plan's own data source, the lock file, and --resolve.
 */
const OPS_READ = 'glpat-sandbox-ops-readonly-00000000002';

function scopeChange(actions: string[], before: object | null, after: object | null) {
  return {
    address: 'gitlab_project_job_token_scopes.scope_acme_web_storefront', mode: 'managed',
    type: 'gitlab_project_job_token_scopes', name: 'scope_acme_web_storefront',
    change: { actions, before, after, after_unknown: {} },
  };
}

const UPDATE = scopeChange(['update'],
  { id: '201', project: '201', enabled: true, target_project_ids: [101, 203], target_group_ids: [] },
  { id: '201', project: '201', enabled: true, target_project_ids: [101], target_group_ids: [] });

function plan(changes: object[], dataSources: object[] = []): string {
  return JSON.stringify({
    format_version: '1.2', terraform_version: '1.11.4', resource_changes: changes,
    prior_state: { format_version: '1.0', values: { root_module: { resources: dataSources } } },
  });
}

const DATA_STOREFRONT = {
  address: 'data.gitlab_project.project_acme_web_storefront', mode: 'data', type: 'gitlab_project', name: 'project_acme_web_storefront',
  values: { id: '201', path_with_namespace: 'acme/web/storefront' },
};
const DATA_DESIGN = {
  address: 'data.gitlab_project.project_acme_web_design-system', mode: 'data', type: 'gitlab_project', name: 'project_acme_web_design-system',
  values: { id: '203', path_with_namespace: 'acme/web/design-system' },
};

describe('plan-summary names a numeric project by its path', () => {
  let dir: string;
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ now: () => NOW });
  });
  afterAll(async () => {
    await sandbox.stop();
  });
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'plan-numeric-')); });
  afterEach(() => { fs.rmSync(dir, { recursive: true, force: true }); });

  const run = async (args: string[], env: Record<string, string> = {}) => {
    const io = memoryIO(env, dir);
    const code = await runCli(['node', 'tokenscope', 'plan-summary', ...args], io);
    return { code, out: io.out(), err: io.err() };
  };

  it('from the plan\'s own gitlab_project data sources (no lock file)', async () => {
    fs.writeFileSync(path.join(dir, 'acme-web.plan.json'), plan([UPDATE], [DATA_STOREFRONT, DATA_DESIGN]));
    const r = await run(['acme-web.plan.json']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('| `acme/web/storefront` | updated | on | – | `acme/web/design-system` |');
    expect(r.out).not.toMatch(/id 201|#201/);
  });

  it('from tokenscope.lock.json in the working directory (a locked synth has no data sources)', async () => {
    fs.writeFileSync(path.join(dir, 'acme-web.plan.json'), plan([UPDATE]));
    fs.writeFileSync(path.join(dir, 'tokenscope.lock.json'), JSON.stringify({
      version: 1, projects: { 'acme/web/storefront': 201, 'acme/web/design-system': 203, 'acme/platform/deployer': 101 }, groups: {},
    }));
    const r = await run(['acme-web.plan.json', '--format', 'json']);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out);
    expect(json.stacks[0].scopes[0].project).toEqual({ path: 'acme/web/storefront', id: 201, knownAfterApply: false });
    expect(r.out).not.toMatch(/id 201|#201/);
  });

  it('with --resolve, from GitLab, when neither the plan nor a lock file names it', async () => {
    fs.writeFileSync(path.join(dir, 'acme-web.plan.json'), plan([UPDATE]));
    const r = await run(['acme-web.plan.json', '--resolve'], { GITLAB_URL: sandbox.url, GITLAB_TOKEN: OPS_READ });
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('| `acme/web/storefront` | updated | on | – | `acme/web/design-system` |');
    expect(r.out).not.toMatch(/id 201|#201/);
  });

  it('a destroyed numeric scope: the allowlist stays on and empty, said by path', async () => {
    const destroy = scopeChange(['delete'], { id: '201', project: '201', enabled: true, target_project_ids: [203], target_group_ids: [] }, null);
    fs.writeFileSync(path.join(dir, 'acme-web.plan.json'), plan([destroy], [DATA_STOREFRONT, DATA_DESIGN]));
    const r = await run(['acme-web.plan.json']);
    expect(r.out).toContain('| `acme/web/storefront` | destroyed | on → **on, empty** | – | `acme/web/design-system` |');
    expect(r.out).toContain('- acme/web/storefront: scope destroyed: every entry is removed and the allowlist stays on, so every other project\'s job token is blocked; only the project itself can reach it');
    expect(r.out).not.toContain('any project can reach');
  });

  it('the first plan after upgrading (a path in state, the id in config) reads as the upgrade, not a move', async () => {
    const replace = {
      ...scopeChange(['delete', 'create'],
        { id: 'acme/web/storefront', project: 'acme/web/storefront', enabled: true, target_project_ids: [203], target_group_ids: [] },
        { project: '201', enabled: true, target_project_ids: [203], target_group_ids: [] }),
      action_reason: 'replace_because_cannot_update',
    };
    fs.writeFileSync(path.join(dir, 'acme-web.plan.json'), plan([replace], [DATA_STOREFRONT, DATA_DESIGN]));
    const r = await run(['acme-web.plan.json']);
    expect(r.out).toContain('| `acme/web/storefront` | replaced | on | – | – |');
    expect(r.out).toContain('the same project (acme/web/storefront) now given by its numeric id');
    expect(r.out).toContain('see the README, "Upgrading: numeric project ids"');
    expect(r.out).toContain('- acme/web/storefront: scope replaced (destroyed, then created): between the two steps the allowlist is on and empty');
    expect(r.out).not.toContain('(was ');
  });
});

describe('plan-summary: limitAccess: false where the instance enforces the allowlist', () => {
  it('with GitLab at hand it warns of the permanent diff instead of flagging an open project', async () => {
    const seed = JSON.parse(JSON.stringify(demoSeed));
    seed.instance.enforceAllowlist = true;
    const sb = await startSandbox({ seed, now: () => NOW });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'plan-enforced-'));
    try {
      // acme/security/scanner (401) stores its own toggle off; the instance keeps it on, so state says enabled = true.
      const off = {
        address: 'gitlab_project_job_token_scopes.scope_acme_security_scanner', mode: 'managed', type: 'gitlab_project_job_token_scopes',
        name: 'scope_acme_security_scanner',
        change: {
          actions: ['update'], after_unknown: {},
          before: { id: '401', project: '401', enabled: true, target_project_ids: [], target_group_ids: [10] },
          after: { id: '401', project: '401', enabled: false, target_project_ids: [], target_group_ids: [10] },
        },
      };
      fs.writeFileSync(path.join(dir, 'acme-security.plan.json'), plan([off]));
      fs.writeFileSync(path.join(dir, 'tokenscope.lock.json'), JSON.stringify({ version: 1, projects: { 'acme/security/scanner': 401 }, groups: { acme: 10 } }));
      const run = async (args: string[]) => {
        const io = memoryIO({ GITLAB_URL: sb.url, GITLAB_TOKEN: OPS_READ }, dir);
        const code = await runCli(['node', 'tokenscope', 'plan-summary', 'acme-security.plan.json', ...args], io);
        return { code, out: io.out(), err: io.err() };
      };
      const offline = await run([]);
      expect(offline.out).toContain('- acme/security/scanner: turns the allowlist off: job tokens of any project can reach it');
      const online = await run(['--resolve']);
      expect(online.code).toBe(0);
      const warning = 'acme/security/scanner: the instance enforces the allowlist, so limitAccess: false cannot take effect: the provider reads ' +
        'enabled = true back and Terraform plans this change on every run (a permanent diff); declare limitAccess: true';
      expect(online.out).toContain(`#### Warnings\n\n- ${warning}`);
      expect(online.err).toContain(`tokenscope plan-summary: warning: ${warning}\n`);
      expect(online.out).not.toContain('turns the allowlist off');
      expect(online.out).toContain('No risks found.');
    } finally {
      await sb.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
