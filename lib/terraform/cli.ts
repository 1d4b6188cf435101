/**
 * Running the `terraform` binary: the one place that decides what environment
 * Terraform gets and how its process is run. Used by the demo (`npm start`),
 * the Terraform tests' harness and the benchmarks.
 *
 * Terraform always runs as an asynchronous child process: the provider
 * stand-in it talks to (TF_REATTACH_PROVIDERS) may live in this very process,
 * and a synchronous spawn would stop it from answering.
 */
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

export type Env = Readonly<Record<string, string | undefined>>;

export interface TerraformRun {
  /** The arguments as run (with `-no-color`). */
  readonly args: readonly string[];
  /** The exit code; 1 also when Terraform could not be started or timed out. */
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout then stderr. */
  readonly output: string;
  readonly ms: number;
}

/**
 * The version of the `terraform` found on `env.PATH` (`1.11.4`), or undefined
 * when there is none. Never throws.
 */
export function terraformVersion(env: Env = process.env): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile('terraform', ['version', '-json'], { env: { PATH: env.PATH, HOME: env.HOME, CHECKPOINT_DISABLE: '1' }, timeout: 30_000 }, (err, stdout) => {
      if (err) return resolve(undefined);
      try {
        const v = (JSON.parse(stdout) as { terraform_version?: unknown }).terraform_version;
        return resolve(typeof v === 'string' && v !== '' ? v : undefined);
      } catch {
        return resolve(undefined);
      }
    });
  });
}

/** `[major, minor]` of a version like `1.11.4`; undefined when it is not one. */
export function majorMinor(version: string): [number, number] | undefined {
  const m = /^(\d+)\.(\d+)\./.exec(version);
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

export interface TerraformEnvOptions {
  /** Where PATH, HOME and the rest come from; every `TF_*` variable in it is dropped. */
  readonly base: Env;
  /** TF_CLI_CONFIG_FILE: an empty file keeps the user's mirrors, credentials and plugin cache out. */
  readonly cliConfigFile: string;
  /**
   * TF_REATTACH_PROVIDERS, when a provider is served in-process. The attached
   * provider reads its token from its own environment, so the base's GitLab
   * credentials (`GITLAB_TOKEN`, `CI_JOB_TOKEN`) are then not passed on.
   */
  readonly reattach?: string;
  /** Added last (e.g. TF_HTTP_USERNAME / TF_HTTP_PASSWORD for the http backend). */
  readonly extra?: Readonly<Record<string, string>>;
}

/** GitLab tokens in the environment; a reattached provider has its own. */
const GITLAB_CREDENTIALS = ['GITLAB_TOKEN', 'CI_JOB_TOKEN'];

/**
 * The environment for Terraform: the base without its `TF_*` variables, then
 * automation mode, no prompts, no checkpoint call (nothing leaves the machine
 * that the configuration does not name), the given CLI configuration file.
 */
export function terraformEnv(opts: TerraformEnvOptions): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  const drop = (k: string) => k.startsWith('TF_') || (opts.reattach !== undefined && GITLAB_CREDENTIALS.includes(k));
  for (const [k, v] of Object.entries(opts.base)) if (v !== undefined && !drop(k)) env[k] = v;
  Object.assign(env, {
    TF_IN_AUTOMATION: '1',
    TF_INPUT: '0',
    CHECKPOINT_DISABLE: '1',
    TF_CLI_CONFIG_FILE: opts.cliConfigFile,
    ...(opts.reattach ? { TF_REATTACH_PROVIDERS: opts.reattach } : {}),
    ...opts.extra,
  });
  return env;
}

/** Writes an empty Terraform CLI configuration file into `dir` and returns its path. */
export function emptyCliConfig(dir: string): string {
  const file = path.join(dir, '.terraformrc.empty');
  fs.writeFileSync(file, '');
  return file;
}

/** Runs `terraform <args> -no-color` in `cwd`; resolves with the outcome, never rejects. */
export function runTerraform(cwd: string, args: readonly string[], env: NodeJS.ProcessEnv, timeoutMs = 180_000): Promise<TerraformRun> {
  const full = [...args, '-no-color'];
  const started = Date.now();
  return new Promise((resolve) => {
    execFile('terraform', full, { cwd, env, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      const raw = err ? (err as { code?: unknown }).code : 0;
      const code = typeof raw === 'number' ? raw : err ? 1 : 0;
      const extra = err && typeof raw !== 'number' ? `${err.message}\n` : '';
      resolve({ args: full, code, stdout, stderr: stderr + extra, output: `${stdout}${stderr}${extra}`, ms: Date.now() - started });
    });
  });
}
