import * as fs from 'fs';
import * as path from 'path';
import { Command, Option } from 'commander';
import type { CommandModule, CommandState } from '../command';
import { concurrencyOption, DEFAULT_TIMEOUT_SECONDS, noProgressOption, timeoutOption, tokenEnvOption, urlOption } from '../options';
import { deadlineFlag, positiveInt, wholeNumberFlag } from '../flags';
import type { CliIO } from '../io';
import { helpPage } from '../help';
import { summaryOf } from './index';
import { commandErrorMessage } from '../command-error';
import { ConfigError, GitLabTarget, resolveTarget } from '../../gitlab/config';
import { GitLabHttp } from '../../gitlab/http';
import { preflightApiToken, PreflightError } from '../../doctor/preflight';
import { DeclaredReadError } from '../../drift/declared';
import { progressBar } from '../../drift/progress';
import { LockFileError, readLockFile } from '../../lockfile';
import { checkChoices, DEFAULT_MAX_GROUP_PROJECTS, FORMATS, ReachFormat, ReachInputError, renderReach, runReach } from '../../reach';

export interface ReachFlags {
  group?: string;
  includeSubgroups?: boolean;
  synthDir?: string;
  stack: string[];
  declared?: boolean;
  offline?: boolean;
  from?: string;
  to?: string;
  transitive?: boolean;
  maxGroupProjects: string;
  format: ReachFormat;
  output?: string;
  url?: string;
  tokenEnv?: string;
  concurrency: string;
  progress: boolean;
  timeout?: string;
}

export interface ReachDeps {
  readonly fetchImpl?: typeof fetch;
  readonly now?: Date;
}

/** Runs `tokenscope reach`; 0 when every chosen project was read, 1 on any error or unreadable project. */
export async function reachCommand(flags: ReachFlags, io: CliIO, deps: ReachDeps = {}): Promise<number> {
  let target: GitLabTarget | undefined;
  try {
    const deadline = deadlineFlag(flags.timeout, DEFAULT_TIMEOUT_SECONDS.reach);
    const maxGroupProjects = wholeNumberFlag(flags.maxGroupProjects, '--max-group-projects', 1, 1_000_000);
    const concurrency = positiveInt(flags.concurrency, '--concurrency', 64);
    const synthDir = flags.synthDir !== undefined ? path.resolve(io.cwd, flags.synthDir) : undefined;
    const choices = {
      group: flags.group, includeSubgroups: flags.includeSubgroups, synthDir, stacks: flags.stack, declared: flags.declared, offline: flags.offline,
      from: flags.from, to: flags.to, transitive: flags.transitive, maxGroupProjects,
    };
    checkChoices(choices);
    const lock = readLockFile(io.cwd);
    let http: GitLabHttp | undefined;
    let prior = 0;
    if (!flags.offline) {
      target = resolveTarget(io.env, { url: flags.url, tokenEnv: flags.tokenEnv });
      const base = deps.fetchImpl ?? fetch;
      const counting: typeof fetch = (input, init) => { prior++; return base(input, init); };
      const pre = await preflightApiToken(target, { need: 'read_api', purpose: 'reach', fetchImpl: counting, now: deps.now, deadline });
      for (const w of pre.warnings) io.stderr.write(`tokenscope reach: warning: ${target.mask(w)}\n`);
      http = new GitLabHttp({ baseUrl: target.baseUrl, token: target.token, mask: target.mask, fetchImpl: deps.fetchImpl, deadline });
    }
    const progress = progressBar(io.stderr, flags.progress);
    let result;
    try {
      result = await runReach({ ...choices, http, lock, concurrency, priorRequests: prior, onProgress: (d, t) => progress.update(d, t) });
    } finally {
      progress.end();
    }
    const { report, graph } = result;
    const mask = target?.mask ?? ((s: string) => s);
    const s = report.summary;
    if (flags.output) {
      const file = path.resolve(io.cwd, flags.output);
      const fd = fs.openSync(file, 'w');
      try { for (const chunk of renderReach(flags.format, report, graph)) fs.writeSync(fd, mask(chunk)); } finally { fs.closeSync(fd); }
      io.stdout.write(`tokenscope reach: ${s.projects} projects, ${s.edges} edges, ${s.findings} findings; ${flags.format} report in ${flags.output}\n`);
    } else {
      for (const chunk of renderReach(flags.format, report, graph)) io.stdout.write(mask(chunk));
    }
    if (s.unreadable > 0) {
      io.stderr.write(`tokenscope reach: ${s.unreadable} of the chosen projects could not be read; the graph leaves out what reaches them\n`);
    }
    if (s.unlistedGroups > 0) {
      io.stderr.write(`tokenscope reach: the projects of ${s.unlistedGroups} group ${s.unlistedGroups === 1 ? 'entry' : 'entries'} could not be listed; the graph leaves out what reaches through them (see the warnings)\n`);
    }
    if (deadline.reached) {
      io.stderr.write(`tokenscope reach: stopped: ${deadline.words()}; what was not read is listed above; give it more time with --timeout SECONDS\n`);
      return 1;
    }
    return s.unreadable > 0 || s.unlistedGroups > 0 ? 1 : 0;
  } catch (err) {
    io.stderr.write(commandErrorMessage(err, target, {
      command: 'reach', env: io.env, tokenEnv: flags.tokenEnv,
      expected: [PreflightError, ConfigError, DeclaredReadError, LockFileError, ReachInputError],
    }));
    return 1;
  }
}

export const reachModule: CommandModule = {
  name: 'reach',
  register(program: Command, io: CliIO, state: CommandState) {
    program
      .command('reach')
      .description(summaryOf('reach'))
      .option('--group <path>', 'the projects of this group')
      .option('--include-subgroups', 'with --group: the projects of its subgroups too, at any depth')
      .option('--synth-dir <dir>', 'the projects of the synthesized stacks in DIR (cdktf.out)')
      .option('--stack <name>', 'with --synth-dir: only this stack (repeatable)', (v: string, prev: string[]) => [...prev, v], [] as string[])
      .option('--declared', 'the graph the declaration gives (the synthesized stacks) instead of live GitLab')
      .option('--offline', 'with --declared: no GitLab at all; ids and group members from the lock file')
      .option('--from <project>', 'the blast radius of this project\'s job token')
      .option('--transitive', 'with --from: follow chains through projects whose pipelines the token may start (an upper bound)')
      .option('--to <project>', 'every project whose job token reaches this one, with counts per group')
      .option('--max-group-projects <n>', 'a group entry covering more projects is a wide_group_entry finding', String(DEFAULT_MAX_GROUP_PROJECTS))
      .addOption(new Option('--format <format>', 'report format').choices([...FORMATS]).default('text'))
      .option('--output <file>', 'write the report to FILE instead of stdout')
      .addOption(urlOption())
      .addOption(tokenEnvOption())
      .addOption(concurrencyOption())
      .addOption(noProgressOption())
      .addOption(timeoutOption(DEFAULT_TIMEOUT_SECONDS.reach))
      .addHelpText('after', helpPage('reach'))
      .action(async (flags: ReachFlags) => {
        state.exitCode = await reachCommand(flags, io);
      });
  },
};
