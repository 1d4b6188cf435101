/**
 * Two concurrent applies of one tokenscope stack (main.ts's acme-web) with
 * GitLab-managed state on the sandbox, both through one provider stand-in: the
 * second waits on the lock (`-lock-timeout`) and then applies on top of the
 * first, or, without it, fails on the 409 naming the holder. The race is
 * arranged, not timed: the stand-in's first allowlist write is held until the
 * sandbox has answered the second Terraform's lock request.
 * (__tests__/state/http-backend.test.ts covers the backend with terraform_data;
 * this adds the real provider resources, two Terraform processes on one
 * stand-in, and GitLab's allowlists after both.)
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { App } from 'cdktf';
import { GitLabManagedState, JobTokenScope, ScopeRule, TokenScopeStack } from '../../lib';
import { acmeSeed, API_TOKEN, liveScope, SECRETS, expectNoSecret, stackWorkdir, synthApp } from './acme';
import { startTerraformRig, TerraformRig, TerraformRun, TerraformWorkdir } from './harness';

jest.setTimeout(240_000);

/** Holds the stand-in's next allowlist write (POST or DELETE) until `release()`. */
class Gate {
  private armed = false;
  private open: () => void = () => undefined;
  private held: Promise<void> = Promise.resolve();
  /** Resolves when a request is being held. */
  hit: Promise<void> = Promise.resolve();
  private onHit: () => void = () => undefined;

  arm(): void {
    this.armed = true;
    this.held = new Promise((r) => { this.open = r; });
    this.hit = new Promise((r) => { this.onHit = r; });
  }

  release(): void {
    this.armed = false;
    this.open();
  }

  readonly fetch: typeof fetch = async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (this.armed && (init?.method === 'POST' || init?.method === 'DELETE') && /\/job_token_scope\/(groups_)?allowlist(\/\d+)?$/.test(url)) {
      this.onHit();
      await this.held;
    }
    return fetch(input, init);
  };
}

const gate = new Gate();
let rig: TerraformRig;
let tmp: string;

beforeAll(async () => {
  rig = await startTerraformRig({ seed: acmeSeed(), token: API_TOKEN, fetchImpl: gate.fetch });
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'state-lock-'));
});
afterAll(async () => {
  gate.release();
  await rig?.stop();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

/** main.ts's acme-web stack (storefront with `extra` allowed too), state `<stateName>` in project 101. */
function webStack(dir: string, stateName: string, extra: string[] = []): string {
  return synthApp(path.join(tmp, dir), (app: App) => {
    const stack = new TokenScopeStack(app, 'acme-web', {
      lockFile: false, baseUrl: rig.sandbox.url, state: GitLabManagedState.of({ project: '101', name: stateName }),
    });
    new JobTokenScope(stack, 'storefront', { project: 'acme/web/storefront', allowProjects: ['acme/web/design-system', ...extra] });
    new JobTokenScope(stack, 'checkout', { project: 'acme/web/checkout', allowProjects: ['acme/web/storefront'] });
    new JobTokenScope(stack, 'design-system', { project: 'acme/web/design-system', allowGroups: ['acme/web'] });
    ScopeRule.applyTo(stack, { name: 'deployer-everywhere', allowProjects: ['acme/platform/deployer'] });
    return [stack];
  })['acme-web'];
}

/** Resolves once the sandbox has refused a lock of `stateName` with 409 (the second Terraform is waiting or failing). */
async function refusedLock(stateName: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (rig.sandbox.requests().some((r) => r.method === 'POST' && r.path === `/api/v4/projects/101/terraform/state/${stateName}/lock` && r.status === 409)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no 409 on the lock of ${stateName}`);
}

function stored(stateName: string): { serial: number; resources: Array<{ type: string; name: string }> } {
  return JSON.parse(rig.sandbox.terraformStates.find(101, stateName)!.data!);
}

const scopeNames = (s: ReturnType<typeof stored>) => s.resources.filter((r) => r.type === 'gitlab_project_job_token_scopes').map((r) => r.name).sort();
const ALL = ['scope_acme_web_checkout', 'scope_acme_web_design-system', 'scope_acme_web_storefront'];

describe('two concurrent applies of one stack, GitLab-managed state', () => {
  const dirs: TerraformWorkdir[] = [];

  /**
   * Two work dirs on state `stateName`: main.ts's stack, and one that also lets storefront allow checkout.
   * The first's apply is started and held inside it (holding the lock) at its first allowlist write.
   */
  async function firstHoldsTheLock(name: string, stateName: string): Promise<{ second: TerraformWorkdir; one: Promise<TerraformRun> }> {
    const first = await stackWorkdir(rig, webStack(`${name}-1`, stateName));
    const second = await stackWorkdir(rig, webStack(`${name}-2`, stateName, ['acme/web/checkout']));
    dirs.push(first, second);
    await first.init();
    await second.init();
    rig.sandbox.clearRequests();
    gate.arm();
    const one = first.apply();
    await gate.hit;
    return { second, one };
  }

  it('with -lock-timeout the second waits for the first, then applies its change on top; nothing is lost', async () => {
    const { second, one } = await firstHoldsTheLock('wait', 'web-shared');
    const two = second.apply(['-lock-timeout=120s']);
    await refusedLock('web-shared');
    gate.release();
    const [r1, r2] = await Promise.all([one, two]);
    expect([r1.code, r1.stdout]).toEqual([0, expect.stringContaining('Apply complete! Resources: 3 added, 0 changed, 0 destroyed.')]);
    // The second read the state the first wrote: it replaces storefront only, instead of creating all three again.
    expect([r2.code, r2.stdout]).toEqual([0, expect.stringContaining('Apply complete! Resources: 1 added, 0 changed, 1 destroyed.')]);
    expect(r2.stdout).toContain('gitlab_project_job_token_scopes.scope_acme_web_storefront must be replaced');

    expect(scopeNames(stored('web-shared'))).toEqual(ALL);
    expect(rig.sandbox.terraformStates.find(101, 'web-shared')!.lock).toBeNull();
    expect(liveScope(rig.sandbox, 201)).toEqual({ enabled: true, projects: [101, 202, 203], groups: [] });
    expect(liveScope(rig.sandbox, 202)).toEqual({ enabled: true, projects: [101, 201], groups: [] });
    expect(liveScope(rig.sandbox, 203)).toEqual({ enabled: true, projects: [101], groups: [13] });
    expect((await second.plan()).code).toBe(0);
  });

  it('without -lock-timeout the second fails on the 409, naming the holder; the state and GitLab keep the first apply', async () => {
    // The first (main.ts) has a write to make: storefront still allows checkout from the test above.
    const { second, one } = await firstHoldsTheLock('fail', 'web-busy');
    const holder = rig.sandbox.terraformStates.find(101, 'web-busy')!.lock!.id;
    const two = await second.apply();
    gate.release();
    expect(two.code).toBe(1);
    expect(two.stderr).toContain('Error acquiring the state lock');
    expect(two.stderr).toContain(`HTTP remote state already locked:\nID=${holder}\n`);
    expect(rig.sandbox.requests().filter((r) => r.path.endsWith('/terraform/state/web-busy/lock') && r.method === 'POST').map((r) => r.status)).toContain(409);
    const r1 = await one;
    expect(r1.code).toBe(0);
    expect(scopeNames(stored('web-busy'))).toEqual(ALL);
    expect(rig.sandbox.terraformStates.find(101, 'web-busy')!.lock).toBeNull();
    // The first (main.ts) won: storefront has no checkout entry.
    expect(liveScope(rig.sandbox, 201)).toEqual({ enabled: true, projects: [101, 203], groups: [] });
  });

  it('the token is nowhere: not in cdk.tf.json, the states, the lock info, or any Terraform output or file', () => {
    const everywhere = [
      ...rig.sandbox.terraformStates.list().map((s) => `${s.data ?? ''}${JSON.stringify(s.lock)}`),
      ...dirs.map((d) => d.everything()),
    ].join('\n');
    for (const secret of SECRETS) {
      expect(everywhere).not.toContain(secret);
      expectNoSecret('states, lock info and workdirs', everywhere);
      expect(everywhere).not.toContain(Buffer.from(`ops:${secret}`).toString('base64'));
    }
  });
});
