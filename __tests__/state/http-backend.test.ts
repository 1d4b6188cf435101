import * as fs from 'fs';
import * as path from 'path';
import { App, DataResource, HttpBackend, TerraformStack } from 'cdktf';
import { GitLabManagedState } from '../../lib';
import type { Sandbox, SeedFile } from '../../lib/sandbox';
import { startSandbox } from '../../lib/sandbox';
import { testSeed, TEST_NOW, TOK } from '../sandbox/helpers';
import { allText, requireTerraform, terraform, terraformScratch, TfEnv, TfResult } from './terraform';

/**
 * Real Terraform 1.11 (its built-in terraform_data, so no provider to download)
 * with the http backend on the sandbox's GitLab-managed state, at the addresses
 * GitLabManagedState synthesizes, credentials only in TF_HTTP_USERNAME/PASSWORD.
 */
jest.setTimeout(240_000);

const OPS_JOB = 'glcbt-64_stateOpsWebRunningJob07';
const OPS_JOB_DONE = 'glcbt-64_stateOpsWebFinishedJob8';

function seed(): SeedFile {
  const s = testSeed();
  s.tokens = [
    ...(s.tokens ?? []),
    { token: OPS_JOB, type: 'job', project: 'acme/web', user: 'ops', jobStatus: 'running' },
    { token: OPS_JOB_DONE, type: 'job', project: 'acme/web', user: 'ops', jobStatus: 'success' },
  ];
  return s;
}

const SECRETS = [TOK.ops, TOK.dev, OPS_JOB, OPS_JOB_DONE];

interface Resource { readonly name: string; readonly sleepSeconds?: number }

describe('Terraform\'s http backend against the sandbox\'s GitLab-managed state', () => {
  let sb: Sandbox;
  let tf: TfEnv;
  const outputs: string[] = [];

  beforeAll(async () => {
    await requireTerraform();
    tf = terraformScratch('tf-state-');
    sb = await startSandbox({ seed: seed(), now: TEST_NOW, stateDir: path.join(tf.dir, 'sandbox-states') });
  });
  afterAll(async () => {
    await sb?.stop();
    if (tf) fs.rmSync(tf.dir, { recursive: true, force: true });
  });

  /** Synthesizes a stack (cdktf) with the backend GitLabManagedState resolves, and terraform_data resources. */
  function config(dirName: string, project: string, stateName: string, resources: Resource[]): string {
    const outdir = path.join(tf.dir, dirName);
    const app = new App({ outdir });
    const stack = new TerraformStack(app, 'ops');
    const resolved = GitLabManagedState.of({ project, name: stateName }).resolve('ops', `${sb.url}/api/v4`, {});
    if (!resolved.ok) throw new Error(resolved.problems.join('; '));
    new HttpBackend(stack, resolved.config);
    for (const r of resources) {
      const d = new DataResource(stack, r.name, {
        input: { name: r.name },
        ...(r.sleepSeconds ? { provisioners: [{ type: 'local-exec' as const, command: `sleep ${r.sleepSeconds}` }] } : {}),
      });
      d.overrideLogicalId(r.name);
    }
    app.synth();
    return path.join(outdir, 'stacks', 'ops');
  }

  async function run(cwd: string, args: string[], user: string, password: string): Promise<TfResult> {
    const r = await terraform(tf, cwd, args, { TF_HTTP_USERNAME: user, TF_HTTP_PASSWORD: password });
    outputs.push(r.out, r.err);
    return r;
  }

  const stateOf = (projectId: number, name: string) => {
    const s = sb.terraformStates.find(projectId, name);
    return s?.data ? (JSON.parse(s.data) as { serial: number; resources: Array<{ type: string; name: string }> }) : undefined;
  };

  async function rawStatus(p: string, user: string, password: string, method = 'GET', body?: string) {
    const r = await fetch(`${sb.url}/api/v4${p}`, {
      method, body, headers: { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` },
    });
    return { status: r.status, text: await r.text() };
  }

  it('with an access token (any username): init, apply, then plan -detailed-exitcode 0', async () => {
    const dir = config('pat', '12', 'pat', [{ name: 'a' }]);
    expect((await run(dir, ['init', '-input=false'], 'whoever', TOK.ops)).code).toBe(0);
    const apply = await run(dir, ['apply', '-auto-approve', '-input=false'], 'whoever', TOK.ops);
    expect(apply.err).toBe('');
    expect(apply.code).toBe(0);
    expect(stateOf(12, 'pat')?.resources.map((r) => `${r.type}.${r.name}`)).toEqual(['terraform_data.a']);
    expect(sb.terraformStates.find(12, 'pat')?.lock).toBeNull();
    const plan = await run(dir, ['plan', '-detailed-exitcode', '-input=false'], 'whoever', TOK.ops);
    expect(plan.code).toBe(0);
  });

  it('with a running job\'s CI_JOB_TOKEN as gitlab-ci-token, at the URL-encoded project path', async () => {
    const dir = config('job', 'acme/web', 'job', [{ name: 'a' }]);
    expect(fs.readFileSync(path.join(dir, 'cdk.tf.json'), 'utf8')).toContain('/projects/acme%2Fweb/terraform/state/job');
    expect((await run(dir, ['init', '-input=false'], 'gitlab-ci-token', OPS_JOB)).code).toBe(0);
    const apply = await run(dir, ['apply', '-auto-approve', '-input=false'], 'gitlab-ci-token', OPS_JOB);
    expect(apply.code).toBe(0);
    expect(stateOf(12, 'job')?.resources).toHaveLength(1);
    expect((await run(dir, ['plan', '-detailed-exitcode', '-input=false'], 'gitlab-ci-token', OPS_JOB)).code).toBe(0);
  });

  it('a finished job\'s token is refused (401) and a Developer may read but not lock or write (403), as GitLab answers', async () => {
    const dir = config('refused', '12', 'refused', [{ name: 'a' }]);
    expect((await run(dir, ['init', '-input=false'], 'x', TOK.ops)).code).toBe(0);
    expect((await run(dir, ['apply', '-auto-approve', '-input=false'], 'x', TOK.ops)).code).toBe(0);
    const serial = stateOf(12, 'refused')!.serial;

    // GitLab's answers, then Terraform's words for them.
    expect(await rawStatus('/projects/12/terraform/state/refused', 'gitlab-ci-token', OPS_JOB_DONE)).toEqual({ status: 401, text: '{"message":"401 Unauthorized"}' });
    const dead = await run(dir, ['plan', '-input=false'], 'gitlab-ci-token', OPS_JOB_DONE);
    expect(dead.code).toBe(1);
    expect(dead.err).toContain('HTTP remote state endpoint requires auth');

    const devDir = config('refused-dev', '12', 'refused', [{ name: 'a' }, { name: 'b' }]);
    expect((await run(devDir, ['init', '-input=false'], 'dev', TOK.dev)).code).toBe(0);
    expect(await rawStatus('/projects/12/terraform/state/refused/lock', 'dev', TOK.dev, 'POST',
      JSON.stringify({ ID: 'x', Operation: 'OperationTypePlan', Info: '', Who: 'dev', Version: '1.11.4', Created: '2026-11-23T12:00:00Z', Path: '' })))
      .toEqual({ status: 403, text: '{"message":"403 Forbidden"}' });
    const locked = await run(devDir, ['apply', '-auto-approve', '-input=false'], 'dev', TOK.dev);
    expect(locked.code).toBe(1);
    expect(locked.err).toContain('Error acquiring the state lock');
    expect(locked.err).toContain('HTTP remote state endpoint invalid auth');
    // Without the lock Terraform reads (Developer may) and then its write is refused.
    const unlocked = await run(devDir, ['apply', '-auto-approve', '-input=false', '-lock=false'], 'dev', TOK.dev);
    expect(unlocked.code).toBe(1);
    expect(unlocked.err).toContain('HTTP error: 403');
    expect(stateOf(12, 'refused')!.serial).toBe(serial);
    expect(stateOf(12, 'refused')!.resources.map((r) => r.name)).toEqual(['a']);
  });

  async function lockHeld(name: string): Promise<void> {
    for (let i = 0; i < 300; i++) {
      if (sb.terraformStates.find(12, name)?.lock) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`the first apply never took the lock of ${name}`);
  }

  it('two concurrent applies of one state: with -lock-timeout the second waits, then adds its resource; nothing is lost', async () => {
    const first = config('conc-1', '12', 'shared', [{ name: 'a', sleepSeconds: 4 }]);
    const second = config('conc-2', '12', 'shared', [{ name: 'a', sleepSeconds: 4 }, { name: 'b' }]);
    expect((await run(first, ['init', '-input=false'], 'x', TOK.ops)).code).toBe(0);
    expect((await run(second, ['init', '-input=false'], 'x', TOK.ops)).code).toBe(0);
    const one = run(first, ['apply', '-auto-approve', '-input=false'], 'x', TOK.ops);
    await lockHeld('shared');
    const two = await run(second, ['apply', '-auto-approve', '-input=false', '-lock-timeout=90s'], 'x', TOK.ops);
    const r1 = await one;
    expect(r1.code).toBe(0);
    expect(two.code).toBe(0);
    // The second saw the first's resource in the state it read after the lock: it created b only.
    expect(two.out).toContain('1 added, 0 changed, 0 destroyed');
    const final = stateOf(12, 'shared')!;
    expect(final.resources.map((r) => r.name).sort()).toEqual(['a', 'b']);
    expect(final.serial).toBeGreaterThanOrEqual(2);
    expect(sb.terraformStates.find(12, 'shared')!.serials).toEqual([...sb.terraformStates.find(12, 'shared')!.serials].sort((x, y) => x - y));
    expect(sb.terraformStates.find(12, 'shared')?.lock).toBeNull();
  });

  it('without -lock-timeout the second apply fails on the 409 as Terraform does, naming the holder; the state is untouched', async () => {
    const first = config('fail-1', '12', 'busy', [{ name: 'a', sleepSeconds: 4 }]);
    const second = config('fail-2', '12', 'busy', [{ name: 'a', sleepSeconds: 4 }, { name: 'b' }]);
    expect((await run(first, ['init', '-input=false'], 'x', TOK.ops)).code).toBe(0);
    expect((await run(second, ['init', '-input=false'], 'x', TOK.ops)).code).toBe(0);
    const one = run(first, ['apply', '-auto-approve', '-input=false'], 'x', TOK.ops);
    await lockHeld('busy');
    const holder = sb.terraformStates.find(12, 'busy')!.lock!.id;
    const two = await run(second, ['apply', '-auto-approve', '-input=false'], 'gitlab-ci-token', OPS_JOB);
    expect(two.code).toBe(1);
    expect(two.err).toContain('Error acquiring the state lock');
    expect(two.err).toContain(holder);
    expect((await one).code).toBe(0);
    const final = stateOf(12, 'busy')!;
    expect(final.resources.map((r) => r.name)).toEqual(['a']);
    expect(sb.terraformStates.find(12, 'busy')?.lock).toBeNull();
  });

  // Last: everything above has run.
  it('no token in any form: not in the states, not in cdk.tf.json or .terraform, not in any output', () => {
    const everywhere = [
      ...sb.terraformStates.list().map((s) => `${s.data ?? ''}${JSON.stringify(s.lock)}`),
      allText(tf.dir),
      ...outputs,
    ].join('\n');
    expect(outputs.length).toBeGreaterThan(10);
    for (const secret of SECRETS) {
      expect(everywhere).not.toContain(secret);
      expect(everywhere).not.toContain(secret.slice(-12));
      expect(everywhere).not.toContain(Buffer.from(`x:${secret}`).toString('base64'));
      expect(everywhere).not.toContain(Buffer.from(`gitlab-ci-token:${secret}`).toString('base64'));
    }
  });
});
