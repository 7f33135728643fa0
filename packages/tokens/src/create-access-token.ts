import { SignJWT } from 'jose';
import {
  ACCESS_TOKEN_ALGORITHMS,
  ACCESS_TOKEN_CONTENT_TYPE,
  DEFAULT_ACCESS_TOKEN_TTL,
  MAX_ACCESS_TOKEN_TTL,
  isAccessTokenAlgorithm,
  type AccessTokenAlgorithm,
  type AccessTokenGrants,
  type PlayerGrant,
  type VideoGrant,
} from './access-token-types.js';
import { TokenError } from './errors.js';
import { isIntegerInRange, isNonEmptyString, isRecord } from './guards.js';
import { epochSeconds, isValidDate } from './time.js';

export interface AccessTokenOptions {
  accountSid: string;
  apiKeySid: string;
  apiSecret: string;
  identity?: string;
  /** Lifetime in seconds; default 3600, must be an integer in 1..86400. */
  ttl?: number;
  /** Not-before time, epoch seconds. */
  nbf?: number;
  video?: VideoGrant;
  player?: PlayerGrant;
  /** Default HS256. */
  algorithm?: AccessTokenAlgorithm;
  /** Issue time (for tests); default current time. */
  now?: Date;
}

const encoder = new TextEncoder();

/**
 * Mints an access token in exactly the format of twilio@5's
 * `twilio.jwt.AccessToken#toJwt()`: same header, same claim order, same bytes.
 */
export async function createAccessToken(opts: AccessTokenOptions): Promise<string> {
  const { accountSid, apiKeySid, apiSecret, identity, nbf, video, player } = opts;
  const ttl = opts.ttl ?? DEFAULT_ACCESS_TOKEN_TTL;
  const algorithm = opts.algorithm ?? 'HS256';
  const now = opts.now ?? new Date();

  if (!isNonEmptyString(accountSid)) throw TokenError.options('accountSid must be a non-empty string');
  if (!isNonEmptyString(apiKeySid)) throw TokenError.options('apiKeySid must be a non-empty string');
  if (!isNonEmptyString(apiSecret)) throw TokenError.options('apiSecret must be a non-empty string');
  if (identity !== undefined && !isNonEmptyString(identity)) {
    throw TokenError.options('identity must be a non-empty string when given');
  }
  if (!isIntegerInRange(ttl, 1, MAX_ACCESS_TOKEN_TTL)) {
    throw TokenError.options(`ttl must be an integer number of seconds from 1 to ${MAX_ACCESS_TOKEN_TTL}, got ${String(ttl)}`);
  }
  if (nbf !== undefined && !(typeof nbf === 'number' && Number.isFinite(nbf))) {
    throw TokenError.options('nbf must be a finite number of epoch seconds when given');
  }
  if (!isAccessTokenAlgorithm(algorithm)) {
    throw TokenError.options(`algorithm must be one of ${ACCESS_TOKEN_ALGORITHMS.join(', ')}`);
  }
  if (!isValidDate(now)) throw TokenError.options('now must be a valid Date');

  const grants: AccessTokenGrants = {};
  if (identity !== undefined) grants.identity = identity;
  if (video !== undefined) grants.video = videoGrantPayload(video);
  if (player !== undefined) grants.player = playerGrantPayload(player);

  // Same key order as jsonwebtoken produces for twilio: payload keys, then iat, exp, iss, sub.
  const iat = epochSeconds(now);
  const claims: Record<string, unknown> = { jti: `${apiKeySid}-${iat}`, grants };
  if (nbf !== undefined) claims['nbf'] = nbf;
  claims['iat'] = iat;
  claims['exp'] = iat + ttl;
  claims['iss'] = apiKeySid;
  claims['sub'] = accountSid;

  return new SignJWT(claims)
    .setProtectedHeader({ alg: algorithm, typ: 'JWT', cty: ACCESS_TOKEN_CONTENT_TYPE })
    .sign(encoder.encode(apiSecret));
}

/** Twilio's VideoGrant#toPayload(): `room` only when non-empty; onair's `hidden` only when true. */
function videoGrantPayload(video: VideoGrant): VideoGrant {
  if (!isRecord(video)) throw TokenError.options('video grant must be an object');
  const { room, hidden } = video;
  if (room !== undefined && typeof room !== 'string') throw TokenError.options('video.room must be a string when given');
  if (hidden !== undefined && typeof hidden !== 'boolean') throw TokenError.options('video.hidden must be a boolean when given');
  return { ...(room ? { room } : {}), ...(hidden ? { hidden: true } : {}) };
}

/** Twilio's PlaybackGrant#toPayload(): the grant object as returned by the API. */
function playerGrantPayload(player: PlayerGrant): PlayerGrant {
  if (!isRecord(player)) throw TokenError.options('player grant must be an object');
  if (!isNonEmptyString(player.playbackUrl)) throw TokenError.options('player.playbackUrl must be a non-empty string');
  if (!isNonEmptyString(player.playerStreamerSid)) {
    throw TokenError.options('player.playerStreamerSid must be a non-empty string');
  }
  return { ...player };
}
