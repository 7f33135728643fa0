import { createLocalJWKSet, errors, jwtVerify, type FlattenedJWSInput, type JWK, type JWSHeaderParameters } from 'jose';
import { TokenError } from './errors.js';
import { isNonEmptyString, isNonNegativeNumber } from './guards.js';
import { parseCompactJws } from './compact-jws.js';
import { MAX_PLAYBACK_GRANT_TTL, readPlaybackGrantClaims, type PlaybackGrantJwtClaims } from './playback-grant-claims.js';
import { PLAYBACK_GRANT_ALGORITHM } from './signing-key.js';
import { epochSeconds, formatEpochSeconds, isValidDate } from './time.js';

/** A jose key resolver, such as the function returned by `createRemoteJWKSet(url)`. */
export type PlaybackGrantKeyResolver = (
  header: JWSHeaderParameters,
  token: FlattenedJWSInput,
) => Promise<CryptoKey | Uint8Array>;

export interface VerifyPlaybackGrantOptions {
  /** A list of public JWKs, or a jose key resolver such as createRemoteJWKSet(url). */
  keys: JWK[] | PlaybackGrantKeyResolver;
  /** When given, `sub` must equal it. */
  streamerSid?: string;
  /** Maximum allowed exp - iat, seconds; default 60. */
  maxTtl?: number;
  /** Seconds of allowed clock skew; default 1. */
  clockTolerance?: number;
  currentDate?: Date;
  /** When given, `iss` must equal it. */
  issuer?: string;
}

export const DEFAULT_PLAYBACK_GRANT_CLOCK_TOLERANCE = 1;

/**
 * Verifies a playback grant JWT: ES256 only, `kid` required and found in the
 * key set, valid signature, not expired (with clock tolerance), lifetime at
 * most maxTtl, expected streamer/issuer, and the claim shape. Throws TokenError
 * ERR_GRANT_INVALID / ERR_GRANT_EXPIRED. Failures to fetch a remote key set
 * (network errors, ERR_JWKS_TIMEOUT, ERR_JWKS_INVALID) propagate unchanged so
 * callers can tell an unreachable server from a bad grant.
 */
export async function verifyPlaybackGrantJwt(jwt: string, opts: VerifyPlaybackGrantOptions): Promise<PlaybackGrantJwtClaims> {
  const maxTtl = opts.maxTtl ?? MAX_PLAYBACK_GRANT_TTL;
  const clockTolerance = opts.clockTolerance ?? DEFAULT_PLAYBACK_GRANT_CLOCK_TOLERANCE;
  if (!isNonNegativeNumber(maxTtl) || maxTtl === 0) throw TokenError.options('maxTtl must be a number of seconds > 0');
  if (!isNonNegativeNumber(clockTolerance)) throw TokenError.options('clockTolerance must be a number of seconds >= 0');
  if (opts.currentDate !== undefined && !isValidDate(opts.currentDate)) {
    throw TokenError.options('currentDate must be a valid Date');
  }
  const keys = keyResolver(opts.keys);

  const parsed = parseCompactJws(jwt);
  if (!parsed.ok) throw TokenError.grantInvalid(`Playback grant is malformed: ${parsed.problem}`);
  if (parsed.header['alg'] !== PLAYBACK_GRANT_ALGORITHM) {
    throw TokenError.grantInvalid(`Playback grant must be signed with ${PLAYBACK_GRANT_ALGORITHM}`);
  }
  if (!isNonEmptyString(parsed.header['kid'])) throw TokenError.grantInvalid('Playback grant header has no "kid"');

  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(jwt, keys, {
      algorithms: [PLAYBACK_GRANT_ALGORITHM],
      clockTolerance,
      requiredClaims: ['exp', 'iat'],
      ...(opts.currentDate === undefined ? {} : { currentDate: opts.currentDate }),
      ...(opts.issuer === undefined ? {} : { issuer: opts.issuer }),
      ...(opts.streamerSid === undefined ? {} : { subject: opts.streamerSid }),
    }));
  } catch (error) {
    throw toGrantError(error, parsed.payload['exp'], clockTolerance);
  }

  const result = readPlaybackGrantClaims(payload);
  if (!result.ok) throw TokenError.grantInvalid(`Playback grant ${result.problem}`);
  const { claims } = result;
  const now = epochSeconds(opts.currentDate ?? new Date());
  if (claims.iat > now + clockTolerance) {
    throw TokenError.grantInvalid(`Playback grant is issued in the future (${formatEpochSeconds(claims.iat)})`);
  }
  const lifetime = claims.exp - claims.iat;
  if (lifetime <= 0) throw TokenError.grantInvalid('Playback grant expires before it was issued');
  if (lifetime > maxTtl) {
    throw TokenError.grantInvalid(`Playback grant lifetime of ${lifetime} s exceeds the maximum of ${maxTtl} s`);
  }
  return claims;
}

function keyResolver(keys: VerifyPlaybackGrantOptions['keys']): PlaybackGrantKeyResolver {
  if (typeof keys === 'function') return keys;
  if (!Array.isArray(keys)) throw TokenError.options('keys must be a list of public JWKs or a key resolver');
  try {
    return createLocalJWKSet({ keys });
  } catch (error) {
    throw TokenError.options('keys is not a valid list of JWKs', error);
  }
}

/**
 * Maps a jose verification error to a TokenError; key-set fetch failures pass through.
 * The jose error is deliberately not kept as `cause`: it carries the decoded
 * claims (grants may hold a playback URL with its token), which must not reach logs.
 */
function toGrantError(error: unknown, exp: unknown, clockTolerance: number): unknown {
  if (error instanceof errors.JWTExpired) {
    const when = typeof exp === 'number' ? ` at ${formatEpochSeconds(exp)}` : '';
    return TokenError.grantExpired(`Playback grant expired${when} (clock tolerance ${clockTolerance} s)`);
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.reason === 'missing') return TokenError.grantInvalid(`Playback grant has no "${error.claim}" claim`);
    if (error.claim === 'sub') return TokenError.grantInvalid('Playback grant was issued for a different PlayerStreamer');
    if (error.claim === 'iss') return TokenError.grantInvalid('Playback grant was issued by a different issuer');
    if (error.claim === 'nbf') return TokenError.grantInvalid('Playback grant is not valid yet');
    return TokenError.grantInvalid(`Playback grant claim check failed: ${error.message}`);
  }
  if (error instanceof errors.JWKSNoMatchingKey) {
    return TokenError.grantInvalid('Playback grant is signed with an unknown key (no JWK matches its "kid")');
  }
  if (error instanceof errors.JWKSMultipleMatchingKeys) {
    return TokenError.grantInvalid('Playback grant "kid" matches more than one key');
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return TokenError.grantInvalid('Playback grant signature is invalid');
  }
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid || error instanceof errors.JOSEAlgNotAllowed) {
    return TokenError.grantInvalid(`Playback grant is malformed: ${error.message}`);
  }
  return error;
}
