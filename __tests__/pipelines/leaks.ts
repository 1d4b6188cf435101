/**
 * Where a token could hide in what a pipeline leaves behind: the token itself,
 * any 12 characters of it past its type prefix (a partial echo, a truncated
 * line), its URL-encoded form, and its base64 at each of the three byte
 * alignments (so an HTTP basic-auth header with any username is caught, as is
 * base64 of the token alone), standard and URL-safe alphabets.
 */
import * as fs from 'fs';
import * as path from 'path';

const TYPE_PREFIX = /^(?:[a-z0-9]+-)*(?:glpat|glcbt|gldt|glrtr|glrt|glptt|gloas|glft|glimt|glagent|glwt|glsoat|glffct)-/i;

export function tokenForms(token: string): string[] {
  const body = token.replace(TYPE_PREFIX, '');
  const forms = new Set<string>([token, encodeURIComponent(token)]);
  // The masked form shows the last 4 characters, so windows stop before them.
  for (let i = 0; i + 12 <= body.length - 4; i++) forms.add(body.slice(i, i + 12));
  for (let pad = 0; pad < 3; pad++) {
    const b64 = Buffer.from('\0'.repeat(pad) + token).toString('base64');
    // Drop the characters that depend on what comes before (the padding bytes) and after (the tail).
    const inner = b64.slice(Math.ceil((pad * 4) / 3), -4);
    forms.add(inner);
    forms.add(inner.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return [...forms].filter((f) => f.length >= 12);
}

export interface Leak {
  readonly where: string;
  readonly form: string;
}

/** Every form of every token found in `text`, named by `where`. */
export function leaksIn(where: string, text: string, tokens: readonly string[]): Leak[] {
  const out: Leak[] = [];
  for (const token of tokens) {
    for (const form of tokenForms(token)) if (text.includes(form)) out.push({ where, form });
  }
  return out;
}

/** Every file under `dir` (symbolic links not followed, `skip` directory names left out), read as latin1. */
export function filesUnder(dir: string, skip: readonly string[] = []): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) { if (!skip.includes(e.name)) walk(full); } else if (e.isFile()) out.push(full);
    }
  };
  if (fs.existsSync(dir)) walk(dir);
  return out;
}

export function leaksUnder(dir: string, tokens: readonly string[], skip: readonly string[] = []): Leak[] {
  return filesUnder(dir, skip).flatMap((f) => leaksIn(path.relative(dir, f), fs.readFileSync(f).toString('latin1'), tokens));
}
