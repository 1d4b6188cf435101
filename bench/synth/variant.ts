/**
 * Child process: builds and synthesizes one variant of the workload and prints
 * one JSON line {variant, scopes, ms, maxRssMb}. Run separately per measurement
 * so that peak RSS belongs to that variant alone.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, TerraformStack, Token } from 'cdktf';
import { GitlabProvider } from '@cdktf/provider-gitlab/lib/provider';
import { ProjectJobTokenScopes } from '@cdktf/provider-gitlab/lib/project-job-token-scopes';
import { DataGitlabProject } from '@cdktf/provider-gitlab/lib/data-gitlab-project';
import { DataGitlabGroup } from '@cdktf/provider-gitlab/lib/data-gitlab-group';
import { JobTokenScope, TokenScopeStack } from '../../lib';
import { workload, ScopeSpec } from './workload';

function buildTokenscope(app: App, stacks: ScopeSpec[][]): void {
  stacks.forEach((specs, s) => {
    const stack = new TokenScopeStack(app, `stack-${s}`, { lockFile: false });
    specs.forEach((spec, i) => new JobTokenScope(stack, `scope-${i}`, spec));
  });
}

/** The same resources written directly with the provider bindings, as a careful user would. */
function buildRaw(app: App, stacks: ScopeSpec[][]): void {
  stacks.forEach((specs, s) => {
    const stack = new TerraformStack(app, `stack-${s}`);
    new GitlabProvider(stack, 'gitlab', {});
    const projects = new Map<string, DataGitlabProject>();
    const groups = new Map<string, DataGitlabGroup>();
    const projectId = (p: string) => {
      let ds = projects.get(p);
      if (!ds) {
        ds = new DataGitlabProject(stack, `p-${p}`, { pathWithNamespace: p });
        projects.set(p, ds);
      }
      return Token.asNumber(ds.id);
    };
    const groupId = (g: string) => {
      let ds = groups.get(g);
      if (!ds) {
        ds = new DataGitlabGroup(stack, `g-${g}`, { fullPath: g });
        groups.set(g, ds);
      }
      return ds.groupId;
    };
    specs.forEach((spec, i) => {
      new ProjectJobTokenScopes(stack, `scope-${i}`, {
        project: spec.project,
        enabled: true,
        targetProjectIds: spec.allowProjects.map(projectId),
        targetGroupIds: spec.allowGroups.map(groupId),
      });
    });
  });
}

function main(): void {
  const [variant, scopesArg] = process.argv.slice(2);
  const scopes = Number(scopesArg);
  const stacks = workload(scopes);
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), `bench-synth-${variant}-`));
  const start = process.hrtime.bigint();
  const app = new App({ outdir });
  if (variant === 'tokenscope') buildTokenscope(app, stacks);
  else if (variant === 'raw') buildRaw(app, stacks);
  else throw new Error(`unknown variant ${variant}`);
  app.synth();
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const maxRssMb = process.resourceUsage().maxRSS / 1024;
  fs.rmSync(outdir, { recursive: true, force: true });
  process.stdout.write(JSON.stringify({ variant, scopes, ms, maxRssMb }) + '\n');
}

main();
