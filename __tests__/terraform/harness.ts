/**
 * Real Terraform against the sandbox, for tests.
 *
 *   const rig = await startTerraformRig({ seed: testSeed(), token: TOK.ops });
 *   const tf = await rig.workdir();                 // a temp dir wired to the stand-in
 *   tf.writeConfig({ resource: { ... } });          // main.tf.json (provider block added for you)
 *   await tf.init();
 *   expect((await tf.plan({ detailedExitcode: true })).code).toBe(2);
 *   await tf.apply();
 *   rig.sandbox.requests();                         // what the provider sent, in order
 *   await rig.stop();
 *
 * Every run gets TF_REATTACH_PROVIDERS, TF_IN_AUTOMATION=1, CHECKPOINT_DISABLE=1
 * and a TF_CLI_CONFIG_FILE pointing at an empty file (no mirrors, no network).
 * Terraform runs as a child process without blocking the event loop, since the
 * stand-in it talks to lives in this process. A missing `terraform` fails the
 * test with one line; it is never skipped.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';
import { startSandbox } from '../../lib/sandbox';
import type { Sandbox, SeedFile } from '../../lib/sandbox';
import { startProviderStandIn } from '../../lib/sandbox/provider';
import type { ProviderStandIn } from '../../lib/sandbox/provider';
import { emptyCliConfig, runTerraform, terraformEnv, terraformVersion } from '../../lib/terraform/cli';
import type { TerraformRun } from '../../lib/terraform/cli';

export type { TerraformRun } from '../../lib/terraform/cli';

export const TERRAFORM_MISSING = 'terraform 1.11.x is required on PATH for the Terraform tests (not found)';

let checked: Promise<string> | undefined;

/** Resolves to Terraform's version; rejects with TERRAFORM_MISSING (or the version found) when 1.11.x is not on PATH. */
export function requireTerraform(): Promise<string> {
  checked ??= terraformVersion(process.env).then((version) => {
    if (version === undefined) throw new Error(TERRAFORM_MISSING);
    if (!version.startsWith('1.11.')) throw new Error(`terraform 1.11.x is required on PATH for the Terraform tests (found ${version})`);
    return version;
  });
  return checked;
}

export interface WorkdirOptions {
  /** TF_REATTACH_PROVIDERS value. */
  readonly reattach: string;
  /** Added to Terraform's environment (e.g. TF_HTTP_PASSWORD for an http backend). */
  readonly env?: Readonly<Record<string, string>>;
  /** Provider block written by writeConfig unless the config has its own; default `[{}]`. */
  readonly provider?: Readonly<Record<string, unknown>>;
}

export class TerraformWorkdir {
  /** Every run in this directory, for assertions over all output (e.g. no token anywhere). */
  readonly runs: TerraformRun[] = [];

  private constructor(readonly dir: string, private readonly env: NodeJS.ProcessEnv, private readonly provider: Record<string, unknown>) {}

  static async create(opts: WorkdirOptions): Promise<TerraformWorkdir> {
    await requireTerraform();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tokenscope-tf-'));
    const env = terraformEnv({ base: process.env, cliConfigFile: emptyCliConfig(dir), reattach: opts.reattach, extra: opts.env });
    return new TerraformWorkdir(dir, env, { ...(opts.provider ?? {}) });
  }

  /** Writes `file` (default main.tf.json); adds `required_providers` and the provider block when missing. */
  writeConfig(config: Record<string, unknown>, file = 'main.tf.json'): void {
    const full: Record<string, unknown> = {
      terraform: { required_providers: { gitlab: { source: 'gitlabhq/gitlab', version: '18.6.1' } } },
      provider: { gitlab: [this.provider] },
      ...config,
    };
    fs.writeFileSync(path.join(this.dir, file), JSON.stringify(full, null, 2));
  }

  /** Runs `terraform <args>` (adds -no-color); never throws on a non-zero exit. */
  async run(args: readonly string[], timeoutMs = 180_000): Promise<TerraformRun> {
    const run = await runTerraform(this.dir, args, this.env, timeoutMs);
    this.runs.push(run);
    return run;
  }

  /** Like run, but a non-zero exit (other than those allowed) throws with Terraform's output. */
  async ok(args: readonly string[], allowed: readonly number[] = [0]): Promise<TerraformRun> {
    const r = await this.run(args);
    if (!allowed.includes(r.code)) throw new Error(`terraform ${args.join(' ')} exited ${r.code}:\n${r.output}`);
    return r;
  }

  init(): Promise<TerraformRun> {
    return this.ok(['init', '-input=false']);
  }

  /** `plan -detailed-exitcode` exits 0 (no changes) or 2 (changes); 1 is an error (returned, not thrown). */
  plan(opts: { out?: string; extra?: readonly string[] } = {}): Promise<TerraformRun> {
    return this.run(['plan', '-input=false', '-detailed-exitcode', ...(opts.out ? [`-out=${opts.out}`] : []), ...(opts.extra ?? [])]);
  }

  apply(extra: readonly string[] = []): Promise<TerraformRun> {
    return this.run(['apply', '-input=false', '-auto-approve', ...extra]);
  }

  destroy(): Promise<TerraformRun> {
    return this.run(['destroy', '-input=false', '-auto-approve']);
  }

  import(address: string, id: string): Promise<TerraformRun> {
    return this.run(['import', '-input=false', address, id]);
  }

  /** `terraform show -json [planfile]`, parsed. */
  async showJson(planFile?: string): Promise<Record<string, unknown>> {
    const r = await this.ok(['show', '-json', ...(planFile ? [planFile] : [])]);
    return JSON.parse(r.stdout) as Record<string, unknown>;
  }

  readFile(name: string): string {
    return fs.readFileSync(path.join(this.dir, name), 'utf8');
  }

  /** All Terraform output so far plus every file Terraform wrote here (state, lock file, and plans unzipped). */
  everything(): string {
    const files = fs.readdirSync(this.dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => fs.readFileSync(path.join(e.parentPath ?? e.path, e.name)))
      .map((b) => (isZip(b) ? zipEntries(b) : [b]).map((x) => x.toString('latin1')).join('\n'));
    return [...this.runs.map((r) => r.output), ...files].join('\n');
  }

  remove(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

const isZip = (b: Buffer): boolean => b.length >= 22 && b.readUInt32LE(0) === 0x04034b50;

/**
 * The entries of a zip archive (a saved plan is one, its entries deflated: a
 * secret inside would not show in the raw bytes), read by its central
 * directory, as Go's archive/zip writes it.
 */
export function zipEntries(zip: Buffer): Buffer[] {
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0) throw new Error('not a zip archive: no end of central directory');
  const count = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  const out: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error(`zip central directory entry ${i} is broken`);
    const method = zip.readUInt16LE(at + 10);
    const size = zip.readUInt32LE(at + 20);
    const local = zip.readUInt32LE(at + 42);
    const data = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const raw = zip.subarray(data, data + size);
    if (method !== 0 && method !== 8) throw new Error(`zip entry ${i}: compression method ${method}`);
    out.push(method === 8 ? zlib.inflateRawSync(raw) : raw);
    at += 46 + zip.readUInt16LE(at + 28) + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
  }
  return out;
}

export interface RigOptions {
  readonly seed: SeedFile;
  /** The token the stand-in reads as GITLAB_TOKEN. */
  readonly token: string;
  /** The stand-in's fetch (e.g. to hold a request while a test arranges a race); default: fetch. */
  readonly fetchImpl?: typeof fetch;
}

export interface TerraformRig {
  readonly sandbox: Sandbox;
  readonly provider: ProviderStandIn;
  /** Warnings the stand-in logged (what the real provider only writes to Terraform's log). */
  readonly logs: string[];
  /** A fresh work directory wired to this rig's stand-in. */
  workdir(opts?: Omit<WorkdirOptions, 'reattach'>): Promise<TerraformWorkdir>;
  stop(): Promise<void>;
}

/** A sandbox (request log on) and a provider stand-in pointed at it: one per test file is enough. */
export async function startTerraformRig(opts: RigOptions): Promise<TerraformRig> {
  await requireTerraform();
  const sandbox = await startSandbox({ seed: opts.seed, requestLog: true });
  const logs: string[] = [];
  const provider = await startProviderStandIn({
    env: { GITLAB_TOKEN: opts.token, GITLAB_BASE_URL: sandbox.url }, log: (l) => logs.push(l), ...(opts.fetchImpl ? { fetchImpl: opts.fetchImpl } : {}),
  });
  const dirs: TerraformWorkdir[] = [];
  return {
    sandbox,
    provider,
    logs,
    async workdir(o = {}) {
      const w = await TerraformWorkdir.create({ ...o, reattach: provider.reattach });
      dirs.push(w);
      return w;
    },
    async stop() {
      await provider.stop();
      await sandbox.stop();
      for (const d of dirs) d.remove();
    },
  };
}
