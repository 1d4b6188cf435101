import { Option } from 'commander';
import type { CommandModule } from '../command';
import { helpPage } from '../help';
import { summaryOf } from './index';
import { DEFAULT_TIMEOUT_SECONDS, timeoutOption } from '../options';
import { deadlineFlag } from '../flags';
import { errorLine } from '../command-error';
import { diagnoseToken } from '../../doctor/diagnose';
import { checkTokenEnvName } from '../../gitlab/config';
import { resolveDoctorSources } from '../../doctor/input';
import { renderJson, renderText } from '../../doctor/render';
import { EXPECT_ALIASES, parseExpect } from '../../doctor/types';

interface DoctorFlags {
  url?: string;
  tokenEnv?: string;
  expect?: string;
  project?: string;
  format: 'text' | 'json';
  timeout: string;
}

/** `tokenscope doctor`: what a GitLab token really is and why a call fails. Read-only. */
export const doctorCommand: CommandModule = {
  name: 'doctor',
  register(program, io, state) {
    program
      .command('doctor')
      .description(summaryOf('doctor'))
      .option('--url <url>', 'GitLab URL (default: GITLAB_URL, GITLAB_BASE_URL or CI_SERVER_URL); without one, offline checks only')
      .option('--token-env <name>', 'environment variable holding the token (default: GITLAB_TOKEN, then CI_JOB_TOKEN)')
      .option('--expect <type>', `the kind of token you expect: ${Object.keys(EXPECT_ALIASES).slice(0, 10).join(', ')}, or a full token type`)
      .option('--project <path>', 'check whether the token can do job-token work against this project (full path)')
      .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
      .addOption(timeoutOption(DEFAULT_TIMEOUT_SECONDS.doctor))
      .addHelpText('after', helpPage('doctor'))
      .action(async (flags: DoctorFlags) => {
        const expect = flags.expect === undefined ? undefined : parseExpect(flags.expect);
        if (flags.expect !== undefined && !expect) {
          io.stderr.write(`tokenscope doctor: unknown --expect "${flags.expect}"; use one of: ${Object.keys(EXPECT_ALIASES).join(', ')}\n`);
          state.exitCode = 1;
          return;
        }
        let deadline;
        try {
          checkTokenEnvName(flags.tokenEnv, io.env);
          deadline = deadlineFlag(flags.timeout, DEFAULT_TIMEOUT_SECONDS.doctor);
        } catch (err) {
          io.stderr.write(errorLine('doctor', (err as Error).message));
          state.exitCode = 1;
          return;
        }
        const src = resolveDoctorSources(io.env, { url: flags.url, tokenEnv: flags.tokenEnv });
        const { report, exitCode } = await diagnoseToken({
          token: src.token,
          tokenSource: src.tokenSource ?? src.tokenVars[0],
          tokenVars: src.tokenVars,
          emptyVars: src.emptyVars,
          url: src.url,
          expect,
          project: flags.project,
          deadline,
        });
        if (flags.format === 'json') {
          io.stdout.write(renderJson(report));
        } else {
          const who = report.identity.token ? `${report.identity.source} (${report.identity.token})` : src.tokenVars.join(' / ');
          io.stdout.write(renderText(report, `tokenscope doctor: ${who}${report.url ? ` at ${report.url}` : ''}`));
        }
        state.exitCode = exitCode;
      });
  },
};
