/**
 * Deliberate misbehaviour for resilience tests: a seeded random source (so a
 * fault sequence can be replayed), fault decisions, and GitLab-style rate limits.
 */

/** mulberry32: small, fast, good enough for fault injection, and repeatable from a seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Fault = 'none' | 'error' | 'reset';

/** With probability `rate` a request fails: half of the failures as HTTP 500, half as a dropped connection. */
export function faultDecider(rate: number, random: () => number): () => Fault {
  if (!(rate > 0)) return () => 'none';
  return () => {
    if (random() >= rate) return 'none';
    return random() < 0.5 ? 'error' : 'reset';
  };
}

export interface RateDecision {
  readonly allowed: boolean;
  readonly headers: Record<string, string>;
}

/** Fixed one-minute windows per caller (token or address), like GitLab's per-user limits. */
export class RateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(private readonly perMinute: number, private readonly now: () => number = Date.now) {}

  check(key: string): RateDecision {
    const now = this.now();
    let w = this.windows.get(key);
    if (!w || now - w.start >= 60_000) {
      w = { start: now, count: 0 };
      this.windows.set(key, w);
    }
    w.count++;
    if (w.count <= this.perMinute) return { allowed: true, headers: {} };
    const resetMs = w.start + 60_000;
    const retryAfter = Math.max(1, Math.ceil((resetMs - now) / 1000));
    return {
      allowed: false,
      headers: {
        'Retry-After': String(retryAfter),
        'RateLimit-Name': 'throttle_authenticated_api',
        'RateLimit-Limit': String(this.perMinute),
        'RateLimit-Observed': String(w.count),
        'RateLimit-Remaining': '0',
        'RateLimit-Reset': String(Math.ceil(resetMs / 1000)),
        'RateLimit-ResetTime': new Date(resetMs).toUTCString(),
      },
    };
  }
}
