/**
 * The demo (`npm start`): the embedded sandbox with the acme demo org, main.ts
 * synthesized in-process, and `tokenscope drift --auth-log` against it. With
 * `terraform` on PATH, the whole loop follows: the provider stand-in beside
 * the sandbox, `terraform plan` per stack, `tokenscope plan-summary` of the
 * real plans, `terraform apply`, and drift again, now in sync.
 *
 * The CLI's own commands run the drift and plan-summary steps (`DemoSteps`),
 * so the demo prints exactly what a user's pipeline would.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { createMasker } from '../gitlab/secrets';
import { startSandbox } from '../sandbox';
import type { Sandbox } from '../sandbox';
import { startProviderStandIn } from '../sandbox/provider';
import { suggestedApiToken } from '../sandbox/provider/terraform-env';
import { emptyCliConfig, terraformEnv } from '../terraform/cli';
import demoSeed from '../sandbox/demo-seed.json';
import { exampleApp } from './example-app';
import { DEMO_STATE_PROJECT, DEMO_TOKEN, loopBlocker, LOOP_FORMAT, type DemoFormat } from './preconditions';
import { synthesizeMainTs } from './synth';
import { stackRunner, TerraformStepError } from './terraform-stacks';

export { DEMO_STATE_PROJECT, DEMO_TOKEN } from './preconditions';
export type { DemoFormat } from './preconditions';

/** The demo org's clock as the seed states it; the sandbox runs on from it, whatever today's date. */
export const DEMO_NOW = new Date(demoSeed.instance.now);

/** Streams and environment, as the CLI's commands take them. */
export interface DemoIO {
  readonly stdout: { write(chunk: string): unknown; isTTY?: boolean };
  readonly stderr: { write(chunk: string): unknown; isTTY?: boolean };
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
}

/** The tokenscope commands the demo runs, in-process; each prints to the io it is given and returns its exit code. */
export interface DemoSteps {
  drift(io: DemoIO, args: { readonly synthDir: string; readonly authLog: boolean; readonly format: DemoFormat; readonly progress: boolean; readonly now: Date }): Promise<number>;
  planSummary(io: DemoIO, args: { readonly files: readonly string[]; readonly now: Date }): Promise<number>;
}

export interface DemoOptions {
  readonly format: DemoFormat;
  /** Share of sandbox requests that fail; above 0 the demo shows drift only. */
  readonly faultRate: number;
  readonly randomSeed?: number;
  readonly progress: boolean;
  /** false (`--no-terraform`): drift only, even with terraform on PATH. */
  readonly terraform: boolean;
}

/** Runs the demo; resolves to its exit code (0 when it ran, 1 on an error). */
export async function runDemo(opts: DemoOptions, io: DemoIO, steps: DemoSteps): Promise<number> {
  const blocker = await loopBlocker(opts, io.env);
  const say = (s: string) => { if (opts.format === LOOP_FORMAT) io.stdout.write(s); };
  if (blocker.line) say(`tokenscope demo: ${blocker.line}\n`);

  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'tokenscope-demo-'));
  const sandbox = await startSandbox({
    port: 0, faultRate: opts.faultRate, ...(opts.randomSeed !== undefined ? { randomSeed: opts.randomSeed } : {}),
  });
  try {
    await synthesizeMainTs(outdir, sandbox.url);
    say(`tokenscope demo: sandbox GitLab at ${sandbox.url} with the acme org; ${exampleApp(io.cwd)} synthesized to ${outdir} (temporary)\n` +
      `running: tokenscope drift --auth-log --synth-dir ${outdir}\n\n`);
    const readIO: DemoIO = { ...io, env: driftEnv(io.env, sandbox.url), cwd: outdir };
    const first = await steps.drift(readIO, { synthDir: outdir, authLog: true, format: opts.format, progress: opts.progress, now: sandbox.state.now() });
    const realExit = `A real run would exit ${first} (0 in sync, 2 drift, 1 unreadable or error).`;
    if (!blocker.version || first === 1) {
      const stats = sandbox.stats();
      say(`\nThe demo org's live state differs from the example app on purpose. ${realExit} ` +
        `Sandbox: ${stats.httpRequests} HTTP requests, ${stats.mutations} mutations.\n`);
      return first === 1 ? 1 : 0;
    }
    say(`\nThe demo org's live state differs from the example app on purpose. ${realExit}\n`);
    return await terraformLoop({ io, readIO, outdir, sandbox, version: blocker.version, steps, opts });
  } finally {
    await sandbox.stop();
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

/** The read-only token for drift and plan-summary; no shard variables (the demo reads every stack). */
function driftEnv(env: DemoIO['env'], url: string): Record<string, string | undefined> {
  return { ...env, GITLAB_URL: url, GITLAB_TOKEN: DEMO_TOKEN, CI_NODE_INDEX: undefined, CI_NODE_TOTAL: undefined };
}

interface LoopInput {
  readonly io: DemoIO;
  readonly readIO: DemoIO;
  readonly outdir: string;
  readonly sandbox: Sandbox;
  readonly version: string;
  readonly steps: DemoSteps;
  readonly opts: DemoOptions;
}

async function terraformLoop({ io, readIO, outdir, sandbox, version, steps, opts }: LoopInput): Promise<number> {
  const say = (s: string) => io.stdout.write(s);
  const apply = suggestedApiToken(sandbox.state);
  if (!apply) throw new Error('the demo seed has no live api token to apply with');
  const mask = createMasker([...sandbox.state.tokens.values()].map((t) => t.value));
  // A reattached provider reads its token from its own environment, never Terraform's.
  const standIn = await startProviderStandIn({ env: { GITLAB_TOKEN: apply.token.value, GITLAB_BASE_URL: sandbox.url } });
  try {
    const env = terraformEnv({
      base: io.env, cliConfigFile: emptyCliConfig(outdir), reattach: standIn.reattach,
      extra: { TF_HTTP_USERNAME: apply.username, TF_HTTP_PASSWORD: apply.token.value },
    });
    const runner = stackRunner(outdir, env);
    const stacks = fs.readdirSync(path.join(outdir, 'stacks')).sort();
    const stateProject = sandbox.state.projects.get(Number(DEMO_STATE_PROJECT))?.fullPath ?? DEMO_STATE_PROJECT;
    say(`\nTerraform ${version}, through the sandbox's provider stand-in (gitlabhq/gitlab 18.6.1), as user ${apply.username}; ` +
      `state GitLab-managed in the sandbox (project ${DEMO_STATE_PROJECT}, ${stateProject}); ${stacks.length} stacks side by side.\n` +
      'running: terraform init, terraform plan -detailed-exitcode -out=plan.tfplan, terraform show -json plan.tfplan > plan.json, in each stack\n');
    const planned = await runner.plan(stacks);
    say(stackLines(planned.map((p) => ({ stack: p.stack, line: p.planLine }))));

    const files = planned.filter((p) => p.planCode === 2).map((p) => p.planJson);
    if (files.length > 0) {
      say(`\nrunning: tokenscope plan-summary --auth-log ${files.join(' ')}\n\n`);
      const code = await steps.planSummary(readIO, { files, now: sandbox.state.now() });
      if (code !== 0) return failed(io, `plan-summary exited ${code}`);
    }

    say('\nrunning: terraform apply plan.tfplan, in each stack with changes\n');
    say(stackLines(await runner.apply(planned)));
    say(`\nrunning: tokenscope drift --synth-dir ${outdir}\n\n`);
    const after = await steps.drift(readIO, { synthDir: outdir, authLog: false, format: opts.format, progress: opts.progress, now: sandbox.state.now() });
    const stats = sandbox.stats();
    if (after !== 0) return failed(io, `drift after apply exited ${after}, not 0: the apply did not bring GitLab to the example app`);
    say('\nAfter apply the demo org is in sync with the example app: a real run exits 0. (The release-cli finding of the first run came ' +
      'from the authentication log: it is about the example app, which apply does not change, and drift --auth-log still reports it.)\n' +
      `Sandbox: ${stats.httpRequests} HTTP requests, ${stats.mutations} mutations (all by terraform apply), ${stats.stateCalls} state API calls; ` +
      `Terraform: ${runner.runs.length} runs.\n`);
    return 0;
  } catch (err) {
    if (err instanceof TerraformStepError) return failed(io, `${err.message}:\n${mask(err.run.output)}`);
    throw err;
  } finally {
    await standIn.stop();
  }
}

/** One indented line per stack, names aligned. */
function stackLines(rows: ReadonlyArray<{ readonly stack: string; readonly line: string }>): string {
  const width = Math.max(0, ...rows.map((r) => r.stack.length));
  return rows.map((r) => `  ${r.stack.padEnd(width)}  ${r.line}\n`).join('');
}

function failed(io: DemoIO, why: string): number {
  io.stderr.write(`tokenscope demo: ${why}\n`);
  return 1;
}
