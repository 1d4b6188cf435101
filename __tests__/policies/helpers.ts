import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdktf';
import { JobTokenScope, JobTokenScopeProps, TokenScopeStack } from '../../lib';
import type { LockFile } from '../../lib/lockfile';
import { memoryIO } from '../../lib/cli/io';
import { runCli } from '../../lib/cli/main';
import { startSandbox } from '../../lib/sandbox';
import type { Sandbox, SeedFile } from '../../lib/sandbox';

/**
 * Synthesizes stacks into a temporary cdktf.out with a real `app.synth()`
 * (Testing.synth drops the `//` blocks the policies travel in). Returns the dir.
 */
export function synthStacks(stacks: Record<string, JobTokenScopeProps[]>, lock: LockFile | false = false): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tokenscope-policies-'));
  const app = new App({ outdir: dir });
  for (const [name, scopes] of Object.entries(stacks)) {
    const stack = new TokenScopeStack(app, name, { lockFile: lock });
    scopes.forEach((props, i) => new JobTokenScope(stack, `scope${i}`, props));
  }
  app.synth();
  return dir;
}

export function removeDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

/**
 * The org every policies test starts from: a GitLab of `version` (default
 * 18.6.0, which has the feature), user `ops`, Maintainer of group `acme`
 * (id 10), plus what the test adds.
 */
export function acmeSeed(opts: {
  version?: string;
  featureFlags?: { add_policies_to_ci_job_token?: boolean };
  groups?: NonNullable<SeedFile['groups']>;
  projects: NonNullable<SeedFile['projects']>;
  tokens: NonNullable<SeedFile['tokens']>;
}): SeedFile {
  return {
    instance: { version: opts.version ?? '18.6.0', ...(opts.featureFlags ? { featureFlags: opts.featureFlags } : {}) },
    users: [{ username: 'ops' }],
    groups: [{ path: 'acme', id: 10, members: { ops: 'maintainer' } }, ...(opts.groups ?? [])],
    projects: opts.projects,
    tokens: opts.tokens,
  };
}

/**
 * Temporary directories of one test file, removed after its tests: a working
 * directory for the CLI and synth dirs. Call at the top level of the file.
 */
export function tempDirs(prefix: string): { cwd: () => string; synth: (stacks: Parameters<typeof synthStacks>[0]) => string } {
  const dirs: string[] = [];
  let cwd: string | undefined;
  afterAll(() => dirs.forEach(removeDir));
  return {
    cwd: () => {
      if (!cwd) { cwd = fs.mkdtempSync(path.join(os.tmpdir(), prefix)); dirs.push(cwd); }
      return cwd;
    },
    synth: (stacks) => {
      const dir = synthStacks(stacks);
      dirs.push(dir);
      return dir;
    },
  };
}

/** A sandbox for the enclosing `describe`: started before its tests, stopped after them. */
export function useSandbox(seed: SeedFile): () => Sandbox {
  let sandbox: Sandbox | undefined;
  beforeAll(async () => { sandbox = await startSandbox({ seed, port: 0 }); });
  afterAll(async () => { await sandbox?.stop(); });
  return () => {
    if (!sandbox) throw new Error('the sandbox is not running (useSandbox inside describe, use the getter inside a test)');
    return sandbox;
  };
}

export interface CliRun {
  readonly code: number;
  readonly out: string;
  readonly err: string;
  /** GraphQL mutations and REST writes the sandbox received during the run. */
  readonly mutations: number;
}

/** Runs `tokenscope <args>` in-process in `cwd`, with `env`; counts the writes `sandbox` saw. */
export async function runTokenscope(args: string[], opts: { cwd: string; env?: Record<string, string>; sandbox?: Sandbox }): Promise<CliRun> {
  const io = memoryIO(opts.env ?? {}, opts.cwd);
  const before = opts.sandbox?.stats().mutations ?? 0;
  const code = await runCli(['node', 'tokenscope', ...args], io);
  return { code, out: io.out(), err: io.err(), mutations: (opts.sandbox?.stats().mutations ?? 0) - before };
}

/** The environment pointing the CLI at `sandbox` with `token`. */
export function sandboxEnv(sandbox: Sandbox, token: string): Record<string, string> {
  return { GITLAB_URL: sandbox.url, GITLAB_TOKEN: token };
}
