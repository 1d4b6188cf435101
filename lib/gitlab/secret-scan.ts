/**
 * Finds, in one pass over a text, every place where a run of `width` characters
 * equals (ASCII letters without case) a run of one of the needles. Any longer
 * echo of a secret contains such a window, so masking each window and merging
 * the overlaps masks every run of `width` or more of its characters, however
 * it was cut. Rolling hash (Rabin-Karp) with a bitmap prefilter: linear in the
 * text, a few operations per character, no regex (a 10 MB server answer must
 * not cost a regex engine's worst case).
 *
 * Written here rather than taken from npm (`ahocorasick`, `modern-ahocorasick`):
 * those match needles exactly, so the text would have to be lower-cased first,
 * and `toLowerCase` changes the length of some non-ASCII text, moving every
 * position after it. All windows here have one width, so a rolling hash with
 * ASCII-only folding is a few lines, keeps positions, and adds no runtime
 * dependency to the path every output goes through.
 */

// Polynomial hash modulo a prime below 2^20: every product stays an exact double (no Math.imul,
// which is slow in some embeddings, jest's VM context among them).
const BASE = 131;
const MOD = 1048573;
const FILTER_BITS = 20;
const FILTER_MASK = (1 << FILTER_BITS) - 1;

/** ASCII letters to lower case; every other UTF-16 unit as it is (so lengths never change). */
function fold(c: number): number {
  return c >= 65 && c <= 90 ? c + 32 : c;
}

function foldString(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) out += String.fromCharCode(fold(s.charCodeAt(i)));
  return out;
}

function hashOf(s: string, from: number, width: number): number {
  let h = 0;
  for (let i = from; i < from + width; i++) h = (h * BASE + fold(s.charCodeAt(i))) % MOD;
  return h;
}

/** A window to look for, and what it belongs to. */
export interface Needle {
  readonly text: string;
  /** Index of the secret the needle was cut from, for the replacement text. */
  readonly owner: number;
}

/** A half-open range [start, end) of the scanned text, and whose secret it holds. */
export interface Span {
  start: number;
  end: number;
  owner: number;
}

/** The windows of one width, ready to scan for. */
export class WindowSet {
  private readonly byHash = new Map<number, Needle[]>();
  private readonly filter = new Uint8Array((FILTER_MASK + 1) >>> 3);
  private readonly dropPow: number;

  constructor(readonly width: number, needles: readonly Needle[]) {
    let p = 1;
    for (let i = 1; i < width; i++) p = (p * BASE) % MOD;
    this.dropPow = p;
    const seen = new Set<string>();
    for (const n of needles) {
      const text = foldString(n.text);
      if (text.length !== width || seen.has(text)) continue;
      seen.add(text);
      const h = hashOf(text, 0, width);
      const list = this.byHash.get(h);
      if (list) list.push({ text, owner: n.owner });
      else this.byHash.set(h, [{ text, owner: n.owner }]);
      this.filter[(h & FILTER_MASK) >>> 3] |= 1 << (h & 7);
    }
  }

  get size(): number {
    return this.byHash.size;
  }

  /** Every window of `text` that is a needle, in order of start. */
  scan(text: string, out: Span[]): void {
    const w = this.width;
    if (text.length < w || this.byHash.size === 0) return;
    let h = hashOf(text, 0, w);
    for (let i = 0; ; i++) {
      if (this.filter[(h & FILTER_MASK) >>> 3] & (1 << (h & 7))) {
        const owner = this.match(text, i, h);
        if (owner >= 0) {
          const last = out[out.length - 1];
          if (last && last.end >= i) last.end = Math.max(last.end, i + w);
          else out.push({ start: i, end: i + w, owner });
        }
      }
      if (i + w >= text.length) return;
      const dropped = (fold(text.charCodeAt(i)) * this.dropPow) % MOD;
      h = (((h - dropped + MOD) % MOD) * BASE + fold(text.charCodeAt(i + w))) % MOD;
    }
  }

  private match(text: string, at: number, h: number): number {
    const list = this.byHash.get(h);
    if (!list) return -1;
    for (const n of list) {
      let k = 0;
      while (k < this.width && fold(text.charCodeAt(at + k)) === n.text.charCodeAt(k)) k++;
      if (k === this.width) return n.owner;
    }
    return -1;
  }
}

/** Sorted, overlapping or touching spans merged (the first owner names the merged span). */
export function mergeSpans(spans: Span[]): Span[] {
  if (spans.length < 2) return spans;
  spans.sort((a, b) => a.start - b.start || b.end - a.end);
  const out: Span[] = [{ ...spans[0] }];
  for (let i = 1; i < spans.length; i++) {
    const s = spans[i];
    const last = out[out.length - 1];
    if (s.start <= last.end) last.end = Math.max(last.end, s.end);
    else out.push({ ...s });
  }
  return out;
}
