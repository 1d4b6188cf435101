import * as path from 'path';
import type { Command } from 'commander';
import type { CommandModule } from '../command';
import { tokenEnvOption } from '../options';
import type { CliIO } from '../io';
import { memoryIO } from '../io';
import { helpPage } from '../help';
import { summaryOf } from './index';
import { errorLine } from '../command-error';
import { envMasker } from '../../gitlab/secrets';
import { parseTargetRef } from '../../model/target';
import { functionNameFor } from '../../import/render-module';
import { checkTarget, InitError, instanceUrl, planInit, stackNameFor, writeFiles } from '../../init/run';
import { VersionsError } from '../../init/versions';

export interface InitCliOptions {
  name?: string;
  gitlabUrl?: string;
  group?: string;
  tokenscope?: string;
  tokenEnv?: string;
  force?: boolean;
}

/**
 * `tokenscope init [DIR]`: a working ops repo in one command. With `--group` and
 * a token in the environment, main.ts declares what GitLab holds for the group
 * today (through `tokenscope import`); without a token, an example scope.
 * Exit 0 written, 1 error (nothing written) or some project not importable.
 */
export async function initCommand(dirArg: string | undefined, opts: InitCliOptions, io: CliIO): Promise<number> {
  const dir = path.resolve(io.cwd, dirArg ?? '.');
  const shown = dirArg ?? '.';
  const mask = envMasker(io.env, [opts.tokenEnv]);
  try {
    if (opts.group !== undefined) {
      const parsed = parseTargetRef(opts.group);
      if (!parsed.ok || parsed.ref.kind !== 'path') throw new InitError(`--group ${JSON.stringify(opts.group)} ${parsed.ok ? 'is a numeric id; give the full path' : parsed.reason}`);
    }
    if (opts.gitlabUrl !== undefined) instanceUrl(opts.gitlabUrl);
    checkTarget(dir, opts.force === true);
    planInit({ dir, ...optsFor(opts) });

    let imported: { group: string; module: string; functionName: string } | undefined;
    let importText: string | undefined;
    let importCode = 0;
    const tokenVar = opts.tokenEnv ?? 'GITLAB_TOKEN';
    if (opts.group && io.env[tokenVar]) {
      const module = `scopes/${opts.group.replace(/\//g, '-')}.ts`;
      const functionName = functionNameFor(opts.group);
      // Loaded here: only init --group reads GitLab.
      const { importCommand } = await import('./import');
      const sink = memoryIO(io.env, dir);
      importCode = await importCommand({
        group: opts.group, includeSubgroups: true, out: '-', importFrom: 'tokenscope', functionName,
        url: opts.gitlabUrl, tokenEnv: opts.tokenEnv, concurrency: '4', progress: false,
      }, sink);
      io.stderr.write(sink.err());
      if (sink.out() === '') return 1;
      importText = sink.out();
      imported = { group: opts.group, module, functionName };
    } else if (opts.group) {
      io.stderr.write(`tokenscope init: ${tokenVar} is not set, so main.ts has an example instead of ${opts.group}'s scopes; ` +
        `later, with a token: npx tokenscope import --group ${opts.group} --include-subgroups\n`);
    }

    const files = planInit({ dir, ...optsFor(opts) }, imported);
    const all = importText !== undefined && imported ? [...files, { path: imported.module, content: importText }] : files;
    writeFiles(dir, all);
    io.stdout.write(`tokenscope init: wrote ${all.length} files into ${shown} (stack ${stackNameFor(opts.group)}):\n`);
    for (const f of all) io.stdout.write(`  ${f.path}\n`);
    io.stdout.write(`Next:\n  cd ${shown}\n  npm install\n  npx cdktf synth\n  npm test\n`);
    return importCode === 0 ? 0 : 1;
  } catch (err) {
    const expected = err instanceof InitError || err instanceof VersionsError;
    io.stderr.write(errorLine('init', mask(expected ? (err as Error).message : `unexpected error: ${(err as Error)?.message ?? String(err)}`)));
    return 1;
  }
}

function optsFor(o: InitCliOptions) {
  return { name: o.name, gitlabUrl: o.gitlabUrl, group: o.group, tokenscopeSpec: o.tokenscope, force: o.force };
}

export const initModule: CommandModule = {
  name: 'init',
  register(program: Command, io: CliIO, state) {
    program
      .command('init [dir]')
      .description(summaryOf('init'))
      .option('--name <name>', 'package name (default: the directory name)')
      .option('--gitlab-url <url>', 'the GitLab instance the stack manages, written as its baseUrl (and used by --group)')
      .option('--group <path>', 'fill main.ts with the group\'s current scopes through tokenscope import (needs a token in the environment)')
      .option('--tokenscope <spec>', 'what package.json\'s tokenscope dependency says (default: this version; a tarball or git URL also works)')
      .addOption(tokenEnvOption())
      .option('--force', 'write into a directory that is not empty (files of the same names are replaced)')
      .addHelpText('after', helpPage('init'))
      .action(async (dir: string | undefined, opts: InitCliOptions) => {
        state.exitCode = await initCommand(dir, opts, io);
      });
  },
};
