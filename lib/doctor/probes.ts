import type { AuthScheme } from '../gitlab/http';
import { check, describeOwner } from './checks';
import type { TokenClassification } from './classify';
import { ProbeAnswer, ProbeClient, ServerProblem } from './probe-client';
import type { Check, Identity, TokenType } from './types';
import { TOKEN_TYPE_LABEL } from './types';
import { serverNow } from '../gitlab/server-clock';
import { refusalFix, refusalReason, REFUSAL_WORDS } from '../gitlab/token-refusal';

export interface ProbeOutcome {
  /** The type after GitLab's answers (e.g. `glpat-` refined to `project_access_token`). */
  readonly tokenType: TokenType;
  readonly checks: Check[];
  readonly identity: Identity;
  /** GitLab accepted the token. */
  readonly verified: boolean;
  /** GitLab refused the token (finished job, revoked, expired, mistyped). */
  readonly refused: boolean;
  /** How to send this token again (for `--project`). */
  readonly auth?: AuthScheme;
  /** Set when the server could not be asked (unreachable, redirect, not GitLab); the checks say so. */
  readonly serverProblem?: ServerProblem;
}

const EXPIRY_WARN_DAYS = 7;
const DAY_MS = 86_400_000;
const PROJECT_BOT = /^project_(\d+)_bot_/;
const GROUP_BOT = /^group_(\d+)_bot_/;

/** Accumulates what the probes learn; local to one diagnosis. */
interface Findings {
  tokenType: TokenType;
  checks: Check[];
  identity: Identity;
  verified: boolean;
  refused: boolean;
  auth?: AuthScheme;
}

/**
 * Asks GitLab about the token, sending only the requests that fit its type
 * (facts sheet, section 4). Never throws for a server problem: it becomes a
 * failed `gitlab.reachable` check.
 */
export async function probeToken(cls: TokenClassification, client: ProbeClient): Promise<ProbeOutcome> {
  const f: Findings = { tokenType: cls.tokenType, checks: [], identity: {}, verified: false, refused: false };
  try {
    switch (cls.tokenType) {
      case 'ci_job_token':
        await probeJobThenAccess(client, f, cls);
        break;
      case 'personal_access_token':
      case 'project_access_token':
      case 'group_access_token':
        await probeAccessToken(client, f, 'private-token', true);
        break;
      case 'oauth_access_token':
        await probeAccessToken(client, f, 'bearer', false);
        break;
      case 'unknown':
        await probeJobThenAccess(client, f, cls);
        break;
      default:
        f.checks.push(check('gitlab.probes', 'skip', `${TOKEN_TYPE_LABEL[cls.tokenType]} is not an API token: it was not sent to GitLab`));
    }
    if (f.verified && f.auth && f.auth !== 'job-token') await probeVersion(client, f);
  } catch (err) {
    if (!(err instanceof ServerProblem)) throw err;
    f.checks.push(check('gitlab.reachable', 'fail', err.message, err.remedy));
    return { ...f, serverProblem: err };
  }
  return f;
}

function jobProjectPath(webUrl: unknown): string | undefined {
  if (typeof webUrl !== 'string') return undefined;
  try {
    const p = new URL(webUrl).pathname;
    const i = p.indexOf('/-/jobs/');
    return i > 0 ? p.slice(1, i) : undefined;
  } catch {
    return undefined;
  }
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

async function probeJobThenAccess(client: ProbeClient, f: Findings, cls: TokenClassification): Promise<void> {
  const path = '/api/v4/job';
  const a = await client.get(path, 'job-token');
  if (a.status === 200) {
    const b = a.body;
    if (!b || num(b.id) === undefined || typeof b.status !== 'string') throw client.wrongShape(path, a.status, 'a job (id, status)');
    const pipeline = (b.pipeline && typeof b.pipeline === 'object' ? b.pipeline : {}) as Record<string, unknown>;
    const user = (b.user && typeof b.user === 'object' ? b.user : {}) as Record<string, unknown>;
    f.tokenType = 'ci_job_token';
    f.verified = true;
    f.auth = 'job-token';
    f.identity.job = { id: num(b.id), status: str(b.status), name: str(b.name), stage: str(b.stage), ref: str(b.ref), webUrl: str(b.web_url) };
    f.identity.pipeline = { id: num(pipeline.id), status: str(pipeline.status), ref: str(pipeline.ref), projectId: num(pipeline.project_id) };
    f.identity.project = { id: num(pipeline.project_id), path: jobProjectPath(b.web_url) };
    f.identity.username = str(user.username);
    f.identity.userId = num(user.id);
    const pipe = f.identity.pipeline.id !== undefined ? ` of pipeline ${f.identity.pipeline.id} (${f.identity.pipeline.status ?? 'status unknown'})` : '';
    f.checks.push(
      check(
        'token.live',
        'pass',
        `live CI job token: job ${f.identity.job.id}${f.identity.job.name ? ` "${f.identity.job.name}"` : ''} (${f.identity.job.status})${pipe}` +
          `${f.identity.project.path ? ` in ${f.identity.project.path}` : ''}${f.identity.username ? `, acting as user ${f.identity.username}` : ''}`,
      ),
    );
    return;
  }
  if (a.status === 404 && /job not found/i.test(a.errorText)) {
    f.checks.push(
      check(
        'token.live',
        cls.tokenType === 'ci_job_token' ? 'warn' : 'pass',
        'GitLab knows this token, but it is not a CI job token (GET /api/v4/job: 404 Job Not Found)',
        cls.tokenType === 'ci_job_token' ? 'the token has the glcbt- prefix yet GitLab says it is no job token: check where the variable was set' : '',
      ),
    );
    await probeAccessToken(client, f, 'bearer', cls.tokenType !== 'oauth_access_token');
    return;
  }
  if (a.status === 401) {
    if (cls.tokenType === 'ci_job_token') {
      f.refused = true;
      const jwt = cls.jwt?.expired ? ` (its JWT expired at ${cls.jwt.expiresAt})` : '';
      f.checks.push(
        check(
          'token.live',
          'fail',
          `GitLab refuses this CI job token (GET /api/v4/job: 401)${jwt}: its job has finished, was erased, or its project is being deleted; ` +
            'a job token lives only while its job runs',
          'use CI_JOB_TOKEN only inside the running job that received it; for work outside a job (schedules, laptops, ' +
            'other pipelines later on) use a project or group access token',
        ),
      );
      return;
    }
    // Unknown form: not a live job token; it may still be an old unprefixed access token.
    f.checks.push(check('token.live', 'skip', 'not a live CI job token (GET /api/v4/job: 401)'));
    await probeAccessToken(client, f, 'bearer', true, true);
    return;
  }
  throw client.unexpected(path, a);
}

/** GitLab's reason for a 401, in the words every command's token check uses. */
function refusal(a: ProbeAnswer, source: string): { words: string; fix: string } {
  const reason = refusalReason(a.res) ?? 'unspecified';
  return { words: REFUSAL_WORDS[reason], fix: refusalFix(reason, source) };
}

const REFUSED_REMEDY =
  'create a new token (Settings > Access tokens, or the project/group Access tokens page), store it again and check ' +
  'that the variable holds the whole token';

/**
 * Personal, project and group access tokens (and OAuth tokens with `trySelf`
 * false): `/personal_access_tokens/self` for scopes and expiry, `/user` for
 * the owner (bot users tell project and group access tokens apart).
 */
async function probeAccessToken(client: ProbeClient, f: Findings, auth: AuthScheme, trySelf: boolean, lastChance = false): Promise<void> {
  let selfOk = false;
  if (trySelf) {
    const path = '/api/v4/personal_access_tokens/self';
    const a = await client.get(path, auth);
    if (a.status === 200) {
      const b = a.body;
      if (!b || !Array.isArray(b.scopes)) throw client.wrongShape(path, a.status, 'the token (scopes)');
      selfOk = true;
      f.identity.tokenName = str(b.name);
      f.identity.scopes = (b.scopes as unknown[]).filter((s): s is string => typeof s === 'string');
      f.identity.expiresAt = typeof b.expires_at === 'string' ? b.expires_at : null;
      f.identity.revoked = b.revoked === true;
      f.identity.active = b.active !== false;
      f.identity.userId = num(b.user_id);
      if (f.tokenType === 'unknown' || f.tokenType === 'ci_job_token') f.tokenType = 'personal_access_token';
      if (f.identity.revoked) {
        f.refused = true;
        f.checks.push(check('token.accepted', 'fail', `the token "${f.identity.tokenName ?? '?'}" was revoked`, REFUSED_REMEDY));
        return;
      }
      const expiry = expiryCheck(f.identity.expiresAt, serverNow(a.res.headers, client.ctx.now));
      if (!f.identity.active || expiry.status === 'fail') {
        f.refused = true;
        f.checks.push(check('token.accepted', 'fail', `the token "${f.identity.tokenName ?? '?'}" is no longer active: ${expiry.status === 'fail' ? expiry.message : 'expired'}`, REFUSED_REMEDY));
        return;
      }
      f.verified = true;
      f.auth = auth;
      f.checks.push(check('token.accepted', 'pass', `GitLab accepts the token "${f.identity.tokenName ?? '?'}"`));
      f.checks.push(expiry);
      f.checks.push(scopesCheck(f.identity.scopes));
    } else if (a.status === 401) {
      if (!(await userAnswersAsOAuth(client, f))) {
        f.refused = true;
        const r = refusal(a, client.ctx.source ?? 'GITLAB_TOKEN');
        f.checks.push(
          check(
            'token.accepted',
            'fail',
            lastChance
              ? `GitLab refuses this token as a job token and as an access token (401): it is revoked, expired or mistyped, or the token of a finished job`
              : `GitLab refuses this token (GET ${path}: 401 "${a.errorText || 'Unauthorized'}"): ${r.words}`,
            lastChance ? REFUSED_REMEDY : r.fix,
          ),
        );
      }
      return;
    } else if (a.status !== 404 && a.status !== 403) {
      throw client.unexpected(path, a);
    }
    // 404 (older GitLab, or an OAuth token) and 403 (no scope for it): /user will tell.
  }
  await probeUser(client, f, auth, selfOk);
}

/** An unprefixed token GitLab refused on `/personal_access_tokens/self` may still be an OAuth token. */
async function userAnswersAsOAuth(client: ProbeClient, f: Findings): Promise<boolean> {
  if (f.tokenType !== 'unknown') return false;
  const a = await client.get('/api/v4/user', 'bearer');
  if (a.status !== 200) return false;
  f.tokenType = 'oauth_access_token';
  await probeUser(client, f, 'bearer', false, a);
  return true;
}

async function probeUser(client: ProbeClient, f: Findings, auth: AuthScheme, selfOk: boolean, prefetched?: ProbeAnswer): Promise<void> {
  const path = '/api/v4/user';
  const a = prefetched ?? (await client.get(path, auth));
  if (a.status === 200) {
    const b = a.body;
    if (!b || num(b.id) === undefined || typeof b.username !== 'string') throw client.wrongShape(path, a.status, 'a user (id, username)');
    f.verified = true;
    f.auth = auth;
    f.identity.username = b.username;
    f.identity.userId = num(b.id);
    f.identity.name = str(b.name);
    f.identity.bot = b.bot === true;
    if (b.is_admin === true) f.identity.admin = true;
    const proj = PROJECT_BOT.exec(b.username);
    const grp = GROUP_BOT.exec(b.username);
    if (proj) {
      f.tokenType = 'project_access_token';
      f.identity.project = { id: Number(proj[1]) };
      await lookupPath(client, f, 'projects', Number(proj[1]), auth);
    } else if (grp) {
      f.tokenType = 'group_access_token';
      f.identity.group = { id: Number(grp[1]) };
      await lookupPath(client, f, 'groups', Number(grp[1]), auth);
    } else if (f.tokenType === 'unknown') {
      f.tokenType = selfOk ? 'personal_access_token' : 'oauth_access_token';
    }
    if (!selfOk) f.checks.push(check('token.accepted', 'pass', 'GitLab accepts the token (GET /api/v4/user)'));
    const botNote = f.identity.bot && !proj && !grp ? ' (a bot or service account)' : '';
    f.checks.push(check('token.owner', 'pass', `this is ${describeOwner(f.tokenType, f.identity)}${botNote}`));
    return;
  }
  if (a.status === 403) {
    if (selfOk) {
      f.checks.push(
        check('token.owner', 'warn', 'the token may not read its own user (GET /api/v4/user: 403), so personal vs project vs group cannot be told apart', 'give the token the read_api (or read_user) scope'),
      );
      return;
    }
    f.verified = true;
    f.auth = auth;
    f.checks.push(check('token.accepted', 'pass', 'GitLab accepts the token, but its scopes do not let it read its own user (GET /api/v4/user: 403)'));
    return;
  }
  if (a.status === 401) {
    f.refused = true;
    const r = refusal(a, client.ctx.source ?? 'GITLAB_TOKEN');
    f.checks.push(check('token.accepted', 'fail', `GitLab refuses this token (GET ${path}: 401 "${a.errorText || 'Unauthorized'}"): ${r.words}`, r.fix));
    return;
  }
  throw client.unexpected(path, a);
}

async function lookupPath(client: ProbeClient, f: Findings, kind: 'projects' | 'groups', id: number, auth: AuthScheme): Promise<void> {
  const a = await client.get(`/api/v4/${kind}/${id}`, auth);
  // Best effort: a bot without read access (or a server without the route) still has its id.
  if (a.status !== 200 || !a.body) return;
  if (kind === 'projects' && typeof a.body.path_with_namespace === 'string') f.identity.project = { id, path: a.body.path_with_namespace };
  if (kind === 'groups' && typeof a.body.full_path === 'string') f.identity.group = { id, path: a.body.full_path };
}

async function probeVersion(client: ProbeClient, f: Findings): Promise<void> {
  const path = '/api/v4/version';
  const a = await client.get(path, f.auth ?? 'bearer');
  if (a.status === 200) {
    if (!a.body || typeof a.body.version !== 'string') throw client.wrongShape(path, a.status, 'a version');
    f.identity.gitlabVersion = a.body.version;
    f.checks.push(check('gitlab.version', 'pass', `GitLab ${a.body.version} at ${client.baseUrl}`));
    return;
  }
  f.checks.push(check('gitlab.version', 'skip', `GitLab version not readable with this token (GET ${path}: ${a.status})`));
}

/** Access tokens expire at 00:00 UTC on their `expires_at` date. */
export function expiryCheck(expiresAt: string | null | undefined, now: Date): Check {
  if (!expiresAt) return check('token.expiry', 'pass', 'the token has no expiry date');
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(expiresAt);
  if (!m) return check('token.expiry', 'warn', `unreadable expiry date "${expiresAt}"`);
  const at = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  const days = (at - now.getTime()) / DAY_MS;
  const date = `${m[1]}-${m[2]}-${m[3]}`;
  if (days <= 0) return check('token.expiry', 'fail', `the token expired on ${date}`, REFUSED_REMEDY);
  if (days <= EXPIRY_WARN_DAYS) {
    const n = Math.ceil(days);
    return check(
      'token.expiry',
      'warn',
      `the token expires in ${n} day${n === 1 ? '' : 's'}, on ${date}`,
      'rotate it now (Access tokens > Rotate, or POST /personal_access_tokens/self/rotate) and update the variable that holds it',
    );
  }
  return check('token.expiry', 'pass', `the token expires on ${date}`);
}

function scopesCheck(scopes: readonly string[]): Check {
  const list = scopes.length ? scopes.join(', ') : 'none';
  if (scopes.includes('api')) return check('token.scopes', 'pass', `scopes: ${list} (api: read and write)`);
  if (scopes.includes('read_api')) {
    return check('token.scopes', 'pass', `scopes: ${list} (read_api: enough for reading, e.g. tokenscope drift; changes need api)`);
  }
  return check(
    'token.scopes',
    'warn',
    `scopes: ${list}: neither api nor read_api, so the token cannot read projects or job-token settings through the API`,
    'create a token with read_api (reading: drift, doctor) or api (changes: cdktf deploy)',
  );
}
