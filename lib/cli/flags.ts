import { ConfigError } from '../gitlab/config';
import { Deadline } from '../gitlab/deadline';
import { ISO_DATE_TIME } from '../util/json';

/** A flag that takes a whole number in [min, max]; the words are the same for every command. */
export function wholeNumberFlag(value: string, flag: string, min: number, max: number): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new ConfigError(`${flag} "${value}" must be a whole number from ${min} to ${max}`);
  }
  return n;
}

/**
 * A flag that takes a day (`2026-10-01`, midnight UTC) or an ISO 8601 time with
 * a zone (`2026-10-01T12:00:00Z`); nothing that Date would guess at.
 */
export function dateFlag(value: string, flag: string): Date {
  const v = value.trim();
  const day = /^\d{4}-\d{2}-\d{2}$/.test(v);
  const time = ISO_DATE_TIME.test(v);
  const d = new Date(day ? `${v}T00:00:00Z` : v);
  // Date rolls 2026-02-30 over to March; a date that does not round-trip is refused.
  if ((!day && !time) || Number.isNaN(d.getTime()) || (day && d.toISOString().slice(0, 10) !== v)) {
    throw new ConfigError(`${flag} "${value}" is not a date: give YYYY-MM-DD (UTC) or an ISO 8601 time with a zone, e.g. 2026-10-01T12:00:00Z`);
  }
  return d;
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
