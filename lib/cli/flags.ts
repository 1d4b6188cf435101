import { ConfigError } from '../gitlab/config';

/** A flag that takes a whole number in [min, max]; the words are the same for every command. */
export function wholeNumberFlag(value: string, flag: string, min: number, max: number): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new ConfigError(`${flag} "${value}" must be a whole number from ${min} to ${max}`);
  }
  return n;
}

/** `wholeNumberFlag` from 1. */
export function positiveInt(value: string, flag: string, max = 1000): number {
  return wholeNumberFlag(value, flag, 1, max);
}
