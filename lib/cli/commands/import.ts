import * as fs from 'fs';
import * as path from 'path';
import type { Command } from 'commander';
import type { CommandModule } from '../command';
import { concurrencyOption, DEFAULT_TIMEOUT_SECONDS, noProgressOption, timeoutOption, tokenEnvOption, urlOption } from '../options';
import { deadlineFlag, positiveInt } from '../flags';
import type { CliIO } from '../io';
import { helpPage } from '../help';
import { summaryOf } from './index';
import { ConfigError, GitLabTarget, resolveTarget } from '../../gitlab/config';
import { GitLabHttp } from '../../gitlab/http';
import { preflightApiToken, PreflightError } from '../../doctor';
import { progressBar } from '../../drift/progress';
import { parseTargetRef } from '../../model/target';
import { GroupReadError } from '../../import/group-projects';
import { readForImport } from '../../import/read';
import { defaultOutFile, functionNameFor, renderScopesModule } from '../../import/render-module';
import { defaultImportFrom } from '../../import/module-spec';
import { commandErrorMessage } from '../command-error';
import { oneLine } from '../../util/escape';

export interface ImportCliOptions {
  group?: string;
  includeSubgroups?: boolean;
  project?: string[];
  out?: string;
  force?: boolean;
  importFrom?: string;
  functionName?: string;
  url?: string;
  tokenEnv?: string;
  concurrency: string;
  progress: boolean;
  timeout?: string;
}

export interface ImportDeps {
  readonly fetchImpl?: typeof fetch;
  readonly now?: Date;
}

/** 0: every project imported; 1: some project could not be read (the module is still written) or an error. */
export const EXIT_IMPORTED = 0;
export const EXIT_IMPORT_ERROR = 1;

class UsageError extends Error {}

function validate(opts: ImportCliOptions): { group?: string; projects: string[] } {
  const projects = opts.project ?? [];
  if (opts.group && projects.length > 0) throw new UsageError('pass --group PATH or --project PATH ..., not both');
  if (!opts.group && projects.length === 0) throw new UsageError('pass --group PATH (with --include-subgroups for nested projects) or --project PATH ...');
  if (opts.includeSubgroups && !opts.group) throw new UsageError('--include-subgroups goes with --group');
  for (const p of opts.group ? [opts.group] : projects) {
    const parsed = parseTargetRef(p);
    if (!parsed.ok || parsed.ref.kind !== 'path') {
      throw new UsageError(`${opts.group ? '--group' : '--project'} ${JSON.stringify(p)} ${parsed.ok ? 'is a numeric id; give the full path' : parsed.reason}`);
    }
  }
  if (opts.functionName !== undefined && !/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(opts.functionName)) {
    throw new UsageError(`--function-name ${JSON.stringify(opts.functionName)} is not a valid TypeScript identifier`);
  }
  return { group: opts.group, projects };
}

/** The command line as written into the module header; flags only, never a token. */
function commandLine(opts: ImportCliOptions): string {
  const parts = ['tokenscope import'];
  if (opts.group) parts.push(`--group ${opts.group}`);
  if (opts.includeSubgroups) parts.push('--include-subgroups');
  for (const p of opts.project ?? []) parts.push(`--project ${p}`);
  return parts.join(' ');
}

/** Runs `tokenscope import` and returns its exit code. Never throws for expected failures. */
export async function importCommand(opts: ImportCliOptions, io: CliIO, deps: ImportDeps = {}): Promise<number> {
  let target: GitLabTarget | undefined;
  try {
    const deadline = deadlineFlag(opts.timeout, DEFAULT_TIMEOUT_SECONDS.import);
    const { group, projects } = validate(opts);
    const concurrency = positiveInt(opts.concurrency, '--concurrency', 64);
    const outArg = opts.out ?? defaultOutFile(group);
    const toStdout = outArg === '-';
    const outFile = toStdout ? undefined : path.resolve(io.cwd, outArg);
    if (outFile && fs.existsSync(outFile) && !opts.force) {
      throw new UsageError(`${outArg} exists; pass --force to overwrite it, or --out another file`);
    }
    target = resolveTarget(io.env, { url: opts.url, tokenEnv: opts.tokenEnv });
    const pre = await preflightApiToken(target, { need: 'read_api', purpose: 'import', fetchImpl: deps.fetchImpl, now: deps.now, deadline });
    for (const w of pre.warnings) io.stderr.write(`tokenscope import: warning: ${target.mask(w)}\n`);

    const http = new GitLabHttp({ baseUrl: target.baseUrl, token: target.token, mask: target.mask, fetchImpl: deps.fetchImpl, deadline });
    const progress = progressBar(io.stderr, opts.progress);
    let read;
    try {
      read = await readForImport({ http, group, includeSubgroups: opts.includeSubgroups, projects, concurrency, onProgress: (d, t) => progress.update(d, t) });
    } finally {
      progress.end();
    }
    // GitLab's words (unreadable reasons) go into the file: masked like every other output.
    const text = target.mask(renderScopesModule({
      functionName: opts.functionName ?? functionNameFor(group ?? 'imported'),
      importFrom: opts.importFrom ?? (outFile ? defaultImportFrom(outFile) : 'tokenscope'),
      command: commandLine(opts),
      gitlabUrl: target.baseUrl,
      scopes: read.scopes,
      unreadable: read.unreadable,
    }));
    if (outFile) {
      fs.mkdirSync(path.dirname(outFile), { recursive: true });
      fs.writeFileSync(outFile, text);
    } else {
      io.stdout.write(text);
    }
    for (const p of read.enforcedByInstance) {
      io.stderr.write(target.mask(`tokenscope import: ${oneLine(p)}: its own allowlist setting is off, but the instance enforces the allowlist; imported as limitAccess: true (what is in force)\n`));
    }
    for (const u of read.unreadable) io.stderr.write(target.mask(`tokenscope import: NOT IMPORTED ${oneLine(u.project)}: ${oneLine(u.reason)}\n`));
    const summary = `tokenscope import: ${read.scopes.length} scope${read.scopes.length === 1 ? '' : 's'} imported` +
      (read.unreadable.length ? `, ${read.unreadable.length} project${read.unreadable.length === 1 ? '' : 's'} not readable (listed at the top of the module)` : '') +
      (outFile ? ` into ${outArg}` : '') + '\n';
    (toStdout ? io.stderr : io.stdout).write(summary);
    if (deadline.reached) io.stderr.write(`tokenscope import: stopped: ${deadline.words()}; the projects not read are listed above; give it more time with --timeout SECONDS\n`);
    return deadline.reached ? EXIT_IMPORT_ERROR : read.unreadable.length > 0 ? EXIT_IMPORT_ERROR : EXIT_IMPORTED;
  } catch (err) {
    io.stderr.write(commandErrorMessage(err, target, {
      command: 'import',
      env: io.env,
      tokenEnv: opts.tokenEnv,
      expected: [UsageError, PreflightError, ConfigError, GroupReadError],
    }));
    return EXIT_IMPORT_ERROR;
  }
}

export const importModule: CommandModule = {
  name: 'import',
  register(program: Command, io: CliIO, state) {
    program
      .command('import')
      .description(summaryOf('import'))
      .option('--group <path>', 'import every project of this group')
      .option('--include-subgroups', 'with --group: projects of subgroups too')
      .option('--project <path...>', 'import these projects (repeatable)')
      .option('--out <file>', 'module to write; - for stdout (default scopes/<group>.ts, or scopes/imported.ts)')
      .option('--force', 'overwrite --out if it exists')
      .option('--import-from <module>', "where the module imports JobTokenScope from (default 'tokenscope', or a relative path inside the tokenscope repo)")
      .option('--function-name <name>', 'name of the exported function (default from the group: acme/web -> acmeWebScopes)')
      .addOption(urlOption())
      .addOption(tokenEnvOption())
      .addOption(concurrencyOption())
      .addOption(noProgressOption())
      .addOption(timeoutOption(DEFAULT_TIMEOUT_SECONDS.import))
      .addHelpText('after', helpPage('import'))
      .action(async (opts: ImportCliOptions) => {
        state.exitCode = await importCommand(opts, io);
      });
  },
};
