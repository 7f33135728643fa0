export { TokenError, TWILIO_ERROR_CODES, type TokenErrorCode } from './errors.js';

export {
  ACCESS_TOKEN_ALGORITHMS,
  ACCESS_TOKEN_CONTENT_TYPE,
  DEFAULT_ACCESS_TOKEN_TTL,
  MAX_ACCESS_TOKEN_TTL,
  type AccessTokenAlgorithm,
  type AccessTokenGrants,
  type PlayerGrant,
  type VideoGrant,
} from './access-token-types.js';
export { createAccessToken, type AccessTokenOptions } from './create-access-token.js';
export { decodeAccessToken, type AccessTokenClaims, type DecodedAccessToken } from './decode-access-token.js';
export {
  DEFAULT_ACCESS_TOKEN_CLOCK_TOLERANCE,
  verifyAccessToken,
  type VerifiedAccessToken,
  type VerifyAccessTokenOptions,
} from './verify-access-token.js';

export { PLAYBACK_GRANT_ALGORITHM, generateSigningKey, type SigningKey } from './signing-key.js';
export { MAX_PLAYBACK_GRANT_TTL, type PlaybackGrantJwtClaims } from './playback-grant-claims.js';
export { signPlaybackGrantJwt, type SignPlaybackGrantJwtOptions } from './sign-playback-grant-jwt.js';
export {
  DEFAULT_PLAYBACK_GRANT_CLOCK_TOLERANCE,
  verifyPlaybackGrantJwt,
  type PlaybackGrantKeyResolver,
  type VerifyPlaybackGrantOptions,
} from './verify-playback-grant-jwt.js';
export { ANY_ORIGIN, isOriginAllowed, normalizeOrigin, parseAllowedOrigins } from './allowed-origins.js';
