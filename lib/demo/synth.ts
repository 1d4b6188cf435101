/**
 * main.ts synthesized for the demo. cdktf checks at synth that a `terraform`
 * of 1.5 or later is on PATH for every import block (`importExisting`
 * synthesizes one), and fails the synth otherwise; the drift-only demo runs
 * precisely where terraform is missing. So the demo synthesizes with cdktf's
 * validation off and then runs every construct's validations itself, dropping
 * only cdktf's terraform-binary check (the loop checks Terraform's version
 * itself, lib/demo/preconditions.ts): tokenscope's own validations still stop
 * the demo, with cdktf's words.
 */
import { DEMO_STATE_PROJECT } from './preconditions';

/** cdktf's ValidateBinaryVersion messages for the terraform binary (cdktf/lib/validations/validate-binary-version.js). */
const TERRAFORM_CHECK = /^Could not determine version of terraform\b|^terraform version \S+ is lower than the required version /;

export async function synthesizeMainTs(outdir: string, sandboxUrl: string): Promise<void> {
  // Loaded here, not at the top: cdktf and the provider bindings are heavy and only the demo synthesizes.
  const { App } = await import('cdktf');
  const { buildAcme } = await import('../../main');
  const { GitLabManagedState } = await import('../constructs/gitlab-managed-state');
  const app = new App({ outdir, skipValidation: true });
  buildAcme(app, { lockFile: false, baseUrl: sandboxUrl, state: GitLabManagedState.of({ project: DEMO_STATE_PROJECT }) });
  app.synth();
  const problems = app.node.findAll()
    .flatMap((c) => c.node.validate().map((message) => ({ path: c.node.path, message })))
    .filter((p) => !TERRAFORM_CHECK.test(p.message));
  if (problems.length > 0) {
    throw new Error(`main.ts does not validate:\n  ${problems.map((p) => `[${p.path}] ${p.message}`).join('\n  ')}`);
  }
}
