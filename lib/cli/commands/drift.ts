import * as fs from 'fs';
import * as path from 'path';
import { Command, Option } from 'commander';
import type { CommandModule } from '../command';
import { concurrencyOption, DEFAULT_TIMEOUT_SECONDS, noProgressOption, timeoutOption, tokenEnvOption, urlOption } from '../options';
import { deadlineFlag, positiveInt } from '../flags';
import type { CliIO } from '../io';
import { helpPage } from '../help';
import { summaryOf } from './index';
import { ConfigError, resolveTarget, GitLabTarget, normalizeBaseUrl, URL_ENV_VARS } from '../../gitlab/config';
import { GitLabHttp } from '../../gitlab/http';
import { maskDeep } from '../../gitlab/secrets';
import { readLockFile, LockFileError, LOCK_FILE_NAME } from '../../lockfile';
import { lockInstanceProblem } from '../../constructs/lock-instance';
import { preflightApiToken, PreflightError } from '../../doctor';
import {
  applyBaseline, baselineFrom, BaselineError, DEFAULT_AUTH_LOG_DAYS, DeclaredReadError, exitCodeFor, EXIT_ERROR, FORMATS, Format,
  parseShard, readBaseline, renderJson, renderJunit, renderMarkdown, renderText, runDrift, serializeBaseline, shardFromEnv,
  ShardError, useColor, DriftReport, Baseline, Shard,
} from '../../drift';
import { progressBar } from '../../drift/progress';
import { declaredFromFiles, readStackFiles } from '../../drift/declared';
import { stackGitLabUrl } from '../../drift/stack-url';
import { commandErrorMessage } from '../command-error';
import { errorJson } from '../argv';
import { driftMermaid } from '../../reach/drift-mermaid';

export const DEFAULT_BASELINE = 'tokenscope.baseline.json';

export interface DriftCliOptions {
  synthDir: string;
  stack: string[];
  url?: string;
  tokenEnv?: string;
  format: Format;
  output?: string;
  jsonOutput?: string;
  junitOutput?: string;
  baseline?: string;
  writeBaseline?: boolean;
  authLog?: boolean;
  authLogDays: string;
  concurrency: string;
  shard?: string;
  progress: boolean;
  timeout?: string;
}

/** Everything a drift run needs from the outside world; tests pass their own. */
export interface DriftDeps {
  readonly now?: Date;
  readonly fetchImpl?: typeof fetch;
  /** Monotonic clock for `--timeout`, in ms. */
  readonly clock?: () => number;
}

export function renderReport(report: DriftReport, format: Format, color: boolean): string {
  switch (format) {
    case 'json': return renderJson(report);
    // The picture of the drifted edges (declared vs live) goes under the table.
    case 'markdown': { const picture = driftMermaid(report); return renderMarkdown(report) + (picture ? `\n${picture}` : ''); }
    case 'junit': return renderJunit(report);
    default: return renderText(report, { color });
  }
}

/** Runs `tokenscope drift` and returns its exit code. Never throws for expected failures. */
export async function driftCommand(opts: DriftCliOptions, io: CliIO, deps: DriftDeps = {}): Promise<number> {
  let target: GitLabTarget | undefined;
  try {
    const deadline = deadlineFlag(opts.timeout, DEFAULT_TIMEOUT_SECONDS.drift, deps.clock);
    const concurrency = positiveInt(opts.concurrency, '--concurrency', 64);
    const authLogDays = positiveInt(opts.authLogDays, '--auth-log-days', 3650);
    const shard: Shard | undefined = opts.shard ? parseShard(opts.shard) : shardFromEnv(io.env);
    const baselineFile = opts.baseline ? path.resolve(io.cwd, opts.baseline) : opts.writeBaseline ? path.resolve(io.cwd, DEFAULT_BASELINE) : undefined;
    const baseline: Baseline | undefined = baselineFile && !opts.writeBaseline ? readBaseline(baselineFile) : undefined;
    const synthDir = path.resolve(io.cwd, opts.synthDir);
    // The declaration first: a synth dir that declares nothing (or is broken) stops before any request.
    const files = readStackFiles(synthDir, opts.stack);
    // Instances first: one path on two instances is two projects, not one "declared twice".
    const stackUrl = stackGitLabUrl(files);
    const declared = declaredFromFiles(synthDir, files);
    target = resolveTarget(io.env, { url: opts.url ?? stackUrl, tokenEnv: opts.tokenEnv });
    for (const w of instanceWarnings(opts.url, stackUrl, io.env)) io.stderr.write(`tokenscope drift: warning: ${w}\n`);
    const lock = readLockFile(io.cwd);
    if (lock?.gitlabUrl && lockInstanceProblem(lock, target.baseUrl)) {
      io.stderr.write(`tokenscope drift: warning: ${LOCK_FILE_NAME} was resolved against ${lock.gitlabUrl}, not ${target.baseUrl}; its ids are checked against ${target.baseUrl}\n`);
    }

    let preflightRequests = 0;
    const baseFetch = deps.fetchImpl ?? fetch;
    const countingFetch: typeof fetch = (input, init) => { preflightRequests++; return baseFetch(input, init); };
    const pre = await preflightApiToken(target, { need: 'read_api', purpose: 'drift', fetchImpl: countingFetch, now: deps.now, deadline });
    for (const w of pre.warnings) io.stderr.write(`tokenscope drift: warning: ${target.mask(w)}\n`);

    const http = new GitLabHttp({ baseUrl: target.baseUrl, token: target.token, mask: target.mask, fetchImpl: deps.fetchImpl, deadline });
    const progress = progressBar(io.stderr, opts.progress);
    let result;
    try {
      result = await runDrift({
        synthDir, stacks: opts.stack, declared, http, lock, authLog: opts.authLog, authLogDays, now: deps.now, concurrency, shard, baseline,
        onProgress: (d, t) => progress.update(d, t), priorRequests: preflightRequests,
      });
    } finally {
      progress.end();
    }
    // Masked before rendering: Markdown escaping could otherwise cut a token into runs the masker no longer sees whole.
    let report = maskDeep(result.report, target.mask);
    if (opts.writeBaseline && baselineFile) {
      const b = baselineFrom(report);
      fs.writeFileSync(baselineFile, serializeBaseline(b));
      io.stderr.write(`tokenscope drift: wrote ${b.accepted.length} accepted finding(s) to ${path.relative(io.cwd, baselineFile) || baselineFile}\n`);
      report = applyBaseline(report, b);
    }
    // Past --timeout the report still shows what was read; the run fails, naming how much was not.
    const code = deadline.reached ? EXIT_ERROR : exitCodeFor(report);
    for (const [file, format] of [[opts.jsonOutput, 'json'], [opts.junitOutput, 'junit']] as const) {
      if (file) fs.writeFileSync(path.resolve(io.cwd, file), target.mask(renderReport(report, format, false)));
    }
    if (opts.output) {
      const file = path.resolve(io.cwd, opts.output);
      fs.writeFileSync(file, target.mask(renderReport(report, opts.format, false)));
      const s = report.summary;
      io.stdout.write(`tokenscope drift: ${s.projects} projects, ${s.inSync} in sync, ${s.drifted} drifted, ${s.unreadable} unreadable; ${opts.format} report in ${opts.output}\n`);
    } else {
      io.stdout.write(target.mask(renderReport(report, opts.format, opts.format === 'text' && useColor(io.stdout.isTTY, io.env))));
    }
    if (deadline.reached) {
      const s = report.summary;
      io.stderr.write(`tokenscope drift: stopped: ${deadline.words()}; ${s.unreadable} of ${s.projects} projects not read ` +
        '(listed as unreadable in the report); give it more time with --timeout SECONDS\n');
    }
    return code;
  } catch (err) {
    const line = commandErrorMessage(err, target, {
      command: 'drift',
      env: io.env,
      tokenEnv: opts.tokenEnv,
      expected: [PreflightError, ConfigError, DeclaredReadError, LockFileError, BaselineError, ShardError],
    });
    io.stderr.write(line);
    // The report files a CI job keeps say what happened instead of being missing (stdout gets it from runCli).
    const files = [opts.jsonOutput, opts.format === 'json' ? opts.output : undefined].filter((f): f is string => !!f);
    for (const f of files) {
      try {
        fs.writeFileSync(path.resolve(io.cwd, f), errorJson('drift', line.trimEnd(), EXIT_ERROR));
      } catch {
        // The error above is what matters; an unwritable report path adds nothing to it.
      }
    }
    return EXIT_ERROR;
  }
}

/**
 * The stacks say which instance they were synthesized for: without --url drift
 * checks that one; a --url (or URL variable, which the stack's URL overrides)
 * naming another instance gets a warning, since ids and paths belong to one instance.
 */
export function instanceWarnings(flagUrl: string | undefined, stackUrl: string | undefined, env: Readonly<Record<string, string | undefined>>): string[] {
  if (!stackUrl) return [];
  if (flagUrl !== undefined) {
    const given = normalizeBaseUrl(flagUrl);
    return given === stackUrl ? [] : [`--url names ${given}, but the stacks were synthesized for ${stackUrl} (the GitLab provider's base_url); checking ${given}`];
  }
  const name = URL_ENV_VARS.find((v) => env[v] !== undefined && env[v]!.trim() !== '');
  if (!name) return [];
  let fromEnv: string;
  try {
    fromEnv = normalizeBaseUrl(env[name]!);
  } catch {
    return [];
  }
  return fromEnv === stackUrl ? [] : [`${name} names ${fromEnv}, but the stacks were synthesized for ${stackUrl} (the GitLab provider's base_url); checking ${stackUrl} (pass --url to check another instance)`];
}

export function addDriftOptions(cmd: Command): Command {
  return cmd
    .option('--synth-dir <dir>', 'synthesized app (cdktf.out)', 'cdktf.out')
    .option('--stack <name>', 'only this stack (repeatable)', (v: string, prev: string[]) => [...prev, v], [] as string[])
    .addOption(urlOption())
    .addOption(tokenEnvOption())
    .addOption(new Option('--format <format>', 'report format').choices([...FORMATS]).default('text'))
    .option('--output <file>', 'write the report to FILE instead of stdout')
    .option('--json-output <file>', 'also write the JSON report to FILE (same run, no extra requests)')
    .option('--junit-output <file>', 'also write the JUnit report to FILE (same run, no extra requests)')
    .option('--baseline <file>', 'accept the findings listed in FILE; only new drift fails the run')
    .option('--write-baseline', `write every current finding to the baseline file (--baseline FILE, default ${DEFAULT_BASELINE})`)
    .option('--auth-log', 'report projects in the authentication log that the declaration does not allow')
    .option('--auth-log-days <n>', 'what "recently" means for --auth-log, in days', String(DEFAULT_AUTH_LOG_DAYS))
    .addOption(concurrencyOption())
    .option('--shard <i/n>', 'check only shard I of N (default: CI_NODE_INDEX/CI_NODE_TOTAL)')
    .addOption(noProgressOption())
    .addOption(timeoutOption(DEFAULT_TIMEOUT_SECONDS.drift));
}

export const driftModule: CommandModule = {
  name: 'drift',
  register(program: Command, io: CliIO, state) {
    const cmd = program
      .command('drift')
      .description(summaryOf('drift'));
    addDriftOptions(cmd)
      .addHelpText('after', helpPage('drift'))
      .action(async (opts: DriftCliOptions) => {
        state.exitCode = await driftCommand(opts, io);
      });
  },
};
