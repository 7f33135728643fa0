import type { AccessTokenGrants } from './access-token-types.js';
import { parseCompactJws } from './compact-jws.js';
import { TokenError } from './errors.js';
import { isNonEmptyString, isRecord } from './guards.js';

/** Access token claims after shape validation (not signature verification). */
export type AccessTokenClaims = Record<string, unknown> & { grants: AccessTokenGrants };

export interface DecodedAccessToken {
  header: Record<string, unknown>;
  claims: AccessTokenClaims;
}

const STRING_CLAIMS = ['jti', 'iss', 'sub'] as const;
const NUMERIC_DATE_CLAIMS = ['iat', 'exp', 'nbf'] as const;

/**
 * Decodes an access token WITHOUT verifying its signature (the browser player
 * has no secret). Still validates its shape: three base64url JSON parts,
 * registered claims of the right types, and a well-formed `grants` object.
 * Throws TokenError ERR_TOKEN_MALFORMED or ERR_TOKEN_GRANTS.
 */
export function decodeAccessToken(token: string): DecodedAccessToken {
  const parsed = parseCompactJws(token);
  if (!parsed.ok) throw TokenError.malformed(`Access token is malformed: ${parsed.problem}`);
  return { header: parsed.header, claims: readAccessTokenClaims(parsed.payload) };
}

/**
 * Validates a decoded access token payload: registered claims of the right
 * types (ERR_TOKEN_MALFORMED) and a well-formed `grants` object (ERR_TOKEN_GRANTS).
 */
export function readAccessTokenClaims(payload: Record<string, unknown>): AccessTokenClaims {
  for (const claim of STRING_CLAIMS) {
    if (payload[claim] !== undefined && typeof payload[claim] !== 'string') {
      throw TokenError.malformed(`Access token "${claim}" claim must be a string`);
    }
  }
  for (const claim of NUMERIC_DATE_CLAIMS) {
    const value = payload[claim];
    if (value !== undefined && !(typeof value === 'number' && Number.isFinite(value))) {
      throw TokenError.malformed(`Access token "${claim}" claim must be a number of epoch seconds`);
    }
  }
  const grants = payload['grants'];
  assertAccessTokenGrants(grants);
  return { ...payload, grants };
}

/** Validates the `grants` claim, throwing TokenError ERR_TOKEN_GRANTS. */
function assertAccessTokenGrants(grants: unknown): asserts grants is AccessTokenGrants {
  if (!isRecord(grants)) throw TokenError.grants('Access token "grants" claim is missing or not an object');
  if (grants['identity'] !== undefined && typeof grants['identity'] !== 'string') {
    throw TokenError.grants('Access token grants.identity must be a string');
  }
  const video = grants['video'];
  if (video !== undefined) {
    if (!isRecord(video)) throw TokenError.grants('Access token grants.video must be an object');
    if (video['room'] !== undefined && typeof video['room'] !== 'string') {
      throw TokenError.grants('Access token grants.video.room must be a string');
    }
    if (video['hidden'] !== undefined && typeof video['hidden'] !== 'boolean') {
      throw TokenError.grants('Access token grants.video.hidden must be a boolean');
    }
  }
  const player = grants['player'];
  if (player !== undefined) {
    if (!isRecord(player)) throw TokenError.grants('Access token grants.player must be an object');
    if (!isNonEmptyString(player['playbackUrl']) || !isNonEmptyString(player['playerStreamerSid'])) {
      throw TokenError.grants('Access token grants.player must have string playbackUrl and playerStreamerSid');
    }
  }
}
