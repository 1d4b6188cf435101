/**
 * The `instance` part of a sandbox seed: the GitLab version, instance
 * settings, feature flags and the clock. Pure: no I/O.
 */
import { olderThan } from './graphql/schema';
import { isJsonObject as isObject, ISO_DATE_TIME } from '../util/json';

/** The GitLab feature flags the sandbox models. */
export const FEATURE_FLAGS = ['add_policies_to_ci_job_token'] as const;
export type FeatureFlag = (typeof FEATURE_FLAGS)[number];
export type FeatureFlags = Readonly<Record<FeatureFlag, boolean>>;

/** `add_policies_to_ci_job_token` went GA (default on) in 18.3; before that it was off unless an admin enabled it. */
const FLAG_DEFAULT_ON_SINCE: Readonly<Record<FeatureFlag, readonly [number, number]>> = {
  add_policies_to_ci_job_token: [18, 3],
};

export interface SeedInstance {
  version?: string;
  enforceAllowlist?: boolean;
  /**
   * What "now" is for this instance (ISO 8601 date-time, e.g. "2026-11-23T12:00:00Z"):
   * the sandbox's clock starts there and runs on, so token expiry dates and
   * authentication-log times mean the same on any day the seed is used.
   * Unset: the machine's clock.
   */
  now?: string;
  /**
   * GitLab feature flags, instance-wide: `add_policies_to_ci_job_token`
   * (default: on from 18.3, off before).
   */
  featureFlags?: Partial<Record<FeatureFlag, boolean>>;
}

function describe(v: unknown): string {
  return JSON.stringify(v) ?? String(v);
}

/** Checks `instance`; `fail` throws with the message prefixed by `instance`. */
export function validateInstance(inst: unknown, fail: (where: string, msg: string) => never): void {
  if (inst === undefined) return;
  if (!isObject(inst)) fail('instance', 'must be an object');
  const i = inst as Record<string, unknown>;
  if (i.version !== undefined && typeof i.version !== 'string') fail('instance', 'version must be a string');
  if (i.enforceAllowlist !== undefined && typeof i.enforceAllowlist !== 'boolean') fail('instance', 'enforceAllowlist must be true or false');
  if (i.now !== undefined && (typeof i.now !== 'string' || !ISO_DATE_TIME.test(i.now) || Number.isNaN(Date.parse(i.now)))) {
    fail('instance', `now ${describe(i.now)} must be an ISO 8601 date-time with a time zone, e.g. "2026-11-23T12:00:00Z"`);
  }
  if (i.featureFlags !== undefined) {
    if (!isObject(i.featureFlags)) fail('instance', 'featureFlags must be an object of flag name -> true/false');
    for (const [name, on] of Object.entries(i.featureFlags as Record<string, unknown>)) {
      if (!(FEATURE_FLAGS as readonly string[]).includes(name)) {
        fail('instance', `featureFlags: "${name}" is not a feature flag the sandbox models (${FEATURE_FLAGS.join(', ')})`);
      }
      if (typeof on !== 'boolean') fail('instance', `featureFlags: ${name} must be true or false`);
    }
  }
}

/** The flags of an instance: the seed's values, else GitLab's default for its version. */
export function featureFlagsFor(version: string, given: SeedInstance['featureFlags'] = {}): FeatureFlags {
  const out = {} as Record<FeatureFlag, boolean>;
  for (const f of FEATURE_FLAGS) out[f] = given[f] ?? !olderThan(version, FLAG_DEFAULT_ON_SINCE[f]);
  return out;
}
