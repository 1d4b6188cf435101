import * as fs from 'fs';
import * as path from 'path';
import { Command, Option } from 'commander';
import type { CommandModule } from '../command';
import { concurrencyOption, DEFAULT_TIMEOUT_SECONDS, noProgressOption, timeoutOption, tokenEnvOption, urlOption } from '../options';
import { dateFlag, deadlineFlag, wholeNumberFlag } from '../flags';
import type { CliIO } from '../io';
import { helpPage } from '../help';
import { summaryOf } from './index';
import { ConfigError, GitLabTarget, resolveTarget } from '../../gitlab/config';
import { GitLabHttp } from '../../gitlab/http';
import { LockFileError, readLockFile } from '../../lockfile';
import { preflightApiToken, PreflightError } from '../../doctor';
import { DeclaredReadError } from '../../drift/declared';
import { progressBar } from '../../drift/progress';
import { parseTargetRef } from '../../model/target';
import { GroupReadError } from '../../import/group-projects';
import { findScopeDeclarations } from '../../source/find-scopes';
import { buildPatch, gitRootOf } from '../../suggest/patch';
import { renderSuggestJson, renderSuggestText, SUGGEST_FORMATS, SuggestFormat, withSources } from '../../suggest/render';
import { runSuggest, SuggestSource } from '../../suggest/run';
import { EXIT_ERROR, suggestExitCode, SuggestReport } from '../../suggest/types';
import { commandErrorMessage } from '../command-error';
import { oneLine } from '../../util/escape';

export const DEFAULT_UNUSED_DAYS = 90;
export const DEFAULT_COMPACT_THRESHOLD = 5;

export interface SuggestCliOptions {
  synthDir: string;
  stack: string[];
  group?: string;
  includeSubgroups?: boolean;
  unusedDays: string;
  compactThreshold: string;
  logSince?: string;
  format: SuggestFormat;
  patch?: string | boolean;
  source?: string;
  url?: string;
  tokenEnv?: string;
  concurrency: string;
  progress: boolean;
  timeout?: string;
}

export interface SuggestDeps {
  readonly fetchImpl?: typeof fetch;
  readonly now?: Date;
}

class UsageError extends Error {}


/** Runs `tokenscope suggest` and returns its exit code (0 nothing to suggest, 2 suggestions, 1 unreadable or error). */
export async function suggestCommand(opts: SuggestCliOptions, io: CliIO, deps: SuggestDeps = {}): Promise<number> {
  let target: GitLabTarget | undefined;
  try {
    const deadline = deadlineFlag(opts.timeout, DEFAULT_TIMEOUT_SECONDS.suggest);
    const unusedDays = wholeNumberFlag(opts.unusedDays, '--unused-days', 1, 3650);
    const compactThreshold = wholeNumberFlag(opts.compactThreshold, '--compact-threshold', 1, 200);
    const concurrency = wholeNumberFlag(opts.concurrency, '--concurrency', 1, 64);
    const logSince = opts.logSince !== undefined ? dateFlag(opts.logSince, '--log-since') : undefined;
    if (opts.includeSubgroups && !opts.group) throw new UsageError('--include-subgroups goes with --group');
    if (opts.group && opts.stack.length > 0) throw new UsageError('--stack picks stacks of the synthesized app; it does not go with --group');
    if (opts.group) {
      const parsed = parseTargetRef(opts.group);
      if (!parsed.ok || parsed.ref.kind !== 'path') throw new UsageError(`--group ${JSON.stringify(opts.group)} ${parsed.ok ? 'is a numeric id; give the full path' : parsed.reason}`);
    }
    const sourceDir = path.resolve(io.cwd, opts.source ?? '.');
    const wantPatch = opts.patch !== undefined && opts.patch !== false;
    if (wantPatch && !fs.existsSync(sourceDir)) throw new UsageError(`--source ${opts.source}: no such directory`);
    const source: SuggestSource = opts.group
      ? { kind: 'group', group: opts.group, includeSubgroups: opts.includeSubgroups }
      : { kind: 'synth', synthDir: path.resolve(io.cwd, opts.synthDir), stacks: opts.stack, lock: readLockFile(io.cwd) };

    target = resolveTarget(io.env, { url: opts.url, tokenEnv: opts.tokenEnv });
    const pre = await preflightApiToken(target, { need: 'read_api', purpose: 'suggest', fetchImpl: deps.fetchImpl, now: deps.now, deadline });
    for (const w of pre.warnings) io.stderr.write(`tokenscope suggest: warning: ${target.mask(w)}\n`);

    const http = new GitLabHttp({ baseUrl: target.baseUrl, token: target.token, mask: target.mask, fetchImpl: deps.fetchImpl, deadline });
    const progress = progressBar(io.stderr, opts.progress);
    let result;
    try {
      result = await runSuggest({
        http, source, now: deps.now ?? new Date(), unusedDays, compactThreshold, concurrency, onProgress: (d, t) => progress.update(d, t),
        ...(logSince ? { logSince } : {}),
      });
    } finally {
      progress.end();
    }
    let report: SuggestReport = result.report;
    let patch = '';
    if (wantPatch) {
      const built = buildPatch(report.projects, findScopeDeclarations(sourceDir), { root: gitRootOf(sourceDir), displayRoot: sourceDir, idsByPath: result.idsByPath });
      patch = target.mask(built.patch);
      report = { ...report, projects: withSources(report.projects, built.located) };
      for (const p of report.projects) {
        if (p.sourceProblem) io.stderr.write(target.mask(`tokenscope suggest: ${oneLine(p.project)}: ${oneLine(p.sourceProblem)}\n`));
      }
    }
    const rendered = target.mask(opts.format === 'json' ? renderSuggestJson(report) : renderSuggestText(report));
    const patchToStdout = wantPatch && (opts.patch === true || opts.patch === '-');
    if (wantPatch && !patchToStdout) {
      fs.writeFileSync(path.resolve(io.cwd, opts.patch as string), patch);
      io.stdout.write(rendered);
      io.stderr.write(`tokenscope suggest: ${patch ? `patch written to ${opts.patch}; apply it with \`git apply ${opts.patch}\` in ${gitRootOf(sourceDir)}` : 'nothing to patch'}\n`);
    } else if (patchToStdout) {
      // The diff owns stdout so that `tokenscope suggest --patch | git apply` works; the report goes to stderr.
      io.stdout.write(patch);
      io.stderr.write(rendered);
    } else {
      io.stdout.write(rendered);
    }
    if (deadline.reached) {
      io.stderr.write(`tokenscope suggest: stopped: ${deadline.words()}; ${report.summary.unreadable} of ${report.summary.projects} projects not read (listed as unreadable); give it more time with --timeout SECONDS\n`);
      return EXIT_ERROR;
    }
    return suggestExitCode(report);
  } catch (err) {
    io.stderr.write(commandErrorMessage(err, target, {
      command: 'suggest',
      env: io.env,
      tokenEnv: opts.tokenEnv,
      expected: [UsageError, PreflightError, ConfigError, DeclaredReadError, GroupReadError, LockFileError],
    }));
    return EXIT_ERROR;
  }
}

export const suggestModule: CommandModule = {
  name: 'suggest',
  register(program: Command, io: CliIO, state) {
    program
      .command('suggest')
      .description(summaryOf('suggest'))
      .option('--synth-dir <dir>', 'synthesized app (cdktf.out) whose scopes to check', 'cdktf.out')
      .option('--stack <name>', 'only this stack (repeatable)', (v: string, prev: string[]) => [...prev, v], [] as string[])
      .option('--group <path>', 'check the projects of this group as GitLab holds them now, instead of the synthesized app')
      .option('--include-subgroups', 'with --group: projects of subgroups too')
      .option('--unused-days <n>', 'propose removing entries nobody used within N days; origins used within N days count as recent', String(DEFAULT_UNUSED_DAYS))
      .option('--compact-threshold <n>', 'more than N origins from one group: propose the group instead', String(DEFAULT_COMPACT_THRESHOLD))
      .option('--log-since <date>', 'the authentication log is complete only from this day on (e.g. when the instance reached GitLab 17.6): no removal is proposed while the log is younger than --unused-days')
      .addOption(new Option('--format <format>', 'report format').choices([...SUGGEST_FORMATS]).default('text'))
      .option('--patch [file]', 'write a unified diff against the TypeScript declaring each scope (stdout, or FILE); apply with git apply')
      .option('--source <dir>', 'where the app\'s .ts files are, for --patch (default: the current directory)')
      .addOption(urlOption())
      .addOption(tokenEnvOption())
      .addOption(concurrencyOption())
      .addOption(noProgressOption())
      .addOption(timeoutOption(DEFAULT_TIMEOUT_SECONDS.suggest))
      .addHelpText('after', helpPage('suggest'))
      .action(async (opts: SuggestCliOptions) => {
        state.exitCode = await suggestCommand(opts, io);
      });
  },
};
