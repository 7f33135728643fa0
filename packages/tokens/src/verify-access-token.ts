import { errors, jwtVerify } from 'jose';
import {
  ACCESS_TOKEN_ALGORITHMS,
  ACCESS_TOKEN_CONTENT_TYPE,
  MAX_ACCESS_TOKEN_TTL,
  isAccessTokenAlgorithm,
  type AccessTokenAlgorithm,
  type AccessTokenGrants,
} from './access-token-types.js';
import { parseCompactJws } from './compact-jws.js';
import { readAccessTokenClaims } from './decode-access-token.js';
import { TokenError } from './errors.js';
import { isNonEmptyString, isNonNegativeNumber } from './guards.js';
import { quote } from './quote.js';
import { epochSeconds, formatEpochSeconds, isValidDate } from './time.js';

export interface VerifiedAccessToken {
  accountSid: string;
  apiKeySid: string;
  identity: string | undefined;
  grants: AccessTokenGrants;
  issuedAt: number;
  expiresAt: number;
  algorithm: AccessTokenAlgorithm;
}

export interface VerifyAccessTokenOptions {
  /** Returns the secret for a known API key SID, or undefined for unknown issuers. */
  resolveSecret(apiKeySid: string): string | undefined | Promise<string | undefined>;
  /** When given, `sub` must equal it. */
  accountSid?: string;
  /** Seconds of allowed clock skew for exp/nbf; default 5. */
  clockTolerance?: number;
  /** Frozen clock for tests. */
  currentDate?: Date;
}

export const DEFAULT_ACCESS_TOKEN_CLOCK_TOLERANCE = 5;

const encoder = new TextEncoder();

/**
 * Verifies a Twilio-format access token: HS256/384/512 only, Twilio header,
 * a known issuer key, a valid signature, exp (required) and nbf with clock
 * tolerance, a lifetime of at most 24 h (MAX_ACCESS_TOKEN_TTL, as Twilio: `exp - iat`,
 * and `exp` no further from now, so a future `iat` cannot stretch it), and well-formed
 * grants. Throws TokenError on any failure;
 * errors thrown by `resolveSecret` propagate unchanged.
 */
export async function verifyAccessToken(token: string, opts: VerifyAccessTokenOptions): Promise<VerifiedAccessToken> {
  const clockTolerance = opts.clockTolerance ?? DEFAULT_ACCESS_TOKEN_CLOCK_TOLERANCE;
  if (typeof opts.resolveSecret !== 'function') throw TokenError.options('resolveSecret must be a function');
  if (!isNonNegativeNumber(clockTolerance)) throw TokenError.options('clockTolerance must be a number of seconds >= 0');
  if (opts.currentDate !== undefined && !isValidDate(opts.currentDate)) {
    throw TokenError.options('currentDate must be a valid Date');
  }

  const parsed = parseCompactJws(token);
  if (!parsed.ok) throw TokenError.malformed(`Access token is malformed: ${parsed.problem}`);
  const algorithm = checkHeader(parsed.header);
  const claims = readAccessTokenClaims(parsed.payload);
  const { iss, sub, iat, exp } = claims;
  if (!isNonEmptyString(iss)) throw TokenError.issuer('Access token has no "iss" claim naming its API key');
  if (!isNonEmptyString(sub)) throw TokenError.issuer('Access token has no "sub" claim naming its account');
  if (typeof exp !== 'number') throw TokenError.malformed('Access token has no "exp" claim');
  if (typeof iat !== 'number') throw TokenError.malformed('Access token has no "iat" claim');

  const secret = await opts.resolveSecret(iss);
  if (!isNonEmptyString(secret)) throw TokenError.issuer('Access token issuer ("iss") is not a known API key');

  try {
    await jwtVerify(token, encoder.encode(secret), {
      algorithms: [...ACCESS_TOKEN_ALGORITHMS],
      clockTolerance,
      ...(opts.currentDate === undefined ? {} : { currentDate: opts.currentDate }),
      ...(opts.accountSid === undefined ? {} : { subject: opts.accountSid }),
      requiredClaims: ['exp'],
    });
  } catch (error) {
    throw toTokenError(error, { exp, nbf: claims['nbf'], clockTolerance });
  }
  checkLifetime(iat, exp, epochSeconds(opts.currentDate ?? new Date()), clockTolerance);

  return {
    accountSid: sub,
    apiKeySid: iss,
    identity: claims.grants.identity,
    grants: claims.grants,
    issuedAt: iat,
    expiresAt: exp,
    algorithm,
  };
}

/** Refuses a token that lives longer than MAX_ACCESS_TOKEN_TTL (Twilio's 24 h). */
function checkLifetime(iat: number, exp: number, now: number, clockTolerance: number): void {
  if (exp - iat > MAX_ACCESS_TOKEN_TTL) {
    throw TokenError.lifetime(
      `Access token lifetime (exp - iat) is ${exp - iat} s; at most ${MAX_ACCESS_TOKEN_TTL} s (24 h) is allowed`);
  }
  if (exp - now > MAX_ACCESS_TOKEN_TTL + clockTolerance) {
    throw TokenError.lifetime(
      `Access token expires at ${formatEpochSeconds(exp)}, more than ${MAX_ACCESS_TOKEN_TTL} s (24 h) from now`);
  }
}

/** Enforces Twilio's header: HMAC alg, typ "JWT", cty "twilio-fpa;v=1". */
function checkHeader(header: Record<string, unknown>): AccessTokenAlgorithm {
  const { alg, typ, cty } = header;
  if (!isAccessTokenAlgorithm(alg)) {
    throw TokenError.header(
      `Access token algorithm ${quote(alg)} is not allowed; expected one of ${ACCESS_TOKEN_ALGORITHMS.join(', ')}`,
    );
  }
  if (typ !== 'JWT') throw TokenError.header(`Access token header "typ" must be "JWT", got ${quote(typ)}`);
  if (cty !== ACCESS_TOKEN_CONTENT_TYPE) {
    throw TokenError.header(`Access token header "cty" must be "${ACCESS_TOKEN_CONTENT_TYPE}", got ${quote(cty)}`);
  }
  return alg;
}

interface TimeContext {
  exp: number;
  nbf: unknown;
  clockTolerance: number;
}

/**
 * Maps a jose verification error to a TokenError; unrelated errors pass through.
 * The jose error is deliberately not kept as `cause`: it carries the decoded
 * claims (grants may hold a playback URL with its token), which must not reach logs.
 */
function toTokenError(error: unknown, time: TimeContext): unknown {
  if (error instanceof errors.JWTExpired) {
    return TokenError.expired(
      `Access token expired at ${formatEpochSeconds(time.exp)} (clock tolerance ${time.clockTolerance} s)`);
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'nbf' && typeof time.nbf === 'number') {
      return TokenError.notYetValid(
        `Access token is not valid before ${formatEpochSeconds(time.nbf)} (clock tolerance ${time.clockTolerance} s)`);
    }
    if (error.claim === 'sub') return TokenError.issuer('Access token "sub" does not match the expected account SID');
    return TokenError.malformed(`Access token claim check failed: ${error.message}`);
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return TokenError.signature('Access token signature does not match the API key secret');
  }
  if (error instanceof errors.JOSEAlgNotAllowed) return TokenError.header('Access token algorithm is not allowed');
  if (error instanceof errors.JOSEError) return TokenError.malformed(`Access token is malformed: ${error.message}`);
  return error;
}
