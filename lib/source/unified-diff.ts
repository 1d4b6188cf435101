/**
 * Unified diffs in the form `git apply` accepts: `diff --git` header, `---`/`+++`
 * lines, hunks with 3 lines of context, and the "No newline at end of file"
 * marker where a file does not end in a newline.
 */

type Op = { kind: ' ' | '-' | '+'; line: string; oldNo: number; newNo: number };

const CONTEXT = 3;

/** The diff for one file, `relPath` relative to where `git apply` runs; '' when nothing changed. */
export function unifiedDiff(relPath: string, before: string, after: string): string {
  if (before === after) return '';
  const a = splitLines(before);
  const b = splitLines(after);
  const ops = diffLines(a.lines, b.lines);
  const p = relPath.split('\\').join('/');
  const out: string[] = [`diff --git a/${p} b/${p}`, `--- a/${p}`, `+++ b/${p}`];
  for (const hunk of hunks(ops)) {
    const first = hunk[0];
    const oldCount = hunk.filter((o) => o.kind !== '+').length;
    const newCount = hunk.filter((o) => o.kind !== '-').length;
    const oldStart = oldCount === 0 ? first.oldNo - 1 : first.oldNo;
    const newStart = newCount === 0 ? first.newNo - 1 : first.newNo;
    out.push(`@@ -${range(oldStart, oldCount)} +${range(newStart, newCount)} @@`);
    for (const o of hunk) {
      out.push(`${o.kind}${o.line}`);
      const lastOld = o.kind !== '+' && o.oldNo === a.lines.length && !a.finalNewline;
      const lastNew = o.kind !== '-' && o.newNo === b.lines.length && !b.finalNewline;
      if ((o.kind === '-' && lastOld) || (o.kind === '+' && lastNew) || (o.kind === ' ' && (lastOld || lastNew))) {
        out.push('\\ No newline at end of file');
      }
    }
  }
  return out.join('\n') + '\n';
}

function range(start: number, count: number): string {
  return count === 1 ? `${start}` : `${start},${count}`;
}

function splitLines(text: string): { lines: string[]; finalNewline: boolean } {
  if (text === '') return { lines: [], finalNewline: true };
  const finalNewline = text.endsWith('\n');
  const lines = (finalNewline ? text.slice(0, -1) : text).split('\n');
  return { lines, finalNewline };
}

/** Myers' O(ND) shortest edit script over lines; fast when the edits are few, as ours are. */
export function diffLines(a: readonly string[], b: readonly string[]): Op[] {
  const n = a.length;
  const m = b.length;
  const max = n + m;
  const offset = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  let found = false;
  for (let d = 0; d <= max && !found; d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[offset + k - 1] < v[offset + k + 1]) ? v[offset + k + 1] : v[offset + k - 1] + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) { x++; y++; }
      v[offset + k] = x;
      if (x >= n && y >= m) { found = true; break; }
    }
  }
  trace.push(v.slice());
  // Walk back through the saved frontiers to recover the script.
  const rev: Array<{ kind: ' ' | '-' | '+'; ai: number; bi: number }> = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 2; d >= 0 && (x > 0 || y > 0); d--) {
    const vd = trace[d];
    const k = x - y;
    const prevK = k === -d || (k !== d && vd[offset + k - 1] < vd[offset + k + 1]) ? k + 1 : k - 1;
    const prevX = d === 0 ? 0 : vd[offset + prevK];
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) { rev.push({ kind: ' ', ai: x - 1, bi: y - 1 }); x--; y--; }
    if (d === 0) break;
    if (x === prevX) { rev.push({ kind: '+', ai: x, bi: y - 1 }); y--; } else { rev.push({ kind: '-', ai: x - 1, bi: y }); x--; }
  }
  while (x > 0 && y > 0) { rev.push({ kind: ' ', ai: x - 1, bi: y - 1 }); x--; y--; }
  const ops: Op[] = [];
  let oldNo = 0;
  let newNo = 0;
  for (const r of rev.reverse()) {
    if (r.kind !== '+') oldNo++;
    if (r.kind !== '-') newNo++;
    ops.push({ kind: r.kind, line: r.kind === '+' ? b[r.bi] : a[r.ai], oldNo: r.kind === '+' ? oldNo + 1 : oldNo, newNo: r.kind === '-' ? newNo + 1 : newNo });
  }
  return ops;
}

/** Groups changes with up to 3 lines of context, merging hunks whose context touches. */
function hunks(ops: readonly Op[]): Op[][] {
  const changed = ops.map((o, i) => (o.kind === ' ' ? -1 : i)).filter((i) => i >= 0);
  const out: Op[][] = [];
  let start = -1;
  let end = -1;
  for (const i of changed) {
    const s = Math.max(0, i - CONTEXT);
    const e = Math.min(ops.length - 1, i + CONTEXT);
    if (start >= 0 && s <= end + 1) { end = e; continue; }
    if (start >= 0) out.push(ops.slice(start, end + 1));
    start = s;
    end = e;
  }
  if (start >= 0) out.push(ops.slice(start, end + 1));
  return out;
}
