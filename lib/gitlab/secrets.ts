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
  const prefix = /^([a-z0-9]+-)*(glpat|glcbt|gldt|glrtr|glrt|glptt|gloas|glft|glimt|glagent|glwt|glsoat|glffct)-/i.exec(trimmed);
  const shown = prefix ? prefix[0] : '';
  return `${shown}****${trimmed.slice(-4)}`;
}

/** Builds a masker that replaces each secret (and its URL-encoded form) with its described form. */
export function createMasker(secrets: ReadonlyArray<string | undefined>): Masker {
  const list = [...new Set(
    secrets
      .filter((s): s is string => typeof s === 'string')
      .flatMap((s) => [s, s.trim(), encodeURIComponent(s.trim())])
      .filter((s) => s.length >= 4),
  )].sort((a, b) => b.length - a.length);
  const fn = ((text: string): string => {
    let out = String(text);
    for (const s of list) {
      if (out.includes(s)) out = out.split(s).join(describeSecret(s));
    }
    return out;
  }) as Masker;
  Object.defineProperty(fn, 'secrets', { value: list });
  return fn;
}

/** Masks every string value in a JSON-like value; for reports and debug dumps. */
export function maskDeep<T>(value: T, mask: Masker): T {
  if (typeof value === 'string') return mask(value) as unknown as T;
  if (Array.isArray(value)) return value.map((v) => maskDeep(v, mask)) as unknown as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = maskDeep(v, mask);
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
