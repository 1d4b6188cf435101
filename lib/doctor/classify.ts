import { decodeJwtClaims } from './jwt';
import type { JwtSummary, TokenType } from './types';

/** Something about the token's form that would make GitLab refuse it as stored. */
export interface FormProblem {
  readonly id: 'token.empty' | 'token.whitespace' | 'token.header' | 'token.quotes' | 'token.bearer' | 'token.url' | 'token.characters';
  readonly message: string;
  readonly remedy: string;
}

export interface TokenClassification {
  readonly tokenType: TokenType;
  /** The GitLab type prefix, e.g. `glpat-`; undefined when the token has none. */
  readonly prefix?: string;
  /** An instance-wide custom prefix in front of the type prefix, e.g. `mycompany-`. */
  readonly customPrefix?: string;
  /** `glpat-` + 27..300 characters + `.` + 9 characters (facts sheet, section 4). */
  readonly routable: boolean;
  /**
   * The token with pasted-in wrapping (whitespace, quotes, `Bearer `, header
   * name) removed: what the probes send. A secret: never print it.
   */
  readonly cleaned: string;
  readonly problems: readonly FormProblem[];
  /** Plain facts about the form worth telling ("legacy runner registration token", ...). */
  readonly notes: readonly string[];
  readonly jwt?: JwtSummary;
  readonly jwtError?: string;
  /** Legacy `glcbt-<partition>_<...>` job token form. */
  readonly jobTokenPartition?: string;
  /** For `other_gitlab_token`: which kind (feed tokens and friends). */
  readonly otherKind?: string;
}

export interface ClassifyOptions {
  /** Name of the variable the token came from, for remedies ("fix the CI/CD variable GITLAB_TOKEN"). */
  readonly source?: string;
  readonly now?: Date;
}

const TYPE_PREFIXES: ReadonlyArray<readonly [string, TokenType, string?]> = [
  ['glpat', 'personal_access_token'],
  ['glcbt', 'ci_job_token'],
  ['gldt', 'deploy_token'],
  ['glrtr', 'runner_token'],
  ['glrt', 'runner_token'],
  ['glptt', 'trigger_token'],
  ['gloas', 'oauth_application_secret'],
  ['glft', 'feed_token'],
  ['glimt', 'other_gitlab_token', 'incoming email token'],
  ['glagent', 'other_gitlab_token', 'Kubernetes agent token'],
  ['glwt', 'other_gitlab_token', 'workspace token'],
  ['glsoat', 'other_gitlab_token', 'SCIM OAuth token'],
  ['glffct', 'other_gitlab_token', 'feature flags client token'],
];

// The type prefix may follow an instance's custom prefix (`mycompany-glpat-...`):
// the first `<type>-` at the start or right after a `-` is the type.
const TYPE_PREFIX_RE = new RegExp(`(?:^|-)(${TYPE_PREFIXES.map(([p]) => p).join('|')})-`);
const ROUTABLE_PAT_BODY = /^[A-Za-z0-9_-]{27,300}\.[A-Za-z0-9_-]{9}$/;
const LEGACY_JOB_BODY = /^([0-9a-f]+)_([A-Za-z0-9_-]+)$/;
const HEX64 = /^[0-9a-fA-F]{64}$/;
const LEGACY_UNPREFIXED = /^[A-Za-z0-9_-]{20}$/;
const URL_RE = /^[a-z][a-z0-9+.-]*:\/\//i;
const HEADER_RE = /^(PRIVATE-TOKEN|JOB-TOKEN|Deploy-Token|Authorization)\s*:\s*/i;
const BEARER_RE = /^Bearer\s+/i;
const INVISIBLE_CHARS = '[\\u200b\\u200c\\u200d\\u2060\\ufeff]';

const WHITESPACE_NAMES: ReadonlyArray<readonly [RegExp, string]> = [
  [/\r\n/, 'a Windows line ending (\\r\\n)'],
  [/\n/, 'a newline (\\n)'],
  [/\r/, 'a carriage return (\\r)'],
  [/\t/, 'a tab'],
  [/\u00a0/, 'a non-breaking space'],
  [/ /, 'a space'],
  [/\s/, 'whitespace'],
];

function whitespaceName(s: string): string {
  for (const [re, name] of WHITESPACE_NAMES) if (re.test(s)) return name;
  return 'whitespace';
}

function sourceRemedy(source: string | undefined, what: string): string {
  const v = source ?? 'the token variable';
  return (
    `fix the stored value of ${v}: ${what}. If it is a CI/CD variable, edit it under Settings > CI/CD > Variables; ` +
    `in a shell, set it with printf '%s' rather than echo`
  );
}

/**
 * Pure, offline: what kind of GitLab token `raw` is by its form alone
 * (facts sheet, section 4), and what is wrong with how it was stored.
 */
export function classifyToken(raw: string, opts: ClassifyOptions = {}): TokenClassification {
  const now = opts.now ?? new Date();
  const source = opts.source;
  const problems: FormProblem[] = [];
  const notes: string[] = [];

  if (raw.trim() === '') {
    problems.push({
      id: 'token.empty',
      message: raw === '' ? `${source ?? 'the token'} is empty` : `${source ?? 'the token'} holds only whitespace`,
      remedy: `set ${source ?? 'GITLAB_TOKEN'} to the token (GitLab: Settings > Access tokens; in CI, a masked CI/CD variable)`,
    });
    return { tokenType: 'unknown', routable: false, cleaned: '', problems, notes };
  }

  let t = raw;
  if (new RegExp(INVISIBLE_CHARS).test(t)) {
    problems.push({
      id: 'token.whitespace',
      message: 'the token contains invisible characters (zero-width space or byte order mark), pasted in with it',
      remedy: sourceRemedy(source, 'retype or re-copy it without the invisible characters'),
    });
    t = t.replace(new RegExp(INVISIBLE_CHARS, 'g'), '');
  }
  const lead = /^\s+/.exec(t)?.[0];
  const trail = /\s+$/.exec(t)?.[0];
  if (lead || trail) {
    const where = [lead ? `starts with ${whitespaceName(lead)}` : '', trail ? `ends with ${whitespaceName(trail)}` : '']
      .filter(Boolean)
      .join(' and ');
    problems.push({
      id: 'token.whitespace',
      message: `the token ${where}; GitLab compares tokens exactly, so it would be refused as stored`,
      remedy: sourceRemedy(source, `remove the ${trail && /[\r\n]/.test(trail) ? 'trailing line break' : 'surrounding whitespace'}`),
    });
    t = t.trim();
  }
  const header = HEADER_RE.exec(t);
  if (header) {
    problems.push({
      id: 'token.header',
      message: `a whole "${header[1]}:" header line was pasted in, not just the token`,
      remedy: sourceRemedy(source, `store only the token, without "${header[1]}:" (tokenscope sends the right header itself)`),
    });
    t = t.slice(header[0].length).trim();
  }
  t = stripQuotes(t, problems, source);
  if (BEARER_RE.test(t)) {
    problems.push({
      id: 'token.bearer',
      message: 'the value starts with "Bearer ": that is the Authorization header\'s scheme, not part of the token',
      remedy: sourceRemedy(source, 'store only the token, without "Bearer " (tokenscope adds the header itself)'),
    });
    t = t.replace(BEARER_RE, '').trim();
    t = stripQuotes(t, problems, source);
  }
  if (/\s/.test(t)) {
    problems.push({
      id: 'token.whitespace',
      message: `the token contains ${whitespaceName(t.match(/\s+/)?.[0] ?? ' ')} inside (wrapped or pasted in pieces?); GitLab tokens never contain whitespace`,
      remedy: sourceRemedy(source, 'store it as one unbroken line'),
    });
    t = t.replace(/\s+/g, '');
  }
  if (URL_RE.test(t)) {
    const inside = tokenInsideUrl(t);
    let origin = '';
    try {
      origin = new URL(t).origin;
    } catch {
      origin = '';
    }
    if (inside) {
      problems.push({
        id: 'token.url',
        message: `a URL with a token inside was stored${origin ? ` (${origin}/...)` : ''}, not the token alone`,
        remedy: sourceRemedy(source, 'store only the token; give the GitLab URL with --url or GITLAB_URL'),
      });
      t = inside;
    } else {
      problems.push({
        id: 'token.url',
        message: `this is a URL${origin ? ` (${origin})` : ''}, not a token: were GITLAB_URL and ${source ?? 'GITLAB_TOKEN'} swapped?`,
        remedy: `put the token in ${source ?? 'GITLAB_TOKEN'} and the URL in GITLAB_URL (or --url)`,
      });
      return { tokenType: 'unknown', routable: false, cleaned: '', problems, notes };
    }
  }
  const odd = /[^\x21-\x7e]/.exec(t);
  if (odd) {
    const code = odd[0].codePointAt(0) as number;
    problems.push({
      id: 'token.characters',
      message: `the token contains the character U+${code.toString(16).toUpperCase().padStart(4, '0')} at position ${odd.index + 1}, ` +
        'which no GitLab token has (they are plain ASCII): it was mistyped or changed when copied',
      remedy: sourceRemedy(source, 'copy the token again from where it was created, or create a new one'),
    });
  }
  return { ...classifyForm(t, now, notes), cleaned: t, problems, notes };
}

// Typographic quotes come with a token copied from a chat message or a document.
const QUOTES = '"\'`\u2018\u2019\u201a\u201c\u201d\u201e\u00ab\u00bb';

function stripQuotes(t: string, problems: FormProblem[], source: string | undefined): string {
  const m = new RegExp(`^[${QUOTES}]([^${QUOTES}]*)[${QUOTES}]?$`).exec(t) ?? new RegExp(`^([^${QUOTES}]*)[${QUOTES}]$`).exec(t);
  if (!m || t.length < 2) return t;
  problems.push({
    id: 'token.quotes',
    message: 'the token is wrapped in quotes that became part of the stored value',
    remedy: sourceRemedy(source, 'remove the quotes (CI/CD variables and .env files take the value literally)'),
  });
  return m[1].trim();
}

function tokenInsideUrl(u: string): string | undefined {
  let url: URL;
  try {
    url = new URL(u);
  } catch {
    return undefined;
  }
  if (url.password) {
    try {
      return decodeURIComponent(url.password);
    } catch {
      // A stray `%` in a pasted password: the raw text is the best guess at the token.
      return url.password;
    }
  }
  for (const k of ['private_token', 'job_token', 'access_token', 'token']) {
    const v = url.searchParams.get(k);
    if (v) return v;
  }
  return undefined;
}

type FormFacts = Omit<TokenClassification, 'cleaned' | 'problems' | 'notes'>;

function classifyForm(t: string, now: Date, notes: string[]): FormFacts {
  const m = TYPE_PREFIX_RE.exec(t);
  if (m) {
    const start = m.index + (m[0].startsWith('-') ? 1 : 0);
    const word = m[1];
    const [, tokenType, otherKind] = TYPE_PREFIXES.find(([p]) => p === word) as readonly [string, TokenType, string?];
    const customPrefix = start > 0 ? t.slice(0, start) : undefined;
    const body = t.slice(start + word.length + 1);
    const prefix = `${word}-`;
    if (customPrefix) notes.push(`type prefix ${prefix} follows the instance's custom prefix ${customPrefix}`);
    const facts: FormFacts = { tokenType, prefix, customPrefix, routable: false, otherKind };
    switch (word) {
      case 'glpat': {
        const routable = ROUTABLE_PAT_BODY.test(body);
        notes.push(
          'glpat- is shared by personal, impersonation, project and group access tokens: the form cannot tell them apart (online probes can)',
        );
        if (routable) notes.push('routable token form (GitLab 17.x+)');
        return { ...facts, routable };
      }
      case 'glcbt': {
        if (body.startsWith('eyJ')) {
          const decoded = decodeJwtClaims(body, now);
          notes.push('JWT job token (the default from GitLab 19.0)');
          return { ...facts, jwt: decoded.summary, jwtError: decoded.error };
        }
        const legacy = LEGACY_JOB_BODY.exec(body);
        if (legacy) {
          notes.push(`job token in the glcbt-<partition>_<random> form (partition ${legacy[1]})`);
          return { ...facts, jobTokenPartition: legacy[1] };
        }
        return facts;
      }
      case 'glrt':
      case 'glrtr':
        notes.push('runner authentication token: a runner uses it to fetch jobs; it is not accepted by the REST or GraphQL API');
        return facts;
      default:
        return facts;
    }
  }
  if (t.startsWith('GR1348941')) {
    notes.push('legacy runner registration token (GR1348941...): registers runners, deprecated since GitLab 15.6; not an API token');
    return { tokenType: 'runner_token', prefix: 'GR1348941', routable: false };
  }
  if (HEX64.test(t)) {
    notes.push('64 hexadecimal characters without a prefix: the usual form of an OAuth access token');
    return { tokenType: 'oauth_access_token', routable: false };
  }
  if (LEGACY_UNPREFIXED.test(t)) {
    notes.push(
      '20 characters without a prefix: possibly a personal access token or job token from before GitLab added type prefixes (online probes can tell)',
    );
  }
  return { tokenType: 'unknown', routable: false };
}
