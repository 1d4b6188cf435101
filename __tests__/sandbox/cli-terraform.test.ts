/**
 * `tokenscope sandbox --terraform`: the stand-in starts beside the sandbox, the
 * printed exports are enough for real Terraform to apply against it, no token
 * value is printed, and the socket goes away with the sandbox.
 */
import * as fs from 'fs';
import { Command } from 'commander';
import { memoryIO } from '../../lib/cli/io';
import { createSandboxCommand } from '../../lib/cli/commands/sandbox';
import type { Sandbox } from '../../lib/sandbox';
import { TerraformWorkdir } from '../terraform/harness';

const OPS = 'glpat-sandbox-ops-maintainer-0000000001';

async function runSandbox(args: string[], env: Record<string, string>, during: (sb: Sandbox, out: () => string) => Promise<void>) {
  const io = memoryIO(env);
  const state = { exitCode: -1 };
  const program = new Command().exitOverride();
  createSandboxCommand({ waitForStop: (sb) => during(sb, io.out) }).register(program, io, state);
  await program.parseAsync(['node', 'tokenscope', 'sandbox', ...args]);
  return { code: state.exitCode, out: io.out(), err: io.err() };
}

const exported = (out: string, name: string): string | undefined => {
  const line = out.split('\n').find((l) => l.startsWith(`export ${name}=`));
  return line?.slice(`export ${name}=`.length);
};

describe('tokenscope sandbox --terraform', () => {
  it('prints the exports, serves real Terraform with them, and removes its socket on stop', async () => {
    let socket = '';
    let applied = '';
    const r = await runSandbox(['--terraform'], { GITLAB_TOKEN: OPS }, async (sb, out) => {
      const reattach = exported(out(), 'TF_REATTACH_PROVIDERS')!;
      expect(reattach).toMatch(/^'.*'$/);
      const json = JSON.parse(reattach.slice(1, -1));
      socket = json['registry.terraform.io/gitlabhq/gitlab'].Addr.String;
      expect(json['registry.terraform.io/gitlabhq/gitlab']).toMatchObject({ Protocol: 'grpc', ProtocolVersion: 6, Pid: process.pid, Test: true, Addr: { Network: 'unix' } });
      expect(fs.existsSync(socket)).toBe(true);
      expect(exported(out(), 'GITLAB_BASE_URL')).toBe(sb.url);
      const tf = await TerraformWorkdir.create({ reattach: reattach.slice(1, -1) });
      try {
        // acme/platform/runner-images (102) allows group acme; the declaration keeps it and adds acme/web/storefront (201).
        tf.writeConfig({ resource: { gitlab_project_job_token_scopes: { images: { project: '102', enabled: true, target_project_ids: [201], target_group_ids: [...sb.state.projects.get(102)!.groupLinks.keys()] } } } });
        await tf.init();
        applied = (await tf.apply()).output;
        expect([...sb.state.projects.get(102)!.projectLinks.keys()]).toEqual([201]);
        expect(tf.everything()).not.toContain(OPS);
      } finally {
        tf.remove();
      }
    });
    expect(applied).toContain('Apply complete! Resources: 1 added');
    expect(r.code).toBe(0);
    expect(r.out).toContain('export GITLAB_TOKEN=<the api token of user ops from the seed, glpat-****0001>');
    expect(r.out).toContain('export TF_HTTP_USERNAME=ops\n');
    expect(r.out).toContain('export TF_HTTP_PASSWORD=<the api token of user ops from the seed, glpat-****0001>');
    expect(r.out).toContain("with this process's GITLAB_TOKEN (glpat-****0001)");
    expect(r.out).toMatch(/Terraform provider stand-in stopped: \d+ RPCs, \d+ HTTP requests to GitLab; socket removed\n/);
    expect(r.out).not.toContain(OPS);
    expect(fs.existsSync(socket)).toBe(false);
  });

  it('says how to give the stand-in a token when this process has none', async () => {
    const r = await runSandbox(['--terraform'], {}, async () => undefined);
    expect(r.code).toBe(0);
    expect(r.out).toContain('and it is not set: restart as GITLAB_TOKEN=<the api token of user ops from the seed, glpat-****0001> tokenscope sandbox --terraform');
  });
});
