import { ConfigError } from '../gitlab/config';
import { Deadline } from '../gitlab/deadline';

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

/** `--timeout SECONDS` as the command's deadline, counted from now. */
export function deadlineFlag(value: string | undefined, fallbackSeconds: number, clock?: () => number): Deadline {
  const seconds = value === undefined ? fallbackSeconds : wholeNumberFlag(value, '--timeout', 1, 86_400);
  return new Deadline(seconds, clock);
}
