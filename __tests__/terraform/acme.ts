/**
 * The example ops app (main.ts) against the demo org through real Terraform:
 * synth with GitLab-managed state on the sandbox, a Terraform work dir per
 * stack, the CLI in-process, and the sandbox's own view of the allowlists.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdktf';
import { GitLabManagedState, JobTokenScope, TokenScopeStack } from '../../lib';
import type { TokenScopeStackProps } from '../../lib';
import { memoryIO } from '../../lib/cli/io';
import { runCli } from '../../lib/cli/main';
import { DEMO_TOKEN } from '../../lib/demo/run';
import type { Sandbox, SeedFile } from '../../lib/sandbox';
import demoSeed from '../../lib/sandbox/demo-seed.json';
import type { TerraformRig, TerraformWorkdir } from './harness';
import { leaksIn } from '../support/leaks';

/** The demo seed's api token of ops (Maintainer on acme): what Terraform applies with. */
export const API_TOKEN = 'glpat-sandbox-ops-maintainer-0000000001';
/** The demo seed's read_api token of ops: what drift and plan-summary read with. */
export const READ_TOKEN = DEMO_TOKEN;
export const SECRETS = [API_TOKEN, READ_TOKEN];

/** No form of the seed's tokens (whole, any 12-character run, any case, URL-encoded, base64) in `text`. */
export function expectNoSecret(where: string, text: string): void {
  expect(leaksIn(where, text, SECRETS)).toEqual([]);
}

/** A fresh copy of the demo org's seed. */
export function acmeSeed(): SeedFile {
  return JSON.parse(JSON.stringify(demoSeed)) as SeedFile;
}

/** Props for a stack of the app: the sandbox as GitLab, state GitLab-managed in `stateProject` under the stack's name. */
export function stackProps(sb: Sandbox, stateProject: string): TokenScopeStackProps {
  return { lockFile: false, baseUrl: sb.url, state: GitLabManagedState.of({ project: stateProject }) };
}

/** Synthesizes what `build` adds to `app` into `outdir`; returns each stack's cdk.tf.json text by name. */
export function synthApp(outdir: string, build: (app: App) => TokenScopeStack[]): Record<string, string> {
  fs.rmSync(outdir, { recursive: true, force: true });
  const app = new App({ outdir });
  const stacks = build(app);
  app.synth();
  return Object.fromEntries(stacks.map((s) => [s.node.id, fs.readFileSync(path.join(outdir, 'stacks', s.node.id, 'cdk.tf.json'), 'utf8')]));
}

/** The JobTokenScope constructs of a stack. */
export function scopesOf(stack: TokenScopeStack): JobTokenScope[] {
  return stack.node.findAll().filter((c): c is JobTokenScope => c instanceof JobTokenScope);
}

/** A Terraform work dir for one stack (credentials for the http backend in TF_HTTP_*), holding `configText` as cdk.tf.json. */
export async function stackWorkdir(rig: TerraformRig, configText: string): Promise<TerraformWorkdir> {
  const w = await rig.workdir({ env: { TF_HTTP_USERNAME: 'ops', TF_HTTP_PASSWORD: API_TOKEN } });
  fs.writeFileSync(path.join(w.dir, 'cdk.tf.json'), configText);
  return w;
}

/** `tokenscope <args>` in-process against the sandbox with the read_api token (or another). */
export async function cli(sb: Sandbox, args: string[], cwd: string, token = READ_TOKEN): Promise<{ code: number; out: string; err: string }> {
  const io = memoryIO({ GITLAB_URL: sb.url, GITLAB_TOKEN: token }, cwd);
  const code = await runCli(['node', 'tokenscope', ...args], io);
  return { code, out: io.out(), err: io.err() };
}

export interface LiveScope {
  readonly enabled: boolean;
  readonly projects: number[];
  readonly groups: number[];
}

/** The sandbox's own view of a project's scope: the stored toggle and the entry ids, sorted. */
export function liveScope(sb: Sandbox, id: number): LiveScope {
  const p = sb.state.projects.get(id);
  if (!p) throw new Error(`no project ${id} in the sandbox`);
  const sorted = (m: Map<number, unknown>) => [...m.keys()].sort((a, b) => a - b);
  return { enabled: p.inboundEnabled, projects: sorted(p.projectLinks), groups: sorted(p.groupLinks) };
}

/** liveScope of every project, by path. */
export function liveScopes(sb: Sandbox): Record<string, LiveScope> {
  return Object.fromEntries([...sb.state.projects.values()].map((p) => [p.fullPath, liveScope(sb, p.id)]));
}

/** Terraform wraps long diagnostic lines: compare with whitespace collapsed. */
export const flat = (text: string): string => text.replace(/\s+/g, ' ');
