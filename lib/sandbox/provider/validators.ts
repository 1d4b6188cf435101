/**
 * The validators the GitLab provider puts on these attributes, with the
 * diagnostics terraform-plugin-framework-validators (framework resources) and
 * terraform-plugin-sdk/v2 (the legacy data sources) word them with. Unknown
 * values are left for later, as those libraries do.
 */
import { UNKNOWN } from './cty';
import { errorDiag, Validator } from './schema';

const COMBINATION = 'Invalid Attribute Combination';

/** stringvalidator.LengthAtLeast(n). */
export const lengthAtLeast = (n: number): Validator => (value, _config, name) => {
  if (typeof value !== 'string' || value.length >= n) return undefined;
  return errorDiag('Invalid Attribute Value Length', `Attribute ${name} string length must be at least ${n}, got: ${value.length}`, name);
};

/** int64validator.AtLeast(n). */
export const atLeast = (n: number): Validator => (value, _config, name) => {
  if (typeof value !== 'number' || value >= n) return undefined;
  return errorDiag('Invalid Attribute Value', `Attribute ${name} value must be at least ${n}, got: ${value}`, name);
};

/** A number attribute typed Int64: the framework refuses fractions. */
export const wholeNumber: Validator = (value, _config, name) => {
  if (typeof value !== 'number' || Number.isSafeInteger(value)) return undefined;
  return errorDiag('Value Conversion Error', `Attribute ${name}: the value ${value} cannot be represented as a 64-bit integer`, name);
};

/** Every element of a set of Int64 must be whole. */
export const wholeNumbers: Validator = (value, _config, name) => {
  if (!Array.isArray(value)) return undefined;
  const bad = value.find((e) => typeof e === 'number' && !Number.isSafeInteger(e));
  return bad === undefined ? undefined : errorDiag('Value Conversion Error', `Attribute ${name}: the element ${String(bad)} cannot be represented as a 64-bit integer`, name);
};

/** ConflictsWith(path.MatchRoot(other)): unknown counts as set, as in the framework. */
export const conflictsWith = (other: string): Validator => (value, config, name) => {
  if (value === null) return undefined;
  if ((config[other] ?? null) === null) return undefined;
  return errorDiag(COMBINATION, `Attribute "${other}" cannot be specified when "${name}" is specified`, name);
};

/** AtLeastOneOf(path.MatchRelative().AtParent().AtName(x)...): placed on a computed attribute, as the provider does on `id`. */
export const atLeastOneOfSiblings = (...others: string[]): Validator => (value, config, name) => {
  if (value !== null) return undefined;
  if (others.some((o) => (config[o] ?? null) !== null)) return undefined;
  const list = others.map((o) => `${name}.<.${o}`).join(',');
  return errorDiag(COMBINATION, `At least one attribute out of [${list}] must be specified`, name);
};

/** ExactlyOneOf(path.MatchRoot(other)). */
export const exactlyOneOf = (other: string): Validator => (value, config, name) => {
  if (value === UNKNOWN) return undefined;
  const theirs = config[other] ?? null;
  if (theirs === UNKNOWN) return undefined;
  const count = (value !== null ? 1 : 0) + (theirs !== null ? 1 : 0);
  if (count === 1) return undefined;
  return errorDiag(COMBINATION, count === 0
    ? `No attribute specified when one (and only one) of [${other}] is required`
    : `${count} attributes specified when one (and only one) of [${other}] is required`, name);
};

/** Legacy SDK `ExactlyOneOf: [keys]` (unknown counts as specified). */
export const sdkExactlyOneOf = (...keys: string[]): Validator => (_value, config, name) => {
  const specified = keys.filter((k) => (config[k] ?? null) !== null);
  if (specified.length === 1) return undefined;
  if (specified.length === 0) return errorDiag(`"${name}": one of \`${keys.join(',')}\` must be specified`, '', name);
  return errorDiag(`"${name}": only one of \`${keys.join(',')}\` can be specified, but \`${specified.join(',')}\` were specified.`, '', name);
};

/** Legacy SDK `ConflictsWith: [key]`. */
export const sdkConflictsWith = (other: string): Validator => (value, config, name) => {
  if (value === null || (config[other] ?? null) === null) return undefined;
  return errorDiag(`"${name}": conflicts with ${other}`, '', name);
};
