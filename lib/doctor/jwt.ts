import type { JwtSummary } from './types';

export interface DecodedJwt {
  readonly summary: JwtSummary;
  readonly error?: string;
}

const JOB_GID = /^gid:\/\/gitlab\/Ci::Build\/(\d+)$/;

/**
 * Reads a JWT's claims without verifying its signature: doctor only wants to
 * tell which job a `glcbt-eyJ...` token belongs to and whether it has expired;
 * GitLab remains the judge of its validity.
 */
export function decodeJwtClaims(jwt: string, now: Date): DecodedJwt {
  const parts = jwt.split('.');
  if (parts.length !== 3 || parts.some((p) => p.length === 0)) {
    return { summary: {}, error: `a JWT has 3 dot-separated parts, this one has ${parts.filter((p) => p).length} (cut off when copied?)` };
  }
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
  } catch {
    return { summary: {}, error: 'its payload is not base64url-encoded JSON (cut off or altered when copied?)' };
  }
  if (!claims || typeof claims !== 'object' || Array.isArray(claims)) {
    return { summary: {}, error: 'its payload is not a JSON object' };
  }
  const c = claims as Record<string, unknown>;
  const summary: JwtSummary = {};
  if (typeof c.sub === 'string') {
    summary.sub = c.sub;
    const m = JOB_GID.exec(c.sub);
    if (m) summary.jobId = Number(m[1]);
  }
  if (typeof c.iss === 'string') summary.iss = c.iss;
  if (typeof c.aud === 'string' || (Array.isArray(c.aud) && c.aud.every((a) => typeof a === 'string'))) {
    summary.aud = c.aud as string | string[];
  }
  if (typeof c.iat === 'number') summary.iat = c.iat;
  if (typeof c.exp === 'number' && Number.isFinite(c.exp)) {
    summary.exp = c.exp;
    summary.expiresAt = new Date(c.exp * 1000).toISOString();
    summary.expired = c.exp * 1000 <= now.getTime();
  }
  return { summary };
}
