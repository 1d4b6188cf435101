import * as fs from 'fs';
import * as path from 'path';
import type { CommandModule } from '../command';
import { helpPage } from '../help';
import { summaryOf } from './index';
import type { CliIO } from '../io';
import { describeSecret } from '../../gitlab/secrets';
import { readFailureReason } from '../../util/read-file';
import { loadSeed, SandboxState, SeedError, startSandbox } from '../../sandbox';
import type { Sandbox, SandboxOptions } from '../../sandbox';
import { startProviderStandIn } from '../../sandbox/provider';
import type { ProviderStandIn } from '../../sandbox/provider';
import { describeStandInStopped, describeTerraformEnv } from '../../sandbox/provider/terraform-env';
import demoSeed from '../../sandbox/demo-seed.json';

interface SandboxFlags {
  seed?: string;
  port: string;
  latencyMs?: string;
  faultRate?: string;
  rateLimit?: string;
  randomSeed?: string;
  stateDir?: string;
  maxStateBytes?: string;
  terraform?: boolean;
  maxComplexity?: string;
}

export interface SandboxCommandDeps {
  /** Resolves when the sandbox should stop; default: the first SIGINT or SIGTERM. */
  readonly waitForStop?: (sandbox: Sandbox) => Promise<void>;
}

function waitForSignal(): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      resolve();
    };
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
}

class FlagError extends Error {}

function numberFlag(name: string, raw: string | undefined, check: (n: number) => boolean, rule: string): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n) || !check(n)) throw new FlagError(`${name} must be ${rule} (got "${raw}")`);
  return n;
}

function parseFlags(flags: SandboxFlags): Omit<SandboxOptions, 'seed'> {
  return {
    port: numberFlag('--port', flags.port, (n) => Number.isInteger(n) && n >= 0 && n <= 65535, 'a port number 0-65535 (0 = any free port)'),
    latencyMs: numberFlag('--latency-ms', flags.latencyMs, (n) => n >= 0, 'a number of milliseconds >= 0'),
    faultRate: numberFlag('--fault-rate', flags.faultRate, (n) => n >= 0 && n <= 1, 'a share between 0 and 1'),
    rateLimit: numberFlag('--rate-limit', flags.rateLimit, (n) => Number.isInteger(n) && n > 0, 'a whole number of requests per minute > 0'),
    randomSeed: numberFlag('--random-seed', flags.randomSeed, (n) => Number.isInteger(n), 'an integer'),
    maxComplexity: numberFlag('--max-complexity', flags.maxComplexity, (n) => Number.isInteger(n) && n > 0, 'a whole number > 0'),
    maxTerraformStateBytes: numberFlag('--max-state-bytes', flags.maxStateBytes, (n) => Number.isInteger(n) && n >= 0, 'a whole number of bytes >= 0 (0 = no limit)'),
  };
}

function readSeed(io: CliIO, file: string | undefined): { state: SandboxState; label: string } {
  if (!file) return { state: loadSeed(demoSeed), label: `built-in demo org, ${shownPath(io.cwd, demoSeedFile())}` };
  const full = path.resolve(io.cwd, file);
  let text: string;
  try {
    text = fs.readFileSync(full, 'utf8');
  } catch (err) {
    throw new FlagError(`cannot read seed ${file}: ${readFailureReason(err)}`);
  }
  try {
    return { state: loadSeed(text), label: file };
  } catch (err) {
    if (err instanceof SeedError) throw new FlagError(`invalid seed ${file}: ${err.message}`);
    throw err;
  }
}

/**
 * Where the built-in seed really is: next to the sandbox's code, in the source
 * tree or in the installed package (`node_modules/tokenscope/dist/lib/sandbox/demo-seed.json`),
 * so that a user can open it for the token values or copy it as a start.
 */
export function demoSeedFile(): string {
  return path.join(__dirname, '..', '..', 'sandbox', 'demo-seed.json');
}

/** A path as a user in `cwd` would type it: relative when inside cwd. */
function shownPath(cwd: string, file: string): string {
  const rel = path.relative(cwd, file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}

/** "3 users (+ 2 bot users of access tokens)": the seed's users, and the bots GitLab creates for project and group tokens. */
function usersLine(state: SandboxState): string {
  const all = [...state.users.values()];
  const bots = all.filter((u) => u.bot).length;
  const people = all.length - bots;
  return `${people} user${people === 1 ? '' : 's'}${bots ? ` (+ ${bots} bot user${bots === 1 ? '' : 's'} of project and group access tokens)` : ''}`;
}

/** What the sandbox serves, with tokens masked (their values are in the seed file). */
export function describeSandbox(sandbox: Sandbox, seedLabel: string): string {
  const s = sandbox.state;
  const lines = [
    `tokenscope sandbox listening on ${sandbox.url}`,
    `seed: ${seedLabel}: ${usersLine(s)}, ${s.groups.size} groups, ${s.projects.size} projects; instance ${s.instance.version}` +
      `${s.instance.enforceAllowlist ? ', allowlist enforced for all projects' : ''}` +
      `${s.policiesEnabled() ? '' : ', feature flag add_policies_to_ci_job_token off'}`,
    'tokens (masked; the values are in the seed):',
  ];
  for (const t of s.tokens.values()) {
    const who = t.type === 'project' || t.type === 'job' || t.type === 'deploy'
      ? s.projects.get(t.projectId!)!.fullPath
      : t.type === 'group' ? s.groups.get(t.groupId!)!.fullPath : '';
    const user = t.type === 'personal' || t.type === 'oauth' || t.type === 'job' ? s.users.get(t.userId!)!.username : '';
    const notes = [t.scopes.join(','), t.type === 'job' ? `job ${t.jobStatus}` : '', t.revoked ? 'revoked' : '', t.expiresAt ? `expires ${t.expiresAt}` : '']
      .filter(Boolean).join(' ');
    lines.push(`  ${t.type.padEnd(8)} ${[user, who].filter(Boolean).join(' @ ').padEnd(34)} ${describeSecret(t.value).padEnd(20)} ${notes}`.trimEnd());
  }
  lines.push(`GraphQL: ${sandbox.url}/api/graphql   REST: ${sandbox.url}/api/v4   stats: ${sandbox.url}/-/sandbox/stats`);
  const kept = sandbox.terraformStates.dir;
  lines.push(`Terraform state: ${sandbox.url}/api/v4/projects/<id>/terraform/state/<name> ` +
    `(${kept ? `kept in ${kept}, ${sandbox.terraformStates.list().length} states` : 'in memory; --state-dir DIR keeps it'})`);
  lines.push('Stop with Ctrl-C.');
  return lines.join('\n') + '\n';
}

function complexityLine(limit: number): string {
  return `GraphQL complexity limit: ${limit} (stricter than GitLab's 200/250/300)\n`;
}

export function createSandboxCommand(deps: SandboxCommandDeps = {}): CommandModule {
  return {
    name: 'sandbox',
    register(program, io, state) {
      program
        .command('sandbox')
        .description(summaryOf('sandbox'))
        .option('--seed <file>', 'JSON seed with users, groups, projects, allowlists and tokens (default: the built-in demo org)')
        .option('--port <n>', 'port on 127.0.0.1; 0 = any free port', '0')
        .option('--latency-ms <ms>', 'delay added to every API response')
        .option('--fault-rate <share>', 'share (0..1) of API requests that fail: half HTTP 500, half connection reset')
        .option('--rate-limit <n>', 'requests per minute per token before HTTP 429 with Retry-After')
        .option('--random-seed <n>', 'seed of the fault sequence, for repeatable runs')
        .option('--state-dir <dir>', 'keep GitLab-managed Terraform states (and their locks) in DIR, so a restarted sandbox has them')
        .option('--max-state-bytes <n>', 'GitLab\'s max_terraform_state_size_bytes: larger state uploads get 413 (default 0 = no limit)')
        .option('--terraform', 'also serve a Terraform provider stand-in for gitlabhq/gitlab and print the exports (TF_REATTACH_PROVIDERS, GITLAB_BASE_URL, ...) that point terraform and cdktf at this sandbox')
        .option('--max-complexity <n>', 'GraphQL complexity limit below GitLab\'s (stricter than GitLab), to exercise clients\' split-and-retry')
        .addHelpText('after', helpPage('sandbox'))
        .action(async (flags: SandboxFlags) => {
          let sandbox: Sandbox;
          let label: string;
          let options: Omit<SandboxOptions, 'seed'>;
          try {
            options = parseFlags(flags);
            const seed = readSeed(io, flags.seed);
            label = seed.label;
            sandbox = await startSandbox({ ...options, seed: seed.state, ...(flags.stateDir ? { stateDir: path.resolve(io.cwd, flags.stateDir) } : {}) });
          } catch (err) {
            io.stderr.write(`tokenscope sandbox: ${(err as Error).message}\n`);
            state.exitCode = 1;
            return;
          }
          let standIn: ProviderStandIn | undefined;
          if (flags.terraform) {
            // The stand-in reads GITLAB_TOKEN from this process's environment, as a reattached provider does from its own.
            const env = io.env;
            try {
              standIn = await startProviderStandIn({ env: { ...env, GITLAB_BASE_URL: sandbox.url } });
            } catch (err) {
              await sandbox.stop();
              io.stderr.write(`tokenscope sandbox: cannot start the Terraform provider stand-in: ${(err as Error).message}\n`);
              state.exitCode = 1;
              return;
            }
            io.stdout.write(describeSandbox(sandbox, label));
            if (options.maxComplexity !== undefined) io.stdout.write(complexityLine(options.maxComplexity));
            io.stdout.write(describeTerraformEnv({ sandboxUrl: sandbox.url, state: sandbox.state, standIn, standInToken: env.GITLAB_TOKEN || undefined }));
          } else {
            io.stdout.write(describeSandbox(sandbox, label));
            if (options.maxComplexity !== undefined) io.stdout.write(complexityLine(options.maxComplexity));
          }
          await (deps.waitForStop ?? waitForSignal)(sandbox);
          if (standIn) {
            const ps = standIn.stats();
            await standIn.stop();
            io.stdout.write(describeStandInStopped(ps));
          }
          const st = sandbox.stats();
          await sandbox.stop();
          io.stdout.write(`tokenscope sandbox stopped: ${st.httpRequests} HTTP requests (${st.graphqlQueries} GraphQL queries, ${st.restCalls} REST calls, ${st.mutations} mutations${st.stateCalls ? `, ${st.stateCalls} Terraform state calls` : ''})\n`);
          state.exitCode = 0;
        });
    },
  };
}

export const sandboxCommand: CommandModule = createSandboxCommand();
