import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runTerraform, terraformEnv } from '../../lib/terraform/cli';

/**
 * Real Terraform without the provider stand-in (the built-in terraform_data is
 * enough for the state backend): the harness's one version check, an empty CLI
 * configuration (no plugin mirror, no credentials helper), no checkpoint calls,
 * automation output. A missing or other Terraform fails the test; never skipped.
 */
export { requireTerraform, TERRAFORM_MISSING } from '../terraform/harness';

export interface TfResult {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

export interface TfEnv {
  readonly cliConfig: string;
  readonly dir: string;
}

/** A scratch directory with an empty Terraform CLI configuration file in it. */
export function terraformScratch(prefix: string): TfEnv {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const cliConfig = path.join(dir, 'empty.tfrc');
  fs.writeFileSync(cliConfig, '');
  return { dir, cliConfig };
}

/** Runs terraform in `cwd` (HOME in the scratch dir, only PATH from this process) and resolves when it exits (never rejects). */
export async function terraform(tf: TfEnv, cwd: string, args: string[], env: Record<string, string> = {}): Promise<TfResult> {
  const base = { PATH: process.env.PATH, HOME: tf.dir, TMPDIR: os.tmpdir() };
  const r = await runTerraform(cwd, args, terraformEnv({ base, cliConfigFile: tf.cliConfig, extra: env }));
  return { code: r.code, out: r.stdout, err: r.stderr };
}

/** Every file under `dir`, read as text, for "the token is nowhere" checks. */
export function allText(dir: string): string {
  if (!fs.existsSync(dir)) return '';
  return fs.readdirSync(dir, { recursive: true }).map(String)
    .map((f) => path.join(dir, f))
    .filter((f) => fs.statSync(f).isFile() && fs.statSync(f).size < 5_000_000 && !f.includes(`${path.sep}providers${path.sep}`))
    .map((f) => fs.readFileSync(f).toString('latin1'))
    .join('\n');
}
