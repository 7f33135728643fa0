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

export {
  PLAYBACK_GRANT_CACHE_DEFAULTS,
  PlaybackGrantCache,
  VIEWER_TOKEN_SKEW_ALLOWANCE,
  type MintViewerTokenOptions,
  type PlaybackGrantCacheOptions,
  type PlaybackGrantSource,
} from './playback-grant-cache.js';
export type { CachedPlaybackGrant } from './playback-grant-cache-entry.js';
export {
  PlaybackGrantRequestError,
  type PlaybackGrantRequestErrorCode,
  type PlaybackGrantRequestErrorDetails,
} from './playback-grant-cache-errors.js';
export {
  FETCH_PLAYBACK_GRANT_SOURCE_DEFAULTS,
  fetchPlaybackGrantSource,
  type FetchLike,
  type FetchPlaybackGrantSourceOptions,
} from './playback-grant-cache-fetch.js';
export {
  twilioPlaybackGrantSource,
  type TwilioPlaybackGrantClient,
  type TwilioPlaybackGrantSourceOptions,
} from './playback-grant-cache-twilio.js';
export {
  PLAYBACK_GRANT_CACHE_MAP_DEFAULTS,
  PlaybackGrantCacheMap,
  type PlaybackGrantCacheMapOptions,
} from './playback-grant-cache-map.js';
