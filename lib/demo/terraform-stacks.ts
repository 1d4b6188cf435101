/**
 * Terraform over the synthesized stacks, as `cdktf deploy` runs it: in each
 * stack's directory (`<synth>/stacks/<stack>`), `init`, `plan
 * -detailed-exitcode -out`, `show -json` of the saved plan, and later `apply`
 * of that same plan. The stacks are independent (own state, own provider
 * configuration), so they run side by side.
 */
import * as fs from 'fs';
import * as path from 'path';
import { runTerraform, TerraformRun } from '../terraform/cli';

export interface PlannedStack {
  readonly stack: string;
  readonly dir: string;
  /** `plan -detailed-exitcode`: 0 no changes, 2 changes. */
  readonly planCode: 0 | 2;
  /** Terraform's own one-line summary of the plan (`Plan: 1 to import, 3 to add, ...` or `No changes. ...`). */
  readonly planLine: string;
  /** The plan JSON (`terraform show -json`), relative to the synth dir: `stacks/<stack>/plan.json`. */
  readonly planJson: string;
}

export interface AppliedStack {
  readonly stack: string;
  /** `Apply complete! Resources: ...`, or why nothing was applied. */
  readonly line: string;
}

/** A Terraform command that did not do what the demo needs; `run` holds its output. */
export class TerraformStepError extends Error {
  constructor(readonly stack: string, readonly run: TerraformRun) {
    super(`terraform ${run.args.filter((a) => a !== '-no-color').join(' ')} in stack ${stack} exited ${run.code}`);
    this.name = 'TerraformStepError';
  }
}

export interface StackRunner {
  /** Terraform commands run and the time spent in them, summed over stacks. */
  readonly runs: TerraformRun[];
  plan(stacks: readonly string[]): Promise<PlannedStack[]>;
  apply(planned: readonly PlannedStack[]): Promise<AppliedStack[]>;
}

/** The first line of `text` matching `re`, trimmed; `fallback` when none does. */
function lineOf(text: string, re: RegExp, fallback: string): string {
  return text.split('\n').map((l) => l.trim()).find((l) => re.test(l)) ?? fallback;
}

export function stackRunner(synthDir: string, env: NodeJS.ProcessEnv): StackRunner {
  const runs: TerraformRun[] = [];
  const tf = async (stack: string, args: readonly string[], ok: readonly number[] = [0]): Promise<TerraformRun> => {
    const r = await runTerraform(path.join(synthDir, 'stacks', stack), args, env);
    runs.push(r);
    if (!ok.includes(r.code)) throw new TerraformStepError(stack, r);
    return r;
  };

  const planOne = async (stack: string): Promise<PlannedStack> => {
    const dir = path.join(synthDir, 'stacks', stack);
    await tf(stack, ['init', '-input=false']);
    const plan = await tf(stack, ['plan', '-input=false', '-detailed-exitcode', '-out=plan.tfplan'], [0, 2]);
    const shown = await tf(stack, ['show', '-json', 'plan.tfplan']);
    fs.writeFileSync(path.join(dir, 'plan.json'), shown.stdout);
    return {
      stack,
      dir,
      planCode: plan.code as 0 | 2,
      planLine: lineOf(plan.stdout, /^(Plan: |No changes\.)/, plan.code === 0 ? 'No changes.' : 'changes planned'),
      planJson: path.join('stacks', stack, 'plan.json'),
    };
  };

  const applyOne = async (p: PlannedStack): Promise<AppliedStack> => {
    if (p.planCode === 0) return { stack: p.stack, line: 'nothing to apply (no changes)' };
    const r = await tf(p.stack, ['apply', '-input=false', 'plan.tfplan']);
    return { stack: p.stack, line: lineOf(r.stdout, /^Apply complete!/, 'applied') };
  };

  return {
    runs,
    plan: (stacks) => settled(stacks.map(planOne)),
    apply: (planned) => settled(planned.map(applyOne)),
  };
}

/** Like Promise.all, but waits for every stack before failing: no Terraform is left running against a stopped stand-in. */
async function settled<T>(work: Array<Promise<T>>): Promise<T[]> {
  const results = await Promise.allSettled(work);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return results.map((r) => (r as PromiseFulfilledResult<T>).value);
}
