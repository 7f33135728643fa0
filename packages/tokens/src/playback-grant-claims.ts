import { isNonEmptyString } from './guards.js';

/** Claims of the short-lived playback grant JWT embedded in a PlaybackGrant's playbackUrl. */
export interface PlaybackGrantJwtClaims {
  /** PlayerStreamer SID (VJ…). */
  sub: string;
  /** Issuer (the server's public base URL). */
  iss: string;
  /** Account SID. */
  acc: string;
  iat: number;
  exp: number;
  jti: string;
  /** Allowed origins; ["*"] = any. */
  origins: string[];
}

/** Default and maximum playback grant JWT lifetime, in seconds. */
export const MAX_PLAYBACK_GRANT_TTL = 60;

export type PlaybackGrantClaimsResult = { ok: true; claims: PlaybackGrantJwtClaims } | { ok: false; problem: string };

/**
 * Checks that a payload has the playback grant claim shape and returns
 * exactly those claims, or a description of what is wrong.
 */
export function readPlaybackGrantClaims(payload: Record<string, unknown>): PlaybackGrantClaimsResult {
  const { sub, iss, acc, iat, exp, jti, origins } = payload;
  const missingString = (name: string) => ({ ok: false, problem: `"${name}" claim is missing or empty` }) as const;
  const missingNumber = (name: string) => ({ ok: false, problem: `"${name}" claim is missing or not a number` }) as const;
  if (!isNonEmptyString(sub)) return missingString('sub');
  if (!isNonEmptyString(iss)) return missingString('iss');
  if (!isNonEmptyString(acc)) return missingString('acc');
  if (!isNonEmptyString(jti)) return missingString('jti');
  if (!isFiniteNumber(iat)) return missingNumber('iat');
  if (!isFiniteNumber(exp)) return missingNumber('exp');
  if (!Array.isArray(origins) || origins.length === 0 || !origins.every(isNonEmptyString)) {
    return { ok: false, problem: '"origins" claim is missing or not a non-empty list of strings' };
  }
  return { ok: true, claims: { sub, iss, acc, iat, exp, jti, origins: [...origins] } };
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}
