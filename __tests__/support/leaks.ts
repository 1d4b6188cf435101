/**
 * Where a token could hide in what a pipeline leaves behind: the forms the
 * masker knows (lib/gitlab/secret-forms.ts: as sent, URL-encoded, base64 at
 * each byte alignment, standard and URL-safe, so basic auth with any username
 * is caught), each as every run of 12 of its characters (a partial echo, a
 * truncated line), compared without case. The token's type prefix is public
 * and left out (it is the same in every token of its type), so its described
 * form (`glpat-****abcd`) is not a leak.
 */
import * as fs from 'fs';
import * as path from 'path';
import { secretForms } from '../../lib/gitlab/secret-forms';
import { MASK_RUN, shownPrefix } from '../../lib/gitlab/secrets';

export function tokenForms(token: string): string[] {
  // The forms of the part past the prefix: base64 at three alignments finds it inside the token's own base64.
  const body = token.slice(shownPrefix(token).length);
  const forms = new Set<string>();
  for (const f of secretForms(body)) {
    const text = f.text.toLowerCase();
    for (let i = 0; i + MASK_RUN <= text.length; i++) forms.add(text.slice(i, i + MASK_RUN));
  }
  return [...forms];
}

export interface Leak {
  readonly where: string;
  readonly form: string;
}

/** Every form of every token found in `text`, named by `where`. */
export function leaksIn(where: string, text: string, tokens: readonly string[]): Leak[] {
  const out: Leak[] = [];
  const folded = text.toLowerCase();
  for (const token of tokens) {
    for (const form of tokenForms(token)) if (folded.includes(form)) out.push({ where, form });
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
