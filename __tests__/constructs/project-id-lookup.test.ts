import { App, TerraformOutput, TerraformStack, Testing } from 'cdktf';
import { DataGitlabProject } from '@cdktf/provider-gitlab/lib/data-gitlab-project';
import { GitlabProvider } from '@cdktf/provider-gitlab/lib/provider';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ProjectIdLookup } from '../../lib/constructs/project-id-lookup';

// ProjectIdLookup stands in for the provider's binding for speed; what it
// synthesizes must not differ by a byte, in JSON or in HCL.
function stackWith(make: (stack: TerraformStack) => string, app: App = Testing.app()): TerraformStack {
  const stack = new TerraformStack(app, 'lookup');
  new GitlabProvider(stack, 'gitlab', {});
  new TerraformOutput(stack, 'id', { value: make(stack) });
  return stack;
}

describe('ProjectIdLookup', () => {
  it('synthesizes the same JSON as DataGitlabProject({ pathWithNamespace })', () => {
    const binding = Testing.synth(stackWith((s) => new DataGitlabProject(s, 'p', { pathWithNamespace: 'acme/Web.app' }).id), true);
    const lookup = Testing.synth(stackWith((s) => new ProjectIdLookup(s, 'p', 'acme/Web.app').id), true);
    expect(lookup).toBe(binding);
    expect(JSON.parse(lookup).data.gitlab_project.p).toEqual({ path_with_namespace: 'acme/Web.app' });
  });

  it('synthesizes the same HCL as the binding', () => {
    const hcl = (make: (stack: TerraformStack) => string): string => {
      const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'lookup-hcl-'));
      // cdktf 0.21 reads HCL mode per stack from the environment only.
      const before = process.env.SYNTH_HCL_OUTPUT;
      process.env.SYNTH_HCL_OUTPUT = 'true';
      try {
        const app = new App({ outdir, hclOutput: true });
        stackWith(make, app);
        app.synth();
        return fs.readFileSync(path.join(outdir, 'stacks', 'lookup', 'cdk.tf'), 'utf8');
      } finally {
        if (before === undefined) delete process.env.SYNTH_HCL_OUTPUT;
        else process.env.SYNTH_HCL_OUTPUT = before;
        fs.rmSync(outdir, { recursive: true, force: true });
      }
    };
    const binding = hcl((s) => new DataGitlabProject(s, 'p', { pathWithNamespace: 'acme/web' }).id);
    expect(binding).toContain('path_with_namespace = "acme/web"');
    expect(hcl((s) => new ProjectIdLookup(s, 'p', 'acme/web').id)).toBe(binding);
  });
});
