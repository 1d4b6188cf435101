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
import { LockFile, lockKey } from '../../lib/lockfile';
import { workload, ScopeSpec } from './workload';

function buildTokenscope(app: App, stacks: ScopeSpec[][], lockFile: LockFile | false = false): void {
  stacks.forEach((specs, s) => {
    const stack = new TokenScopeStack(app, `stack-${s}`, { lockFile });
    specs.forEach((spec, i) => new JobTokenScope(stack, `scope-${i}`, spec));
  });
}

/**
 * The same resources written directly with the provider bindings, as a careful
 * user would: the scope's own project by its numeric id too (GitLab takes only
 * an id in the allowlist URLs the provider builds from `project`).
 */
function buildRaw(app: App, stacks: ScopeSpec[][]): void {
  stacks.forEach((specs, s) => {
    const stack = new TerraformStack(app, `stack-${s}`);
    new GitlabProvider(stack, 'gitlab', {});
    const projects = new Map<string, DataGitlabProject>();
    const groups = new Map<string, DataGitlabGroup>();
    const project = (p: string) => {
      let ds = projects.get(p);
      if (!ds) {
        ds = new DataGitlabProject(stack, `p-${p}`, { pathWithNamespace: p });
        projects.set(p, ds);
      }
      return ds;
    };
    const projectId = (p: string) => Token.asNumber(project(p).id);
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
        project: project(spec.project).id,
        enabled: true,
        targetProjectIds: spec.allowProjects.map(projectId),
        targetGroupIds: spec.allowGroups.map(groupId),
      });
    });
  });
}

/** What `tokenscope resolve` would write for the workload: every path with an id, so synth needs no data source. */
function lockFor(stacks: ScopeSpec[][]): LockFile {
  const projects: Record<string, number> = {};
  const groups: Record<string, number> = {};
  const id = (map: Record<string, number>, p: string) => {
    if (map[lockKey(p)] === undefined) map[lockKey(p)] = 1000 + Object.keys(projects).length + Object.keys(groups).length;
  };
  for (const spec of stacks.flat()) {
    id(projects, spec.project);
    spec.allowProjects.forEach((p) => id(projects, p));
    spec.allowGroups.forEach((g) => id(groups, g));
  }
  return { version: 1, projects, groups };
}

function main(): void {
  const [variant, scopesArg] = process.argv.slice(2);
  const scopes = Number(scopesArg);
  const stacks = workload(scopes);
  const lock = variant === 'tokenscope-lock' ? lockFor(stacks) : undefined;
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), `bench-synth-${variant}-`));
  const start = process.hrtime.bigint();
  const app = new App({ outdir });
  if (variant === 'tokenscope') buildTokenscope(app, stacks);
  else if (variant === 'tokenscope-lock') buildTokenscope(app, stacks, lock);
  else if (variant === 'raw') buildRaw(app, stacks);
  else throw new Error(`unknown variant ${variant}`);
  app.synth();
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const maxRssMb = process.resourceUsage().maxRSS / 1024;
  fs.rmSync(outdir, { recursive: true, force: true });
  process.stdout.write(JSON.stringify({ variant, scopes, ms, maxRssMb }) + '\n');
}

main();
