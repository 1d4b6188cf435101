import { oneLine } from '../util/escape';

/**
 * Reading an answer's body within a bound: a server (hostile, or a proxy
 * streaming a file) must not make tokenscope buffer without end, nor make any
 * output grow with what it sends. Server text quoted in a message is one line
 * of a few hundred characters.
 */

/** The most a JSON answer may hold. GitLab's largest answers we ask for (a 100-project page, a multiplexed batch) are far below. */
export const MAX_BODY_BYTES = 10 * 1024 * 1024;
/** An error answer (status 400 and up) is read only this far: it is quoted, never parsed for data. */
export const MAX_ERROR_BODY_BYTES = 64 * 1024;
/** Server text in a message is cut to this many characters. */
export const MAX_QUOTED_CHARS = 300;

export interface BodyRead {
  readonly text: string;
  /** The body went on past the bound; `text` holds its start only. */
  readonly truncated: boolean;
}

/**
 * Reads at most `limit` bytes of `res`'s body, then stops reading (the rest
 * is never downloaded) and says so in `truncated`.
 */
export async function readBounded(res: Response, limit: number): Promise<BodyRead> {
  const declared = Number(res.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > limit) {
    await res.body?.cancel().catch(() => undefined);
    return { text: '', truncated: true };
  }
  if (!res.body) return { text: '', truncated: false };
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let truncated = false;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (size + value.byteLength > limit) {
      chunks.push(value.subarray(0, limit - size));
      size = limit;
      truncated = true;
      await reader.cancel().catch(() => undefined);
      break;
    }
    chunks.push(value);
    size += value.byteLength;
  }
  return { text: new TextDecoder('utf-8', { fatal: false }).decode(concat(chunks, size)), truncated };
}

function concat(chunks: readonly Uint8Array[], size: number): Uint8Array {
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

/**
 * Server text as quoted in a message: one line, control characters and
 * escape sequences dropped, runs of white space as one space, at most
 * MAX_QUOTED_CHARS characters (with how many more there were).
 */
export function quoteServerText(text: string, max = MAX_QUOTED_CHARS): string {
  // Only the start can be shown: never walk a 10 MB string for a 300-character quote.
  const head = text.length > max * 4 ? text.slice(0, max * 4) : text;
  const line = oneLine(head).replace(/\s+/g, ' ').trim();
  if (line.length <= max && head.length === text.length) return line;
  const cut = line.slice(0, max).replace(/[\ud800-\udbff]$/, '');
  return `${cut}... (${text.length - cut.length} more characters)`;
}
