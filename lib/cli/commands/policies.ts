import * as path from 'path';
import { Command, Option } from 'commander';
import type { CommandModule, CommandState } from '../command';
import { DEFAULT_TIMEOUT_SECONDS, timeoutOption, tokenEnvOption, urlOption } from '../options';
import { deadlineFlag } from '../flags';
import type { CliIO } from '../io';
import { helpPage } from '../help';
import { summaryOf } from './index';
import { ConfigError, GitLabTarget, resolveTarget } from '../../gitlab/config';
import { GitLabHttp } from '../../gitlab/http';
import { preflightApiToken, PreflightError } from '../../doctor/preflight';
import { DeclaredReadError } from '../../drift/declared';
import { LockFileError, readLockFile } from '../../lockfile';
import { FeatureDetectionError } from '../../policies/feature';
import { commandErrorMessage } from '../command-error';
import { readDeclaredPolicySources } from '../../policies/declared';
import { applyPolicyChanges } from '../../policies/apply';
import { checkPolicies } from '../../policies/run';
import { EXIT_ERROR, buildReport, exitCodeFor, renderJson, renderText } from '../../policies/report';

export interface PoliciesDeps {
  readonly fetchImpl?: typeof fetch;
  readonly sleep?: (ms: number) => Promise<void>;
}

interface ApplyFlags {
  synthDir: string;
  stack?: string[];
  url?: string;
  tokenEnv?: string;
  yes?: boolean;
  format: 'text' | 'json';
  timeout?: string;
}

export function createPoliciesCommand(deps: PoliciesDeps = {}): CommandModule {
  return {
    name: 'policies',
    register(program: Command, io: CliIO, state: CommandState) {
      const policies = program
        .command('policies')
        .description(summaryOf('policies'))
        .addHelpText('after', helpPage('policies'));
      policies
        .command('apply')
        .description('show how live permissions differ from the declared ones; with --yes, set them')
        .option('--synth-dir <dir>', 'cdktf synth output', 'cdktf.out')
        .option('--stack <name>', 'only this stack (repeatable; default: all stacks)', (v: string, acc: string[] | undefined) => [...(acc ?? []), v])
        .addOption(urlOption())
        .addOption(tokenEnvOption())
        .option('--yes', 'send the changes (without it, nothing is changed)')
        .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
        .addOption(timeoutOption(DEFAULT_TIMEOUT_SECONDS.policies))
        .addHelpText('after', helpPage('policies'))
        .action(async (flags: ApplyFlags) => {
          state.exitCode = await runApply(flags, io, deps);
        });
    },
  };
}

export const policiesCommand: CommandModule = createPoliciesCommand();

async function runApply(flags: ApplyFlags, io: CliIO, deps: PoliciesDeps): Promise<number> {
  let target: GitLabTarget | undefined;
  try {
    const deadline = deadlineFlag(flags.timeout, DEFAULT_TIMEOUT_SECONDS.policies);
    target = resolveTarget(io.env, { url: flags.url, tokenEnv: flags.tokenEnv });
    const mask = target.mask;
    const sources = readDeclaredPolicySources(path.resolve(io.cwd, flags.synthDir), flags.stack ?? []);
    const pre = await preflightApiToken(target, {
      need: flags.yes ? 'api' : 'read_api',
      purpose: flags.yes ? 'policies apply --yes' : 'policies apply',
      fetchImpl: deps.fetchImpl,
      deadline,
    });
    for (const w of pre.warnings) io.stderr.write(`tokenscope policies: warning: ${mask(w)}\n`);
    const http = new GitLabHttp({ baseUrl: target.baseUrl, token: target.token, mask, fetchImpl: deps.fetchImpl, sleep: deps.sleep, deadline });
    const check = await checkPolicies(http, sources, { lock: readLockFile(io.cwd), forWrite: flags.yes === true });
    // Like a Terraform plan with errors, a check with any error (unnamed ids, unknown policies, unreadable
    // projects) sends nothing: a partial apply is harder to reason about than none.
    const canSend = flags.yes === true && check.plan !== undefined && exitCodeFor(buildReport(target.baseUrl, check, undefined)) !== EXIT_ERROR;
    const results = canSend ? await applyPolicyChanges(http, check.plan?.changes ?? []) : undefined;
    const report = buildReport(target.baseUrl, check, results);
    const blocked = flags.yes === true && !canSend && (check.plan?.changes.length ?? 0) > 0;
    const text = flags.format === 'json' ? renderJson(report) : renderText(report);
    io.stdout.write(mask(text));
    if (blocked) io.stderr.write('tokenscope policies: nothing was sent because of the errors above\n');
    if (deadline.reached) {
      io.stderr.write(`tokenscope policies: stopped: ${deadline.words()}; what was not read or sent is listed above; give it more time with --timeout SECONDS\n`);
      return EXIT_ERROR;
    }
    return exitCodeFor(report);
  } catch (err) {
    io.stderr.write(commandErrorMessage(err, target, {
      command: 'policies',
      env: io.env,
      tokenEnv: flags.tokenEnv,
      need: flags.yes ? 'api' : 'read_api',
      expected: [PreflightError, ConfigError, DeclaredReadError, LockFileError, FeatureDetectionError],
    }));
    return EXIT_ERROR;
  }
}
