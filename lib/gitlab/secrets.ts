import { secretForms } from './secret-forms';
import { mergeSpans, Needle, Span, WindowSet } from './secret-scan';

/**
 * Token masking. Every string that may reach a terminal, a file or an error
 * message passes through a `Masker` built from the secrets in play.
 */
export interface Masker {
  (text: string): string;
  readonly secrets: readonly string[];
}

/** How a token is shown to a person: its type prefix (if any) and last 4 characters. */
export function describeSecret(token: string): string {
  const trimmed = token.trim();
  if (trimmed.length <= 8) return '****';
  return `${shownPrefix(trimmed)}****${trimmed.slice(-4)}`;
}

/** The type prefix (`glpat-`, `mycompany-glpat-`): public, shown in the described form. */
export function shownPrefix(trimmed: string): string {
  const prefix = /^([a-z0-9]+-)*(glpat|glcbt|gldt|glrtr|glrt|glptt|gloas|glft|glimt|glagent|glwt|glsoat|glffct)-/i.exec(trimmed);
  return prefix ? prefix[0] : '';
}

/** Runs of this many characters of a secret (or of one of its encoded forms) are masked wherever they appear. */
export const MASK_RUN = 12;
/** Shorter secrets are masked only whole (a short run of a short secret is ordinary text). */
const MIN_SECRET = 4;
/** Encoded forms shorter than this are not masked on their own: too likely to be ordinary text. */
const MIN_ENCODED = 8;

/**
 * Builds a masker for the given secrets. It replaces with the secret's
 * described form (`glpat-****abcd`) every run of 12 or more consecutive
 * characters of a secret, in upper, lower or mixed case, URL-encoded, or in
 * base64 (standard or URL-safe, padded or not, alone or as `user:token`). A
 * secret shorter than 12 characters is replaced where it appears whole.
 * Linear in the text (see `secret-scan.ts`); masking twice changes nothing.
 */
export function createMasker(secrets: ReadonlyArray<string | undefined>): Masker {
  const list = [...new Set(
    secrets.filter((s): s is string => typeof s === 'string').map((s) => s.trim()).filter((s) => s.length >= MIN_SECRET),
  )].sort((a, b) => b.length - a.length);
  const labels = list.map(describeSecret);
  const folded = list.map((secret) => secret.toLowerCase());
  const prefixes = list.map((secret) => (secret.length > 8 ? shownPrefix(secret).toLowerCase() : ''));
  const byWidth = new Map<number, Needle[]>();
  const add = (width: number, n: Needle) => {
    const l = byWidth.get(width);
    if (l) l.push(n);
    else byWidth.set(width, [n]);
  };
  list.forEach((secret, owner) => {
    // A long custom prefix is shown in the described form: masking it would mask the mask again.
    const publicPrefix = prefixes[owner].length;
    for (const form of secretForms(secret)) {
      const t = form.text;
      if (t.length >= MASK_RUN) {
        const first = form.raw ? Math.max(0, publicPrefix - MASK_RUN + 1) : 0;
        for (let i = first; i + MASK_RUN <= t.length; i++) add(MASK_RUN, { text: t.slice(i, i + MASK_RUN), owner });
      } else if (t.length >= (form.raw ? MIN_SECRET : MIN_ENCODED)) {
        add(t.length, { text: t, owner });
      }
    }
  });
  // Wider windows first: a whole short secret inside a longer one's run belongs to the run.
  const sets = [...byWidth.entries()].sort((a, b) => b[0] - a[0]).map(([w, needles]) => new WindowSet(w, needles));
  const fn = ((text: string): string => {
    const s = String(text);
    if (sets.length === 0) return s;
    let spans: Span[] = [];
    for (const set of sets) {
      const found: Span[] = [];
      set.scan(s, found);
      spans = spans.length === 0 ? found : spans.concat(found);
    }
    if (spans.length === 0) return s;
    let out = '';
    let at = 0;
    for (const sp of mergeSpans(spans)) {
      const start = Math.max(at, sp.start - (prefixes[sp.owner] ? prefixBefore(s, sp.start, prefixes[sp.owner], folded[sp.owner]) : 0));
      out += s.slice(at, start) + labels[sp.owner];
      at = sp.end;
    }
    return out + s.slice(at);
  }) as Masker;
  Object.defineProperty(fn, 'secrets', { value: list });
  return fn;
}

/**
 * How many characters before `start` belong to the secret's public prefix, left
 * out because windows inside the prefix are not masked (they are shown): the
 * label then replaces them too instead of repeating them.
 */
function prefixBefore(text: string, start: number, prefix: string, secret: string): number {
  for (let k = Math.min(prefix.length, start); k > 0; k--) {
    if (secret.includes(text.slice(start - k, start + MASK_RUN).toLowerCase())) return k;
  }
  return 0;
}

/** Masks every string (keys included) in a JSON-like value; for reports, debug dumps and parsed answers. */
export function maskDeep<T>(value: T, mask: Masker): T {
  if (typeof value === 'string') return mask(value) as unknown as T;
  if (Array.isArray(value)) return value.map((v) => maskDeep(v, mask)) as unknown as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      const key = mask(k);
      // A `__proto__` key (JSON.parse makes it an own key) must stay a key, not become the prototype.
      if (key === '__proto__') Object.defineProperty(out, key, { value: maskDeep(v, mask), enumerable: true, writable: true, configurable: true });
      else out[key] = maskDeep(v, mask);
    }
    return out as T;
  }
  return value;
}

/** Environment variable names that hold secrets by convention (GITLAB_TOKEN, CI_JOB_TOKEN, *_PASSWORD, ...). */
const SECRET_ENV_NAME = /TOKEN|SECRET|PASSWORD|PRIVATE_KEY/i;

/**
 * A masker for every secret-looking value in the environment, plus the named
 * variables. For error paths that run before (or without) a resolved target.
 */
export function envMasker(env: Readonly<Record<string, string | undefined>>, names: ReadonlyArray<string | undefined> = []): Masker {
  const values = Object.entries(env)
    .filter(([k, v]) => v !== undefined && v.trim().length >= 8 && (SECRET_ENV_NAME.test(k) || names.includes(k)))
    .map(([, v]) => v);
  return createMasker(values);
}
