/**
 * Whether the demo can show the whole Terraform loop, and if not, the one
 * line that says why and how to get it.
 */
import type { Format } from '../drift/report';
import { majorMinor, terraformVersion } from '../terraform/cli';

export type DemoFormat = Format;

/** The demo org's read-only ops token (a fake, only the sandbox knows it): read_api, Maintainer on acme. */
export const DEMO_TOKEN = 'glpat-sandbox-ops-readonly-00000000002';

/** The project that keeps the demo stacks' GitLab-managed states (acme/platform/deployer: the demo org has no ops repo). */
export const DEMO_STATE_PROJECT = '101';

/** The loop narrates in text; the other formats keep stdout one machine-readable report, as drift alone does. */
export const LOOP_FORMAT: DemoFormat = 'text';

/** Import blocks, which `importExisting` synthesizes, arrived in Terraform 1.5. */
const MIN_TERRAFORM: readonly [number, number] = [1, 5];

const WHOLE_LOOP = 'terraform plan per stack, plan-summary of the real plans, apply, then drift in sync';

export interface LoopDecision {
  /** Terraform's version when the loop runs. */
  readonly version?: string;
  /** Why it does not, when the user did not ask for drift only; undefined otherwise. */
  readonly line?: string;
}

export interface LoopWish {
  readonly format: DemoFormat;
  readonly faultRate: number;
  readonly terraform: boolean;
}

export async function loopBlocker(opts: LoopWish, env: Readonly<Record<string, string | undefined>>): Promise<LoopDecision> {
  if (!opts.terraform || opts.format !== LOOP_FORMAT) return {};
  if (opts.faultRate > 0) {
    return {
      line: '--fault-rate shows drift\'s retries, so this run shows drift only (Terraform\'s http state backend waits 5 s before each retry); ' +
        `run without --fault-rate for the whole loop (${WHOLE_LOOP})`,
    };
  }
  const version = env.PATH ? await terraformVersion(env) : undefined;
  if (version === undefined) {
    return {
      line: `terraform is not on PATH, so this run shows drift only; for the whole loop (${WHOLE_LOOP}), ` +
        'put Terraform 1.5 or later on PATH (https://developer.hashicorp.com/terraform/install; tested with 1.11) and run npm start again',
    };
  }
  const mm = majorMinor(version);
  if (!mm || mm[0] < MIN_TERRAFORM[0] || (mm[0] === MIN_TERRAFORM[0] && mm[1] < MIN_TERRAFORM[1])) {
    return {
      line: `terraform ${version} on PATH is older than 1.5 (import blocks), so this run shows drift only; ` +
        `put Terraform 1.5 or later on PATH (tested with 1.11) for the whole loop (${WHOLE_LOOP})`,
    };
  }
  return { version };
}
