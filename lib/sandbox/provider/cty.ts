/**
 * cty values as Terraform sends them to providers: MessagePack against the
 * schema's types (docs/plugin-protocol/object-wire-format.md), an unknown value
 * as extension type 0, and the JSON form of stored state (raw_state.json).
 * Pure: no I/O.
 */
import { decode, encode, ExtensionCodec } from '@msgpack/msgpack';

/** A cty type in its JSON form: `"string"`, `["set","number"]`, `["object",{...}]`. */
export type CtyType =
  | 'string'
  | 'number'
  | 'bool'
  | readonly ['list' | 'set' | 'map', CtyType]
  | readonly ['object', Readonly<Record<string, CtyType>>];

/** "Known after apply". One shared marker, compared by identity. */
export const UNKNOWN: unique symbol = Symbol('cty.unknown');
export type Unknown = typeof UNKNOWN;

/** A cty value in JavaScript: null, UNKNOWN, a primitive, an array (list/set) or a record (map/object). */
export type CtyValue = null | Unknown | string | number | boolean | CtyValue[] | { [key: string]: CtyValue };
export type CtyObject = { [key: string]: CtyValue };

export class CtyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CtyError';
  }
}

const codec = new ExtensionCodec();
codec.register({
  type: 0,
  // cty writes an unknown as fixext1 type 0 with a zero byte; newer Terraform adds refinements to the payload, which we ignore.
  encode: (v: unknown) => (v === UNKNOWN ? new Uint8Array([0]) : null),
  decode: () => UNKNOWN,
});

export const isUnknown = (v: CtyValue): v is Unknown => v === UNKNOWN;

/** True when no part of the value is unknown. */
export function isWhollyKnown(v: CtyValue): boolean {
  if (v === UNKNOWN) return false;
  if (Array.isArray(v)) return v.every(isWhollyKnown);
  if (v !== null && typeof v === 'object') return Object.values(v).every(isWhollyKnown);
  return true;
}

function typeName(t: CtyType): string {
  return typeof t === 'string' ? t : t[0];
}

/** Checks and normalizes a decoded value against its type (numbers may arrive as strings, objects must be complete). */
function conform(t: CtyType, v: unknown, where: string, partialObjects: boolean): CtyValue {
  if (v === null || v === undefined) return null;
  if (v === UNKNOWN) return UNKNOWN;
  if (t === 'string') {
    if (typeof v !== 'string') throw new CtyError(`${where}: a string is required`);
    return v;
  }
  if (t === 'number') {
    const n = typeof v === 'string' ? Number(v) : typeof v === 'bigint' ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isFinite(n)) throw new CtyError(`${where}: a number is required`);
    return n;
  }
  if (t === 'bool') {
    if (typeof v !== 'boolean') throw new CtyError(`${where}: a bool is required`);
    return v;
  }
  const [kind, inner] = t;
  if (kind === 'list' || kind === 'set') {
    if (!Array.isArray(v)) throw new CtyError(`${where}: a ${kind} is required`);
    return v.map((e, i) => conform(inner as CtyType, e, `${where}[${i}]`, partialObjects));
  }
  if (typeof v !== 'object' || Array.isArray(v)) throw new CtyError(`${where}: a ${kind} is required`);
  const rec = v as Record<string, unknown>;
  if (kind === 'map') {
    return Object.fromEntries(Object.entries(rec).map(([k, e]) => [k, conform(inner as CtyType, e, `${where}["${k}"]`, partialObjects)]));
  }
  const attrs = inner as Readonly<Record<string, CtyType>>;
  const out: CtyObject = {};
  for (const [name, at] of Object.entries(attrs)) {
    if (!(name in rec) && !partialObjects) throw new CtyError(`${where}: attribute "${name}" is required`);
    out[name] = conform(at, rec[name], `${where}.${name}`, partialObjects);
  }
  if (!partialObjects) {
    for (const k of Object.keys(rec)) if (!(k in attrs)) throw new CtyError(`${where}: unsupported attribute "${k}"`);
  }
  return out;
}

/** Builds what MessagePack should carry: every object attribute present, sets and lists as arrays. */
function prepare(t: CtyType, v: CtyValue, where: string): unknown {
  if (v === null || v === UNKNOWN) return v;
  if (typeof t === 'string') return conform(t, v, where, false);
  const [kind, inner] = t;
  if (kind === 'list' || kind === 'set') {
    if (!Array.isArray(v)) throw new CtyError(`${where}: a ${kind} is required`);
    return v.map((e, i) => prepare(inner as CtyType, e, `${where}[${i}]`));
  }
  if (typeof v !== 'object' || Array.isArray(v)) throw new CtyError(`${where}: a ${typeName(t)} is required`);
  if (kind === 'map') return Object.fromEntries(Object.entries(v).map(([k, e]) => [k, prepare(inner as CtyType, e, `${where}["${k}"]`)]));
  const attrs = inner as Readonly<Record<string, CtyType>>;
  return Object.fromEntries(Object.entries(attrs).map(([k, at]) => [k, prepare(at, (v as CtyObject)[k] ?? null, `${where}.${k}`)]));
}

export function encodeMsgpack(t: CtyType, v: CtyValue): Uint8Array {
  return encode(prepare(t, v, 'value'), { extensionCodec: codec });
}

export function decodeMsgpack(t: CtyType, bytes: Uint8Array): CtyValue {
  if (bytes.length === 0) return null;
  return conform(t, decode(bytes, { extensionCodec: codec }), 'value', false);
}

/** Stored state (JSON): attributes the schema no longer has are ignored, missing ones are null. */
export function decodeJson(t: CtyType, bytes: Uint8Array | string): CtyValue {
  const text = typeof bytes === 'string' ? bytes : Buffer.from(bytes).toString('utf8');
  if (text.trim() === '') return null;
  return conform(t, JSON.parse(text) as unknown, 'value', true);
}

/** cty equality where unknown equals only unknown; sets compare without order. */
export function ctyEqual(t: CtyType, a: CtyValue, b: CtyValue): boolean {
  if (a === b) return true;
  if (a === null || b === null || a === UNKNOWN || b === UNKNOWN) return false;
  if (typeof t === 'string') return a === b;
  const [kind, inner] = t;
  if (kind === 'list' || kind === 'set') {
    const x = a as CtyValue[];
    const y = b as CtyValue[];
    if (x.length !== y.length) return false;
    if (kind === 'list') return x.every((e, i) => ctyEqual(inner as CtyType, e, y[i]));
    return x.every((e) => y.some((f) => ctyEqual(inner as CtyType, e, f))) && y.every((f) => x.some((e) => ctyEqual(inner as CtyType, e, f)));
  }
  const x = a as CtyObject;
  const y = b as CtyObject;
  if (kind === 'map') {
    const keys = new Set([...Object.keys(x), ...Object.keys(y)]);
    return [...keys].every((k) => k in x && k in y && ctyEqual(inner as CtyType, x[k], y[k]));
  }
  return Object.entries(inner as Record<string, CtyType>).every(([k, at]) => ctyEqual(at, x[k] ?? null, y[k] ?? null));
}
