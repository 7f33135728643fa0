import type { PlayerGrant } from './access-token-types.js';
import { parseCompactJws } from './compact-jws.js';
import { TokenError } from './errors.js';
import { isNonEmptyString, isRecord } from './guards.js';
import { MAX_PLAYBACK_GRANT_TTL, readPlaybackGrantClaims } from './playback-grant-claims.js';

/** A grant held by a PlaybackGrantCache, with its life measured on the local clock. */
export interface CachedPlaybackGrant {
  /** The `grant` object exactly as the REST API returned it (goes into `grants.player`). */
  grant: PlayerGrant;
  /** Lifetime of the grant JWT, seconds (`exp - iat`). */
  lifetime: number;
  /** Local clock (ms) when the request for it was sent. */
  fetchedAt: number;
  /**
   * Local clock (ms) when it expires: `fetchedAt + lifetime`. Only the grant's own
   * lifetime is used, never its absolute `exp`, so a skew between this machine's clock
   * and the server's does not matter. The real expiry can be up to 1 s earlier (`iat`
   * is whole seconds); the server's 1 s clock tolerance and the refresh margin cover it.
   */
  expiresAt: number;
}

/**
 * Reads a PlaybackGrant response (`{grant: {playbackUrl, playerStreamerSid, …}}`), as
 * the REST API or the twilio library returns it. Decodes the grant JWT (the `token`
 * query parameter of playbackUrl) WITHOUT verifying it: only its lifetime and streamer
 * are needed here; the player and the server verify it. Throws TokenError ERR_GRANT_INVALID.
 */
export function readCachedPlaybackGrant(response: unknown, fetchedAt: number, streamerSid?: string): CachedPlaybackGrant {
  const grant = isRecord(response) ? response['grant'] : undefined;
  if (!isRecord(grant)) throw TokenError.grantInvalid('PlaybackGrant response has no "grant" object');
  const { playbackUrl, playerStreamerSid } = grant;
  if (!isNonEmptyString(playbackUrl)) throw TokenError.grantInvalid('PlaybackGrant grant.playbackUrl is missing');
  if (!isNonEmptyString(playerStreamerSid)) throw TokenError.grantInvalid('PlaybackGrant grant.playerStreamerSid is missing');

  const parsed = parseCompactJws(grantJwt(playbackUrl));
  if (!parsed.ok) throw TokenError.grantInvalid(`PlaybackGrant grant JWT is malformed: ${parsed.problem}`);
  const claims = readPlaybackGrantClaims(parsed.payload);
  if (!claims.ok) throw TokenError.grantInvalid(`PlaybackGrant grant JWT ${claims.problem}`);
  const { sub, iat, exp } = claims.claims;
  if (sub !== playerStreamerSid) {
    throw TokenError.grantInvalid('PlaybackGrant grant.playerStreamerSid differs from the streamer its JWT is bound to');
  }
  if (streamerSid !== undefined && sub !== streamerSid) {
    throw TokenError.grantInvalid(`PlaybackGrant was issued for ${sub}, not for ${streamerSid}`);
  }
  const lifetime = exp - iat;
  if (!(lifetime > 0 && lifetime <= MAX_PLAYBACK_GRANT_TTL)) {
    throw TokenError.grantInvalid(`PlaybackGrant lifetime of ${lifetime} s is not within 1..${MAX_PLAYBACK_GRANT_TTL} s`);
  }
  return {
    grant: { ...grant, playbackUrl, playerStreamerSid, requestCredentials: grant['requestCredentials'] ?? null },
    lifetime,
    fetchedAt,
    expiresAt: fetchedAt + lifetime * 1000,
  };
}

function grantJwt(playbackUrl: string): string {
  let url: URL;
  try {
    url = new URL(playbackUrl);
  } catch {
    throw TokenError.grantInvalid('PlaybackGrant grant.playbackUrl is not an absolute URL');
  }
  const token = url.searchParams.get('token');
  if (!token) throw TokenError.grantInvalid('PlaybackGrant grant.playbackUrl has no "token" parameter');
  return token;
}
