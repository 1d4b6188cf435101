import { ConfigError, normalizeBaseUrl, shownTokenEnv } from '../gitlab/config';
import type { RetryPolicy } from '../gitlab/http';
import type { Deadline } from '../gitlab/deadline';
import { createMasker, describeSecret, maskDeep } from '../gitlab/secrets';
import { check, describeOwner } from './checks';
import { classifyToken, TokenClassification } from './classify';
import { expectRemedy, NOT_AN_API_TOKEN } from './explain';
import { ProbeClient } from './probe-client';
import { probeProject } from './project-probe';
import { ProbeOutcome, probeToken } from './probes';
import { API_TOKEN_TYPES, Check, DoctorReport, Identity, TOKEN_TYPE_LABEL, TokenType } from './types';

export interface DoctorInput {
  /** The token as stored (undefined: no variable set). A secret: only ever shown through `describeSecret`. */
  readonly token: string | undefined;
  /** Variable the token came from (`GITLAB_TOKEN`, ...). */
  readonly tokenSource?: string;
  /** Variables that were looked at, for the "no token" message. */
  readonly tokenVars?: readonly string[];
  /** Variables that were set but empty. */
  readonly emptyVars?: readonly string[];
  /** GitLab URL as given (validated here); undefined: offline checks only. */
  readonly url?: string;
  readonly expect?: TokenType;
  readonly project?: string;
  readonly now?: Date;
  readonly fetchImpl?: typeof fetch;
  readonly retry?: RetryPolicy;
  readonly timeoutMs?: number;
  /** `--timeout`: every probe stays within it. */
  readonly deadline?: Deadline;
}

/** The result plus the exit code the CLI returns (0: valid and meets --expect/--project). */
export interface Diagnosis {
  readonly report: DoctorReport;
  readonly exitCode: 0 | 1;
}

/**
 * Everything `tokenscope doctor` finds out: offline from the token's form,
 * online (when a URL is known) from GitLab's answers to probes that fit the type.
 */
export async function diagnoseToken(input: DoctorInput): Promise<Diagnosis> {
  const now = input.now ?? new Date();
  const source = input.tokenSource ?? 'GITLAB_TOKEN';
  const checks: Check[] = [];
  const identity: Identity = {};

  if (input.token === undefined || input.token === '') {
    // Names as given by --token-env: one that looks like a pasted token is never repeated.
    const vars = (input.tokenVars?.length ? input.tokenVars : ['GITLAB_TOKEN', 'CI_JOB_TOKEN']).map(shownTokenEnv);
    const empty = input.emptyVars?.length ? ` (${input.emptyVars.map(shownTokenEnv).join(', ')} ${input.emptyVars.length === 1 ? 'is' : 'are'} set but empty)` : '';
    checks.push(
      check('token.present', 'fail', `no token: ${vars.join(' and ')} ${vars.length === 1 ? 'is' : 'are'} not set${empty}`,
        `set ${vars[0]} to the token, or name the variable that holds it with --token-env NAME`),
    );
    return finish(input, { tokenType: 'unknown', checks, identity, valid: false, online: false, verified: false, verdict: `No token to check: ${checks[0].message}.` });
  }

  const mask = createMasker([input.token]);
  const cls = classifyToken(input.token, { source, now });
  const secretMask = createMasker([input.token, cls.cleaned]);
  identity.token = describeSecret(cls.cleaned || input.token);
  identity.source = source;
  for (const p of cls.problems) checks.push(check(p.id, 'fail', p.message, p.remedy));
  if (!cls.cleaned) {
    return finish(input, { tokenType: 'unknown', checks, identity, valid: false, online: false, verified: false, verdict: `Not a token: ${checks[0].message}.` }, secretMask);
  }
  checks.push(typeCheck(cls, identity.token));
  if (cls.jwt || cls.jwtError) identity.jwt = cls.jwt;
  checks.push(...jwtChecks(cls, input.url));

  const apiToken = API_TOKEN_TYPES.has(cls.tokenType);
  const notApi = NOT_AN_API_TOKEN[cls.tokenType];
  if (notApi) {
    const expected = input.expect === cls.tokenType;
    checks.push(check('token.api', expected ? 'skip' : 'fail', `${capital(TOKEN_TYPE_LABEL[cls.tokenType])}${cls.otherKind ? ` (${cls.otherKind})` : ''}: ${notApi.what}; it was not sent to GitLab`, expected ? '' : notApi.instead));
  }

  let baseUrl: string | undefined;
  if (input.url === undefined) {
    checks.push(check('gitlab.url', 'skip', 'no GitLab URL (--url, GITLAB_URL or CI_SERVER_URL): online checks skipped, the result rests on the token\'s form alone', 'pass --url or set GITLAB_URL to check the token against GitLab'));
  } else {
    try {
      baseUrl = normalizeBaseUrl(input.url);
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      checks.push(check('gitlab.url', 'fail', mask(err.message), 'give the GitLab instance root, e.g. --url https://gitlab.example.com'));
    }
  }

  // No HTTP header can carry such a token: sending it would only fail in the client with a confusing message.
  const sendable = !cls.problems.some((p) => p.id === 'token.characters');
  if (baseUrl && apiToken && !sendable) {
    checks.push(check('gitlab.probes', 'skip', 'the token was not sent to GitLab: its stray character cannot travel in an HTTP header'));
  }
  let outcome: ProbeOutcome | undefined;
  let client: ProbeClient | undefined;
  if (baseUrl && apiToken && sendable) {
    client = new ProbeClient({
      baseUrl, token: cls.cleaned, mask: secretMask, now, source, fetchImpl: input.fetchImpl, retry: input.retry, timeoutMs: input.timeoutMs, deadline: input.deadline,
    });
    outcome = await probeToken(cls, client);
    checks.push(...outcome.checks);
    Object.assign(identity, outcome.identity);
  }
  const tokenType = outcome?.tokenType ?? cls.tokenType;

  if (input.expect) checks.push(expectCheck(input.expect, tokenType, identity, outcome, source));
  if (input.project) {
    if (!client || !outcome) {
      const why = !apiToken ? 'this is not an API token' : 'online checks were skipped';
      checks.push(check('project.access', 'skip', `not checked against ${input.project}: ${why}`, apiToken && !baseUrl ? 'pass --url or set GITLAB_URL' : ''));
    } else {
      checks.push(...(await probeProject(client, outcome, input.project)));
    }
  }

  const tokenFails = checks.some((c) => c.status === 'fail' && c.id.startsWith('token.') && c.id !== 'token.expected' && c.id !== 'token.api');
  const probed = outcome !== undefined;
  const valid = !tokenFails && (probed ? outcome!.verified : tokenType !== 'unknown');
  const verdict = verdictFor({ cls, tokenType, identity, outcome, valid, source, checks, urlGiven: input.url !== undefined });
  return finish(input, { tokenType, checks, identity, valid, online: probed, verified: outcome?.verified ?? false, verdict, url: baseUrl }, secretMask);
}

/** Starts a sentence; a leading path (`acme/web ...`) keeps its case. */
function capital(s: string): string {
  return /^[^\s]*\//.test(s) ? s : s.charAt(0).toUpperCase() + s.slice(1);
}

function typeCheck(cls: TokenClassification, shown: string): Check {
  const notes = cls.notes.length ? `; ${cls.notes.join('; ')}` : '';
  if (cls.tokenType === 'unknown') {
    return check('token.type', 'warn', `${shown}: no known GitLab token prefix (glpat-, glcbt-, ...)${notes}`, 'check that the variable holds a GitLab token, not another secret');
  }
  const label = cls.tokenType === 'personal_access_token' ? 'a personal access token (or project/group access token)' : TOKEN_TYPE_LABEL[cls.tokenType];
  return check('token.type', 'pass', `${shown} is by its form ${label}${notes}`);
}

function jwtChecks(cls: TokenClassification, url: string | undefined): Check[] {
  if (cls.jwtError) {
    return [check('token.jwt', 'fail', `the token looks like a JWT job token, but ${cls.jwtError}`, 'use $CI_JOB_TOKEN as GitLab sets it in the job, unmodified')];
  }
  const j = cls.jwt;
  if (!j) return [];
  const out: Check[] = [];
  const about = [
    j.jobId !== undefined ? `job ${j.jobId}` : j.sub ? `subject ${j.sub}` : '',
    j.iss ? `issued by ${j.iss}` : '',
    j.expiresAt ? `${j.expired ? 'expired' : 'expires'} at ${j.expiresAt}` : 'no expiry claim',
  ].filter(Boolean).join(', ');
  if (j.expired) {
    out.push(check('token.jwt', 'fail', `JWT job token (claims read, not verified): ${about}: its job has ended (exp is the job timeout + 5 minutes)`, 'use CI_JOB_TOKEN only inside the running job that received it; for anything later use a project or group access token'));
  } else {
    out.push(check('token.jwt', 'pass', `JWT job token (claims read, not verified): ${about}`));
  }
  if (j.iss && url) {
    const issHost = hostOf(j.iss);
    const urlHost = hostOf(url);
    if (issHost && urlHost && issHost !== urlHost) {
      out.push(check('token.issuer', 'warn', `the token was issued by ${issHost}, but the GitLab URL is ${urlHost}`, 'point --url (or GITLAB_URL) at the instance that ran the job'));
    }
  }
  return out;
}

function hostOf(s: string): string | undefined {
  try {
    return new URL(/^[a-z]+:\/\//i.test(s) ? s : `https://${s}`).hostname.toLowerCase();
  } catch {
    return undefined;
  }
}

const GLPAT_FAMILY: ReadonlySet<TokenType> = new Set<TokenType>(['personal_access_token', 'project_access_token', 'group_access_token']);

function expectCheck(expected: TokenType, actual: TokenType, identity: Identity, outcome: ProbeOutcome | undefined, source: string): Check {
  const want = TOKEN_TYPE_LABEL[expected];
  // Offline (or refused), glpat- cannot be told apart among personal, project and group access tokens.
  const ambiguous = actual === 'personal_access_token' && !outcome?.verified;
  if (ambiguous && GLPAT_FAMILY.has(expected)) {
    return check('token.expected', 'skip', `you expected ${want}: glpat- tokens can be personal, project or group access tokens, and ${outcome ? 'GitLab refused this one' : 'offline'} the form alone cannot tell`, outcome ? '' : 'pass --url so that GitLab can tell');
  }
  const have = ambiguous ? 'a personal, project or group access token (glpat-)' : describeOwner(actual, identity);
  if (actual === expected) return check('token.expected', 'pass', `as expected, this is ${have}`);
  if (actual === 'unknown') {
    return check('token.expected', 'fail', `you expected ${want}, but this is not a recognisable GitLab token`, expectRemedy(expected, source));
  }
  return check('token.expected', 'fail', `you expected ${want}, but this is ${have}`, expectRemedy(expected, source));
}

interface VerdictFacts {
  cls: TokenClassification;
  tokenType: TokenType;
  identity: Identity;
  outcome: ProbeOutcome | undefined;
  valid: boolean;
  source: string;
  checks: Check[];
  urlGiven: boolean;
}

function verdictFor(v: VerdictFacts): string {
  const desc = `${describeOwner(v.tokenType, v.identity)} (${v.identity.token})`;
  const fails = (pred: (c: Check) => boolean) => v.checks.filter((c) => c.status === 'fail' && pred(c)).map((c) => c.message);
  const parts: string[] = [];
  const form = v.cls.problems.map((p) => p.message);
  const refusal = fails((c) => ['token.live', 'token.accepted', 'token.jwt', 'token.expiry'].includes(c.id));
  const server = v.outcome?.serverProblem;
  if (form.length) parts.push(`${v.source} holds ${desc}, but as stored GitLab would refuse it: ${form.join('; ')}.`);
  if (refusal.length) parts.push(`Invalid: ${desc}: ${refusal[0]}.`);
  else if (server) parts.push(`Could not check online: ${server.message}. By its form, this is ${desc}.`);
  else if (!form.length) {
    const notApi = NOT_AN_API_TOKEN[v.tokenType];
    if (notApi) parts.push(`${capital(desc)}: not an API token, so it was not sent to GitLab.`);
    else if (v.outcome?.verified) {
      const scopes = v.identity.scopes ? `, scopes ${v.identity.scopes.join(', ') || 'none'}` : '';
      const exp = v.identity.expiresAt ? `, expires ${v.identity.expiresAt}` : '';
      parts.push(`Valid: ${desc}${scopes}${exp}.`);
    } else if (!v.outcome) {
      const why = v.urlGiven ? 'online checks not run' : 'online checks skipped: no GitLab URL';
      parts.push(v.tokenType === 'unknown' ? `Not a recognisable GitLab token (${why}).` : `By its form, this is ${desc} (${why}).`);
    }
  }
  const expectFail = fails((c) => c.id === 'token.expected');
  if (expectFail.length) parts.push(`${capital(expectFail[0])}.`);
  const other = fails((c) => c.id.startsWith('project.') || c.id === 'gitlab.url' || c.id === 'token.api');
  for (const m of other) parts.push(`${capital(m)}.`);
  return parts.join(' ').replace(/\.\./g, '.');
}

interface Draft {
  tokenType: TokenType;
  checks: Check[];
  identity: Identity;
  valid: boolean;
  online: boolean;
  verified: boolean;
  verdict: string;
  url?: string;
}

function finish(input: DoctorInput, d: Draft, mask = createMasker([input.token])): Diagnosis {
  const failed = d.checks.filter((c) => c.status === 'fail');
  const pool = failed.length ? failed : d.checks.filter((c) => c.status === 'warn');
  const fix = [...new Set(pool.map((c) => c.remedy).filter(Boolean))].join('\n');
  const report: DoctorReport = {
    tokenType: d.tokenType,
    valid: d.valid,
    verdict: d.verdict,
    checks: d.checks,
    identity: d.identity,
    fix,
    online: d.online,
    verified: d.verified,
    ...(d.url ? { url: d.url } : {}),
    ...(input.expect ? { expect: input.expect } : {}),
    ...(input.project ? { project: input.project } : {}),
  };
  // Asked-for checks must have passed: a skip (could not tell) is not a yes.
  const met = (prefix: string) => {
    const mine = d.checks.filter((c) => c.id.startsWith(prefix));
    return mine.some((c) => c.status === 'pass') && mine.every((c) => c.status !== 'fail');
  };
  const ok =
    d.valid &&
    failed.length === 0 &&
    (!input.expect || met('token.expected')) &&
    (!input.project || met('project.'));
  // Last line of defence: no check message may carry the token, however it got there.
  return { report: maskDeep(report, mask), exitCode: ok ? 0 : 1 };
}
