/**
 * The checks `Player.connect` runs on an access token's `player` grant before it makes any
 * playback request: shape, algorithm, streamer, lifetime (all without the network), then the
 * grant JWT's signature against the server's JWKS and its expiry against the server's clock.
 * Every failure is a PlayerError 20101 whose message says what was wrong; a JWKS that cannot
 * be loaded is 20503.
 */
import { decodeJwt, decodeProtectedHeader } from 'jose';
import {
  MAX_PLAYBACK_GRANT_TTL,
  PLAYBACK_GRANT_ALGORITHM,
  TokenError,
  decodeAccessToken,
  verifyPlaybackGrantJwt,
  type PlaybackGrantJwtClaims,
} from '@onair/tokens';
import { PlayerError } from '../errors.js';
import type { JwksLoader } from './jwks-loader.js';

export const JWKS_PATH = '/.well-known/jwks.json';

/** A grant that passed every check. */
export interface VerifiedPlayerGrant {
  /** the grant's playbackUrl (carries the grant JWT in `?token=`) */
  playbackUrl: string;
  playerStreamerSid: string;
  /** the grant JWT's verified claims (`origins` is `["*"]` when any origin may play) */
  claims: PlaybackGrantJwtClaims;
  /** ms to add to `Date.now()` to read the server's clock */
  clockOffsetMs: number;
}

export interface GrantCheckOptions {
  loadJwks: JwksLoader;
  /** default `<playbackUrl origin>/.well-known/jwks.json` */
  jwksUrl?: string | undefined;
  /** seconds of clock skew allowed on expiry; default 1 (as the server) */
  clockTolerance?: number;
  /** device clock, ms (tests) */
  now?: () => number;
}

/** Whether the grant restricts which origins may play it. */
export function isOriginRestricted(claims: Pick<PlaybackGrantJwtClaims, 'origins'>): boolean {
  return !claims.origins.includes('*');
}

export async function checkPlayerGrant(accessToken: string, opts: GrantCheckOptions): Promise<VerifiedPlayerGrant> {
  if (typeof accessToken !== 'string' || accessToken.length === 0) {
    throw PlayerError.grantInvalid('An access token is required');
  }
  const player = readPlayerGrant(accessToken);
  const playbackUrl = parsePlaybackUrl(player.playbackUrl);
  const jwt = playbackUrl.searchParams.get('token');
  if (!jwt) throw PlayerError.grantInvalid('Playback grant playbackUrl has no "token" parameter');
  const serverBase = precheckGrantJwt(jwt, player.playerStreamerSid, playbackUrl);
  if (playbackUrl.pathname.split('/').pop() !== player.playerStreamerSid) {
    throw PlayerError.grantInvalid(`Playback grant playbackUrl does not point at PlayerStreamer ${player.playerStreamerSid}`);
  }

  const jwksUrl = opts.jwksUrl ?? `${serverBase}${JWKS_PATH}`;
  const { keys, clockOffsetMs } = await opts.loadJwks(jwksUrl);
  const now = opts.now ?? Date.now;
  let claims: PlaybackGrantJwtClaims;
  try {
    claims = await verifyPlaybackGrantJwt(jwt, {
      keys,
      streamerSid: player.playerStreamerSid,
      maxTtl: MAX_PLAYBACK_GRANT_TTL,
      currentDate: new Date(now() + clockOffsetMs),
      ...(opts.clockTolerance === undefined ? {} : { clockTolerance: opts.clockTolerance }),
    });
  } catch (error) {
    if (error instanceof TokenError) throw PlayerError.grantInvalid(error.message);
    throw PlayerError.network('the playback grant could not be verified', error);
  }
  return { playbackUrl: player.playbackUrl, playerStreamerSid: player.playerStreamerSid, claims, clockOffsetMs };
}

function readPlayerGrant(accessToken: string): { playbackUrl: string; playerStreamerSid: string } {
  let player;
  try {
    player = decodeAccessToken(accessToken).claims.grants.player;
  } catch (error) {
    throw PlayerError.grantInvalid(error instanceof TokenError ? error.message : 'Access token is malformed');
  }
  if (!player) throw PlayerError.grantInvalid('Access token has no player grant (grants.player)');
  return player;
}

function parsePlaybackUrl(value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw PlayerError.grantInvalid('Playback grant playbackUrl is not an absolute URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw PlayerError.grantInvalid('Playback grant playbackUrl must be http(s)');
  }
  return url;
}

/**
 * Checks what needs no key: algorithm, kid, streamer, lifetime and issuer. Returns the
 * server's base URL (the issuer, which the playbackUrl must start with).
 */
function precheckGrantJwt(jwt: string, streamerSid: string, playbackUrl: URL): string {
  let header: Record<string, unknown>;
  let payload: Record<string, unknown>;
  try {
    header = decodeProtectedHeader(jwt) as Record<string, unknown>;
    payload = decodeJwt(jwt);
  } catch {
    throw PlayerError.grantInvalid('Playback grant JWT is malformed');
  }
  if (header['alg'] !== PLAYBACK_GRANT_ALGORITHM) {
    const alg = typeof header['alg'] === 'string' ? ` (found "${header['alg'].slice(0, 20)}")` : '';
    throw PlayerError.grantInvalid(`Playback grant must be signed with ${PLAYBACK_GRANT_ALGORITHM}${alg}`);
  }
  if (typeof header['kid'] !== 'string' || header['kid'] === '') {
    throw PlayerError.grantInvalid('Playback grant header has no "kid"');
  }
  if (payload['sub'] !== streamerSid) {
    throw PlayerError.grantInvalid(
      `Playback grant was issued for a different PlayerStreamer than the access token's playerStreamerSid ${streamerSid}`,
    );
  }
  const { iat, exp, iss } = payload;
  if (typeof iat === 'number' && typeof exp === 'number' && exp - iat > MAX_PLAYBACK_GRANT_TTL) {
    throw PlayerError.grantInvalid(
      `Playback grant lifetime of ${exp - iat} s exceeds the maximum of ${MAX_PLAYBACK_GRANT_TTL} s`,
    );
  }
  if (typeof iss !== 'string') return playbackUrl.origin; // the signature check reports the missing claim
  const base = iss.replace(/\/+$/, '');
  if (!playbackUrl.href.startsWith(`${base}/`)) {
    throw PlayerError.grantInvalid('Playback grant issuer does not match its playbackUrl');
  }
  return base;
}
