/**
 * The sandbox's clock. A seed that says what "now" is gets a clock that starts
 * there and runs on with the machine's monotonic time, so a seed's expiry dates
 * and authentication-log times keep their meaning on any calendar day, while a
 * long-running sandbox still sees time pass (notes, locks, token use).
 */
export type Clock = () => Date;

/** A clock that reads `startIso` now and advances in step with real elapsed time. */
export function clockFrom(startIso: string, elapsedMs: () => number = monotonicElapsed()): Clock {
  const start = Date.parse(startIso);
  if (Number.isNaN(start)) throw new Error(`not a date-time: ${JSON.stringify(startIso)}`);
  return () => new Date(start + elapsedMs());
}

function monotonicElapsed(): () => number {
  const t0 = process.hrtime.bigint();
  return () => Number((process.hrtime.bigint() - t0) / 1_000_000n);
}

/** The clock a sandbox runs on: the caller's, else the seed's "now", else the machine's. */
export function sandboxClock(explicit: Clock | undefined, seedNow: string | undefined): Clock {
  if (explicit) return explicit;
  if (seedNow) return clockFrom(seedNow);
  return () => new Date();
}
