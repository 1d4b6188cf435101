import { check, roleName } from './checks';
import { policyRemedy } from '../policies/hints';
import { ProbeClient, ServerProblem } from './probe-client';
import type { ProbeOutcome } from './probes';
import type { Check } from './types';
import { TOKEN_TYPE_LABEL } from './types';

const MAINTAINER = 40;
/**
 * GitLab names both projects by `Project#path`, the last segment only
 * (`handle_job_token_failure!`), so the message is only recognised here; who
 * the projects are comes from what doctor knows (the job's project from
 * `GET /job`, the `--project` argument).
 */
const ALLOWLIST_DENIED = /Authentication by CI\/CD job token not allowed from /;
/** `job_token_policies_unauthorized_message`: one permission, several (Rails' `to_sentence`), or none. */
const POLICY_REQUIRED = /The following token permissions? (?:is|are) required: (.+?)\.?$/;
const POLICY_UNAUTHORIZED = /This action is unauthorized for CI\/CD job tokens/;

/** `read_releases` / `read_jobs and read_releases` / `a, b, and c` -> the permission names. */
export function requiredPermissions(text: string): string[] {
  const m = POLICY_REQUIRED.exec(text.trim());
  if (!m) return [];
  return m[1].split(/,\s*(?:and\s+)?|\s+and\s+/).map((s) => s.trim()).filter((s) => /^[a-z_:]+$/i.test(s));
}

/** The `JobTokenScope` change that lets `source`'s job tokens reach `target`. */
export function allowlistRemedy(source: string, target: string, username?: string): string {
  return (
    `add '${source}' to allowProjects of the JobTokenScope for '${target}': ` +
    `new JobTokenScope(this, '...', { project: '${target}', allowProjects: [..., '${source}'] }) ` +
    `(or allow a group that contains ${source} with allowGroups), then cdktf deploy. ` +
    `The job's user${username ? ` (${username})` : ''} must also be a member of ${target} with the role the call needs`
  );
}

/** A fine-grained policy name as GitLab's GraphQL enum spells it (`read_releases` -> `READ_RELEASES`). */
export function policyEnum(policy: string): string {
  return policy.replace(/[:-]/g, '_').toUpperCase();
}

/**
 * `--project PATH`: can this token do job-token work against that project?
 * Job tokens: a job-token endpoint (`GET /projects/:id/releases`) tells the
 * allowlist's answer. Access tokens: scope, then the role on the project.
 */
export async function probeProject(client: ProbeClient, outcome: ProbeOutcome, projectPath: string): Promise<Check[]> {
  if (!outcome.verified || !outcome.auth) {
    return [check('project.access', 'skip', `not checked against ${projectPath}: GitLab did not accept the token`)];
  }
  try {
    if (outcome.tokenType === 'ci_job_token') return [await probeJobTokenOnProject(client, outcome, projectPath)];
    return await probeAccessTokenOnProject(client, outcome, projectPath);
  } catch (err) {
    if (!(err instanceof ServerProblem)) throw err;
    return [check('project.access', 'fail', err.message, err.remedy)];
  }
}

async function probeJobTokenOnProject(client: ProbeClient, outcome: ProbeOutcome, target: string): Promise<Check> {
  const path = `/api/v4/projects/${encodeURIComponent(target)}/releases`;
  const a = await client.get(path, 'job-token');
  const known = outcome.identity.project?.path;
  const source = known ?? 'the job\'s project';
  // The construct entry needs the full path; without it, say where to find it rather than guess from GitLab's message.
  const entry = known ?? '<full path of the job\'s project (CI_PROJECT_PATH)>';
  const user = outcome.identity.username;
  if (a.status === 200) {
    if (!Array.isArray(a.res.json)) throw client.wrongShape(path, a.status, 'a list of releases');
    return check('project.access', 'pass', `the job token of ${source} may reach ${target} (GET releases: 200)`);
  }
  if (a.status === 403) {
    if (ALLOWLIST_DENIED.test(a.errorText)) {
      return check(
        'project.access',
        'fail',
        `${target} does not allow job tokens from ${source}: "${a.errorText}" (${source} is missing from ${target}'s allowlist)`,
        allowlistRemedy(entry, target, user),
      );
    }
    const needed = requiredPermissions(a.errorText);
    if (needed.length > 0) {
      return check(
        'project.access',
        'fail',
        `${target} allows ${source}, but with fine-grained permissions that lack ${needed.join(' and ')}: "${a.errorText}"`,
        policyRemedy(entry, target, needed.map(policyEnum)),
      );
    }
    if (POLICY_UNAUTHORIZED.test(a.errorText)) {
      return check(
        'project.access',
        'fail',
        `${target} allows ${source} with fine-grained permissions, and no permission opens this endpoint to job tokens: "${a.errorText}"`,
        `give ${entry}'s entry in ${target}'s allowlist the default permissions (omit its policies), or use another token for this call`,
      );
    }
    return check(
      'project.access',
      'fail',
      `${target} refuses the job token: "${a.errorText || '403 Forbidden'}"`,
      `the job's user${user ? ` (${user})` : ''} needs a role in ${target} that may read releases, and releases must not be limited to project members`,
    );
  }
  if (a.status === 404) {
    return check(
      'project.access',
      'fail',
      `${target}: 404 "${a.errorText || 'Not Found'}": the project does not exist, or the job's user${user ? ` (${user})` : ''} is not a member of it` +
        ` (older GitLab also answers 404 when ${source} is missing from ${target}'s allowlist)`,
      `check the path; add ${user ?? 'the job\'s user'} to ${target}; and on older GitLab: ${allowlistRemedy(source, target, user)}`,
    );
  }
  if (a.status === 401) {
    return check('project.access', 'fail', `the job token was refused (401): its job has finished`, 'run the check from inside a running job');
  }
  throw client.unexpected(path, a);
}

async function probeAccessTokenOnProject(client: ProbeClient, outcome: ProbeOutcome, target: string): Promise<Check[]> {
  const checks: Check[] = [];
  const scopes = outcome.identity.scopes;
  if (scopes === undefined) {
    checks.push(check('project.scope', 'skip', `the scopes of ${TOKEN_TYPE_LABEL[outcome.tokenType]} cannot be read; GitLab will refuse calls the scopes do not cover`));
  } else if (scopes.includes('api') || scopes.includes('read_api')) {
    checks.push(
      check('project.scope', 'pass', scopes.includes('api') ? 'scope api: may read and manage the job-token scope' : 'scope read_api: may read the job-token scope (managing it needs api)'),
    );
  } else {
    checks.push(
      check('project.scope', 'fail', `scopes ${scopes.join(', ') || 'none'}: reading the job-token scope needs read_api, managing it needs api`, 'create a token with read_api (reading) or api (managing)'),
    );
  }
  const path = `/api/v4/projects/${encodeURIComponent(target)}`;
  const a = await client.get(path, outcome.auth ?? 'bearer');
  const who = outcome.identity.username ? `user ${outcome.identity.username}` : 'the token\'s user';
  if (a.status === 200) {
    const perms = a.body?.permissions as Record<string, { access_level?: unknown } | null> | undefined;
    if (!a.body || typeof a.body.id !== 'number') throw client.wrongShape(path, a.status, 'a project (id)');
    const levels = [perms?.project_access?.access_level, perms?.group_access?.access_level].filter((l): l is number => typeof l === 'number');
    const level = levels.length ? Math.max(...levels) : 0;
    if (outcome.identity.admin) {
      checks.push(check('project.role', 'pass', `${who} is an administrator: may read and manage the job-token scope of ${target}`));
    } else if (level >= MAINTAINER) {
      checks.push(check('project.role', 'pass', `${who} is ${roleName(level)} on ${target}: may read and manage its job-token scope`));
    } else {
      checks.push(
        check(
          'project.role',
          'fail',
          `${who} is ${level ? roleName(level) : 'not a member'} on ${target}: reading or managing the job-token scope needs Maintainer`,
          `give ${who} the Maintainer role on ${target} (or on a parent group)`,
        ),
      );
    }
    return checks;
  }
  if (a.status === 404) {
    checks.push(check('project.role', 'fail', `${target}: 404 "${a.errorText || 'Not Found'}": the project does not exist or ${who} cannot see it`, `check the path, and give ${who} the Maintainer role on ${target}`));
    return checks;
  }
  if (a.status === 403) {
    checks.push(check('project.role', 'fail', `${target}: 403 "${a.errorText}"`, 'create a token with read_api (reading) or api (managing)'));
    return checks;
  }
  if (a.status === 401) {
    checks.push(check('project.role', 'fail', `the token was refused (401) on ${target}`, 'check that the token is still valid'));
    return checks;
  }
  throw client.unexpected(path, a);
}
