/**
 * Names of GitLab projects and groups as users write them: a full path
 * (`acme/platform/deployer`) or a numeric id given as a string (`"4242"`).
 */
export type TargetRef =
  | { readonly kind: 'path'; readonly path: string; readonly key: string }
  | { readonly kind: 'id'; readonly id: number; readonly key: string };

export type ParseResult = { ok: true; ref: TargetRef } | { ok: false; reason: string };

// GitLab path segments: letters, digits, '_', '-', '.'; not starting with '-' or '.', not ending in '.git'/'.atom'.
const SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

/** Why `value` is not a usable project/group reference, or the parsed reference. */
export function parseTargetRef(value: unknown): ParseResult {
  if (typeof value !== 'string') return { ok: false, reason: `must be a string (a full path or a numeric id), got ${typeof value}` };
  if (value.length === 0) return { ok: false, reason: 'is empty' };
  if (value.trim() !== value) return { ok: false, reason: 'has leading or trailing white space' };
  if (/\s/.test(value)) return { ok: false, reason: 'contains white space' };
  if (/^-?\d+$/.test(value)) {
    const id = Number(value);
    if (!Number.isSafeInteger(id) || id <= 0) return { ok: false, reason: 'is not a positive numeric id' };
    return { ok: true, ref: { kind: 'id', id, key: `id:${id}` } };
  }
  if (/^[\d.eE+-]+$/.test(value)) return { ok: false, reason: 'is not a numeric id (ids are whole positive numbers)' };
  if (value.startsWith('/') || value.endsWith('/')) return { ok: false, reason: 'has a leading or trailing "/"' };
  if (value.includes('//')) return { ok: false, reason: 'contains "//"' };
  for (const seg of value.split('/')) {
    if (!SEGMENT.test(seg)) {
      return { ok: false, reason: `has an invalid segment "${seg}" (GitLab paths use letters, digits, "_", "-" and ".", and do not start with "-" or ".")` };
    }
    if (/\.(git|atom)$/i.test(seg)) return { ok: false, reason: `has a segment ending in .git or .atom ("${seg}")` };
  }
  return { ok: true, ref: { kind: 'path', path: value, key: `path:${value.toLowerCase()}` } };
}

export function describeRef(ref: TargetRef): string {
  return ref.kind === 'path' ? ref.path : `#${ref.id}`;
}

/** Case-insensitive comparison key for a project given as path or id. */
export function refKey(ref: TargetRef): string {
  return ref.key;
}
