import * as path from 'path';
import { Command } from 'commander';
import type { CommandModule } from '../command';
import { concurrencyOption, DEFAULT_TIMEOUT_SECONDS, timeoutOption, tokenEnvOption, urlOption } from '../options';
import type { CliIO } from '../io';
import { helpPage } from '../help';
import { summaryOf } from './index';
import { ConfigError, GitLabTarget, resolveTarget } from '../../gitlab/config';
import { GitLabHttp } from '../../gitlab/http';
import { LOCK_FILE_NAME, LockFileError, loadLockFile, writeLockFile } from '../../lockfile';
import { describeDifference, LockDifference, lockDifferences } from '../../resolve/check';
import { preflightApiToken, PreflightError } from '../../doctor';
import { DeclaredReadError, readDeclared } from '../../drift/declared';
import { collectPaths, resolveLock } from '../../resolve';
import * as fs from 'fs';
import { commandErrorMessage } from '../command-error';
import { oneLine } from '../../util/escape';
import { deadlineFlag, positiveInt } from '../flags';

export interface ResolveCliOptions {
  synthDir: string;
  stack: string[];
  url?: string;
  tokenEnv?: string;
  output: string;
  concurrency: string;
  check?: boolean;
  timeout?: string;
}

/**
 * `tokenscope resolve`: writes the lock file; exit 0 written, 1 any path unknown or any error (nothing written).
 * `--check`: writes nothing; exit 0 the lock file matches GitLab, 2 it differs, 1 error.
 */
export async function resolveCommand(opts: ResolveCliOptions, io: CliIO, deps: { fetchImpl?: typeof fetch } = {}): Promise<number> {
  let target: GitLabTarget | undefined;
  try {
    const deadline = deadlineFlag(opts.timeout, DEFAULT_TIMEOUT_SECONDS.resolve);
    target = resolveTarget(io.env, { url: opts.url, tokenEnv: opts.tokenEnv });
    const concurrency = positiveInt(opts.concurrency, '--concurrency', 64);
    const declared = readDeclared(path.resolve(io.cwd, opts.synthDir), opts.stack);
    const app = collectPaths(declared);
    const outFile = path.resolve(io.cwd, opts.output);
    const previous = opts.check ? loadLockFile(opts.output, io.cwd) : fs.existsSync(outFile) ? loadLockFile(opts.output, io.cwd) : undefined;
    await preflightApiToken(target, { need: 'read_api', purpose: 'resolve', role: 'at least Guest on the projects and groups', fetchImpl: deps.fetchImpl, deadline });
    const http = new GitLabHttp({ baseUrl: target.baseUrl, token: target.token, mask: target.mask, fetchImpl: deps.fetchImpl, deadline });
    const result = await resolveLock(http, app, previous, { concurrency, gitlabUrl: target.baseUrl });
    if (result.errors.length > 0) {
      io.stderr.write(`tokenscope resolve: GitLab did not answer every lookup: ${target.mask(oneLine(result.errors[0]))}; ${opts.check ? 'nothing checked' : 'nothing written'}\n`);
      return 1;
    }
    if (opts.check && previous) return reportCheck(io, opts.output, lockDifferences(previous, result, target.baseUrl), target.baseUrl, http.requestCount);
    const missingCount = result.missing.projects.length + result.missing.groups.length;
    if (missingCount > 0) {
      const lines = [
        ...result.missing.projects.map((p) => `  project ${p}`),
        ...result.missing.groups.map((g) => `  group   ${g}`),
      ];
      io.stderr.write(
        `tokenscope resolve: GitLab at ${target.baseUrl} does not know ${missingCount} path${missingCount === 1 ? '' : 's'} the app names ` +
          `(misspelt, moved, or not visible to the token); nothing written:\n${lines.join('\n')}\n`,
      );
      return 1;
    }
    for (const p of result.dropped.projects) io.stderr.write(`tokenscope resolve: dropped project ${p} (in the old lock file, unknown to GitLab now)\n`);
    for (const g of result.dropped.groups) io.stderr.write(`tokenscope resolve: dropped group ${g} (in the old lock file, unknown to GitLab now)\n`);
    writeLockFile(path.dirname(outFile), result.lock, path.basename(outFile));
    const np = Object.keys(result.lock.projects).length;
    const ng = Object.keys(result.lock.groups).length;
    io.stdout.write(
      `tokenscope resolve: wrote ${path.relative(io.cwd, outFile) || outFile}: ${np} project${np === 1 ? '' : 's'}, ${ng} group${ng === 1 ? '' : 's'} ` +
        `(${http.requestCount} HTTP request${http.requestCount === 1 ? '' : 's'})\n`,
    );
    return 0;
  } catch (err) {
    io.stderr.write(commandErrorMessage(err, target, {
      command: 'resolve',
      env: io.env,
      tokenEnv: opts.tokenEnv,
      role: 'at least Guest on the projects and groups',
      expected: [PreflightError, ConfigError, DeclaredReadError, LockFileError],
    }));
    return 1;
  }
}

function reportCheck(io: CliIO, file: string, diffs: readonly LockDifference[], baseUrl: string, requests: number): number {
  const req = `${requests} HTTP request${requests === 1 ? '' : 's'}`;
  if (diffs.length === 0) {
    io.stdout.write(`tokenscope resolve --check: ${file} matches GitLab at ${baseUrl} (${req})\n`);
    return 0;
  }
  io.stdout.write(
    `tokenscope resolve --check: ${file} differs from GitLab at ${baseUrl} (${diffs.length} difference${diffs.length === 1 ? '' : 's'}, ${req}); ` +
      `run \`tokenscope resolve\` and review the diff:\n${diffs.map((d) => `  ${describeDifference(d)}`).join('\n')}\n`,
  );
  return 2;
}

export const resolveModule: CommandModule = {
  name: 'resolve',
  register(program: Command, io: CliIO, state) {
    program
      .command('resolve')
      .description(summaryOf('resolve'))
      .option('--synth-dir <dir>', 'synthesized app (cdktf.out)', 'cdktf.out')
      .option('--stack <name>', 'only this stack (repeatable)', (v: string, prev: string[]) => [...prev, v], [] as string[])
      .addOption(urlOption())
      .addOption(tokenEnvOption())
      .option('--output <file>', 'lock file to write (with --check: to check)', LOCK_FILE_NAME)
      .option('--check', 'verify the lock file against GitLab without writing: exit 0 matches, 2 differs, 1 error (for CI)')
      .addOption(concurrencyOption())
      .addOption(timeoutOption(DEFAULT_TIMEOUT_SECONDS.resolve))
      .addHelpText('after', helpPage('resolve'))
      .action(async (opts: ResolveCliOptions) => {
        state.exitCode = await resolveCommand(opts, io);
      });
  },
};
