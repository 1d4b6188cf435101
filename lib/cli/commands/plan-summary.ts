import * as fs from 'fs';
import * as path from 'path';
import { Command, Option } from 'commander';
import type { CommandModule, CommandState } from '../command';
import type { CliIO } from '../io';
import { helpPage } from '../help';
import { summaryOf } from './index';
import { GitLabTarget, resolveTarget, URL_ENV_VARS } from '../../gitlab/config';
import { GitLabHttp } from '../../gitlab/http';
import { envMasker, maskDeep } from '../../gitlab/secrets';
import { errorLine } from '../command-error';
import { DEFAULT_TIMEOUT_SECONDS, timeoutOption } from '../options';
import { deadlineFlag } from '../flags';
import type { Deadline } from '../../gitlab/deadline';
import { ApiScope, preflightApiToken } from '../../doctor/preflight';
import { loadLockFile, readLockFile } from '../../lockfile';
import { fetchAuthLogs, fetchEnforcement, resolveIdsFromGitLab } from '../../plan/gitlab-lookups';
import { assertNoteOrigin, mergeRequestFromEnv, noteBody, noteMarker, upsertMrNote } from '../../plan/mr-note';
import { emptyNames, mergeNames, namesFromLock } from '../../plan/names';
import { distinctStacks, readPlanFile } from '../../plan/plan-file';
import { toJsonReport } from '../../plan/render-json';
import { readDeclaredPolicySources } from '../../policies/declared';
import { comparedSection, declaredSection, PolicySection, policySectionJson, policySectionMarkdown } from '../../policies/plan-section';
import { renderMarkdown } from '../../plan/render-markdown';
import type { AuthLogs } from '../../plan/risks';
import { needsAuthLog } from '../../plan/risks';
import { analyzePlans, buildSummary, namesFromPlans, scopesTurningOff, unresolvedIds } from '../../plan/summary';
import { serializeWidgetReport } from '../../plan/widget-report';
import { groupMembersForPlan, reachPlanJson, reachPlanMarkdown, reachPlanSection } from '../../reach/plan-section';
import { wholeNumberFlag } from '../flags';

/** Exit codes: 0 summary produced, 1 error (with --fail-on-risk also: a risk check that could not be made), 3 risks found with --fail-on-risk. */
export const EXIT_OK = 0;
export const EXIT_ERROR = 1;
export const EXIT_RISK = 3;

export interface PlanSummaryDeps {
  readonly now?: () => Date;
  readonly fetchImpl?: typeof fetch;
  readonly sleep?: (ms: number) => Promise<void>;
}

interface Options {
  format: 'markdown' | 'json';
  output?: string;
  lock?: string;
  resolve?: boolean;
  authLog?: boolean;
  url?: string;
  tokenEnv?: string;
  gitlabReport?: string;
  postMrNote?: boolean;
  noteKey?: string;
  failOnRisk?: boolean;
  synthDir?: string;
  timeout?: string;
  expandGroups?: boolean;
  maxGroupProjects: string;
}

class UsageError extends Error {}

export function createPlanSummaryCommand(deps: PlanSummaryDeps = {}): CommandModule {
  return {
    name: 'plan-summary',
    register(program: Command, io: CliIO, state: CommandState) {
      program
        .command('plan-summary')
        .description(summaryOf('plan-summary'))
        .argument('<plan-json...>', 'plan JSON files, one per stack (terraform show -json PLANFILE > plan.json)')
        .addOption(new Option('--format <format>', 'output format').choices(['markdown', 'json']).default('markdown'))
        .option('--output <file>', 'write the summary to FILE instead of stdout')
        .option('--lock <file>', 'lock file naming ids (default: tokenscope.lock.json in the working directory, if present)')
        .option('--resolve', 'name ids the plan and lock file do not, over the GitLab API')
        .option('--auth-log', 'read the targets\' job-token authentication logs and flag origins the plan blocks')
        .option('--url <url>', 'GitLab URL for --resolve/--auth-log (default: GITLAB_URL, GITLAB_BASE_URL, CI_SERVER_URL)')
        .option('--token-env <name>', 'environment variable holding the GitLab token (default: GITLAB_TOKEN)')
        .option('--gitlab-report <file>', 'write GitLab\'s Terraform widget report {"create","update","delete"} to FILE')
        .option('--post-mr-note', 'create or update the summary note on the merge request (CI_API_V4_URL, CI_PROJECT_ID, CI_MERGE_REQUEST_IID)')
        .option('--note-key <key>', 'keep a separate note per key (e.g. per ops directory) instead of one per merge request')
        .option('--fail-on-risk', 'exit 3 when the summary has risk notes')
        .option('--synth-dir <dir>', 'also show fine-grained job-token permissions declared in this synth dir (compared with GitLab with --resolve)')
        .option('--expand-groups', 'reach section: read the projects of group entries over GitLab (default: the lock file\'s projects)')
        .option('--max-group-projects <n>', 'reach section: a risk when one entry lets more projects reach a project', '50')
        .addOption(timeoutOption(DEFAULT_TIMEOUT_SECONDS['plan-summary']))
        .addHelpText('after', helpPage('plan-summary'))
        .action(async (files: string[], opts: Options) => {
          state.exitCode = await runPlanSummary(files, opts, io, deps);
        });
    },
  };
}

export const planSummaryCommand: CommandModule = createPlanSummaryCommand();

async function runPlanSummary(files: string[], opts: Options, io: CliIO, deps: PlanSummaryDeps): Promise<number> {
  // Masks every token the environment holds from the first line on: a file we are handed
  // (JSON.parse quotes the text it chokes on), a GitLab answer or an error may carry one.
  const mask = envMasker(io.env, [opts.tokenEnv]);
  const fail = (msg: string) => {
    io.stderr.write(errorLine('plan-summary', mask(msg)));
    return EXIT_ERROR;
  };
  try {
    const deadline = deadlineFlag(opts.timeout, DEFAULT_TIMEOUT_SECONDS['plan-summary']);
    const now = (deps.now ?? (() => new Date()))();
    const maxGroupProjects = wholeNumberFlag(opts.maxGroupProjects ?? '50', '--max-group-projects', 1, 1_000_000);
    const plans = distinctStacks(files.map((f) => readPlanFile(f, io.cwd)));
    const lock = opts.lock ? loadLockFile(opts.lock, io.cwd) : readLockFile(io.cwd);
    const warnings: string[] = [];

    let names = mergeNames(namesFromPlans(plans), lock ? namesFromLock(lock) : emptyNames());
    let scopes = analyzePlans(plans, names);
    let authLogs: AuthLogs | undefined;
    const notChecked: string[] = [];
    let enforced: Set<string> | undefined;
    let http: GitLabHttp | undefined;
    if (opts.resolve || opts.authLog || opts.expandGroups) {
      const purpose = [opts.resolve ? '--resolve' : '', opts.authLog ? '--auth-log' : '', opts.expandGroups ? '--expand-groups' : ''].filter(Boolean).join(' ');
      // Auth logs need Maintainer on the targets; naming ids needs only sight of them.
      const role = opts.authLog ? undefined : 'at least Guest on the projects and groups';
      http = await gitlabClient(resolveTarget(io.env, { url: opts.url, tokenEnv: opts.tokenEnv }), purpose, 'read_api', role, deps, deadline);
      if (opts.resolve) {
        const ids = unresolvedIds(scopes);
        if (ids.projects.length + ids.groups.length > 0) {
          const found = await resolveIdsFromGitLab(http, ids);
          warnings.push(...found.warnings);
          names = mergeNames(names, found.value);
          scopes = analyzePlans(plans, names);
        }
      }
      if (opts.authLog) {
        const paths = scopes.filter(needsAuthLog).map((s) => s.project.path as string);
        const unnamed = scopes.filter((s) => !s.project.path && s.project.id !== null).map((s) => s.project.label);
        if (unnamed.length > 0) notChecked.push(`auth log not read for ${unnamed.join(', ')}: the project is known only by id (use --resolve or the lock file)`);
        const logs = await fetchAuthLogs(http, paths);
        notChecked.push(...logs.warnings);
        authLogs = logs.value;
      }
      // With GitLab at hand: a scope planned off where the instance enforces the allowlist never settles.
      const off = scopesTurningOff(scopes).map((s) => s.project.path as string);
      if (off.length > 0) {
        const found = await fetchEnforcement(http, off);
        warnings.push(...found.warnings);
        enforced = found.value;
      }
    }

    // Masked before rendering: Markdown escaping could otherwise cut a token into runs the masker no longer sees whole.
    const summary = maskDeep(buildSummary({ plans, scopes, authLogs, warnings, notChecked, enforced, now, names }), mask);
    const footer = pipelineFooter(io.env);
    // Permissions are not in the plan JSON (they travel in a // comment): read them from the synth dir.
    let policies: PolicySection | undefined;
    if (opts.synthDir) {
      const sources = readDeclaredPolicySources(path.resolve(io.cwd, opts.synthDir));
      policies = maskDeep(opts.resolve && http ? await comparedSection(http, sources, lock) : declaredSection(sources), mask);
    }
    // Who can reach each changed project, before and after (lib/reach/plan-section).
    const groupMembers = await groupMembersForPlan(scopes, { lock, http: opts.expandGroups ? http : undefined });
    const reach = reachPlanSection(scopes, groupMembers.members, { source: groupMembers.source, maxGroupProjects, warnings: groupMembers.warnings });
    const markdown = renderMarkdown(summary, { footer }) + (policies ? policySectionMarkdown(policies) : '') + reachPlanMarkdown(reach);
    const json = () => JSON.stringify({
      ...toJsonReport(summary), ...(policies ? { policies: policySectionJson(policies) } : {}), reach: reachPlanJson(reach),
    }, null, 2) + '\n';
    const text = mask(opts.format === 'json' ? json() : markdown);
    if (opts.output) writeFile(io.cwd, opts.output, text);
    else io.stdout.write(text);
    if (opts.gitlabReport) writeFile(io.cwd, opts.gitlabReport, serializeWidgetReport(summary.widget));

    if (opts.postMrNote) {
      const mr = mergeRequestFromEnv(io.env);
      // Without --url or a GitLab URL variable, CI_API_V4_URL itself is the configured GitLab.
      const target = resolveTarget(io.env, { url: opts.url, tokenEnv: opts.tokenEnv, urlEnvVars: [...URL_ENV_VARS, 'CI_API_V4_URL'] });
      assertNoteOrigin(mr, target.baseUrl, target.tokenSource ?? opts.tokenEnv ?? 'GITLAB_TOKEN');
      const noteHttp = await gitlabClient(target, '--post-mr-note', 'api', 'the right to comment on the merge request', deps, deadline, mr.baseUrl);
      const marker = noteMarker(opts.noteKey);
      const result = await upsertMrNote(noteHttp, mr, mask(noteBody(markdown, marker)), marker);
      io.stderr.write(`tokenscope plan-summary: ${result.action} note ${result.noteId} on merge request !${mr.iid}\n`);
    }
    for (const w of summary.warnings) io.stderr.write(`tokenscope plan-summary: warning: ${mask(w)}\n`);
    for (const w of summary.notChecked) io.stderr.write(`tokenscope plan-summary: not checked: ${mask(w)}\n`);
    if (deadline.reached) return fail(`stopped: ${deadline.words()}; what was not read is in the lines above; give it more time with --timeout SECONDS`);
    if (!opts.failOnRisk) return EXIT_OK;
    // An unread source is never "no risks": what could not be checked fails the gate, before any risk found.
    if (summary.notChecked.length > 0) return EXIT_ERROR;
    return summary.risks.length > 0 || reach.risks.length > 0 ? EXIT_RISK : EXIT_OK;
  } catch (e) {
    // Expected failures (PlanInputError, LockFileError, ConfigError, PreflightError, MrNoteError, GitLabHttpError) carry a message meant for people.
    return fail(e instanceof Error ? e.message : String(e));
  }
}

/** The shared token check (offline: no extra request), then a client for `baseUrl`, an origin already checked. */
async function gitlabClient(
  target: GitLabTarget, purpose: string, need: ApiScope, role: string | undefined, deps: PlanSummaryDeps, deadline: Deadline, baseUrl = target.baseUrl,
): Promise<GitLabHttp> {
  await preflightApiToken(target, { need, purpose: `plan-summary ${purpose}`, role, online: false });
  return new GitLabHttp({ baseUrl, token: target.token, mask: target.mask, fetchImpl: deps.fetchImpl, sleep: deps.sleep, deadline });
}

function writeFile(cwd: string, file: string, text: string): void {
  const abs = path.resolve(cwd, file);
  try {
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    fs.writeFileSync(abs, text);
  } catch (e) {
    throw new UsageError(`${file}: cannot write (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

/** Which pipeline and commit the note describes, so a reviewer can tell a stale note from a fresh one. */
function pipelineFooter(env: Readonly<Record<string, string | undefined>>): string | undefined {
  const parts: string[] = [];
  if (env.CI_PIPELINE_ID) parts.push(env.CI_PIPELINE_URL ? `[pipeline #${env.CI_PIPELINE_ID}](${env.CI_PIPELINE_URL})` : `pipeline #${env.CI_PIPELINE_ID}`);
  if (env.CI_COMMIT_SHORT_SHA) parts.push(`commit ${env.CI_COMMIT_SHORT_SHA}`);
  return parts.length > 0 ? `<sub>Plan from ${parts.join(', ')}.</sub>` : undefined;
}
