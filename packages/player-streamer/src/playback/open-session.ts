/**
 * `POST <playbackUrl>`: checks the viewer's access token and the playback grant inside it,
 * then opens a session. Order: access token (HS256 with the API key's secret, exp) → its
 * `grants.player` → the grant JWT (ES256 with our keys, exp, lifetime ≤ 60 s, streamer,
 * account) → Origin → the streamer → the viewer limit. Any failure is a PlaybackRefusal. Budgets
 * (429): the client address's before all this, the access token's right after its check (every
 * attempt with a genuine token counts, so a flood with one token costs one HMAC per request).
 */
import { access } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { PLAYBACK_PATH, PLAYBACK_PLAYLIST, type PlaybackSessionResponse } from '@onair/protocol';
import { verifyAccessToken, verifyPlaybackGrantJwt, type PlaybackGrantJwtClaims } from '@onair/tokens';
import { originOf, requestOrigin, sessionOrigin } from './cors.js';
import { PLAYBACK_ORIGIN_DEFAULTS, type ResolvedPlaybackOriginOptions } from './options.js';
import { PlaybackRefusal } from './refusal.js';
import type { PlaybackBudgets } from './budgets.js';
import type { SessionTokens } from './session-token.js';
import { streamFilePath } from './stream-files.js';
import type { ViewerSessions } from './viewer-sessions.js';

const BEARER = /^Bearer[ ]+([A-Za-z0-9_.-]{1,8192})[ ]*$/i;

export interface OpenedSession {
  response: PlaybackSessionResponse;
  /** the origin the session is bound to ("*": any) */
  origin: string;
}

export interface OpenSessionDeps {
  opts: ResolvedPlaybackOriginOptions;
  tokens: SessionTokens;
  sessions: ViewerSessions;
  budgets: PlaybackBudgets;
}

export async function openSession(
  deps: OpenSessionDeps,
  req: IncomingMessage,
  streamerSid: string,
  urlGrant: string | undefined,
): Promise<OpenedSession> {
  const { opts } = deps;
  const now = opts.now();
  const currentDate = new Date(now);
  const clockTolerance = PLAYBACK_ORIGIN_DEFAULTS.clockToleranceSeconds;

  const match = BEARER.exec(req.headers.authorization ?? '');
  if (!match) throw PlaybackRefusal.noAccessToken();
  const token = await verifyAccessToken(match[1]!, {
    resolveSecret: opts.resolveSecret,
    clockTolerance,
    currentDate,
    ...(opts.accountSid === undefined ? {} : { accountSid: opts.accountSid }),
  }).catch((error: unknown) => {
    throw PlaybackRefusal.fromTokenError(error, false);
  });

  // right after the cheap HS256 check, before the grant's ES256: a flood with one token costs little
  deps.budgets.admitTokenSession(match[1]!, token.expiresAt);

  const player = token.grants.player;
  if (!player || typeof player !== 'object') throw PlaybackRefusal.noPlayerGrant();
  const grantJwt = grantFromPlaybackUrl(player.playbackUrl);
  if (grantJwt === undefined) throw PlaybackRefusal.noPlayerGrant('The PlaybackGrant has no playbackUrl with a grant token');
  if (urlGrant !== undefined && urlGrant !== grantJwt) {
    throw PlaybackRefusal.grant('The playback URL and the access token carry different playback grants');
  }

  let claims: PlaybackGrantJwtClaims;
  try {
    claims = await verifyPlaybackGrantJwt(grantJwt, { keys: opts.grantKeys(), streamerSid, clockTolerance, currentDate });
  } catch (error) {
    throw PlaybackRefusal.fromTokenError(error, true);
  }
  if (player.playerStreamerSid !== claims.sub) {
    throw PlaybackRefusal.grant('The PlaybackGrant\'s playerStreamerSid differs from the streamer its grant token was issued for');
  }
  if (opts.accountSid !== undefined && claims.acc !== opts.accountSid) {
    throw PlaybackRefusal.grant('The playback grant belongs to another account');
  }

  const origin = requestOrigin(req);
  const selfOrigins = [originOf(claims.iss), originOf(opts.baseUrl(req))].filter((o): o is string => o !== undefined);
  const bound = sessionOrigin(claims.origins, origin, selfOrigins);
  if (bound === undefined) throw PlaybackRefusal.origin(origin);

  const streamer = await opts.findStreamer(streamerSid);
  if (!streamer) throw PlaybackRefusal.notFound(`PlayerStreamer ${streamerSid} was not found`);
  const active = streamer.status === 'created' || streamer.status === 'started';
  if (!active && !(await hasPlaylist(opts.storageDir, streamerSid))) {
    throw PlaybackRefusal.notFound(`PlayerStreamer ${streamerSid} has ended and its stream is gone`);
  }

  const max = opts.maxViewersPerStreamer;
  if (active && max !== undefined && deps.sessions.count(streamerSid) >= max) throw PlaybackRefusal.viewerLimit(max);

  const session = deps.tokens.issue(streamerSid, bound, now);
  deps.sessions.open(session.claims, active);
  const response: PlaybackSessionResponse = {
    playlistUrl: `${opts.baseUrl(req).replace(/\/+$/, '')}${PLAYBACK_PATH}/${streamerSid}/s/${session.token}/${PLAYBACK_PLAYLIST}`,
    playerStreamerSid: streamerSid,
    status: streamer.status === 'failed' ? 'ended' : streamer.status,
    idleTimeoutSeconds: opts.idleTimeoutSeconds,
    latencyMode: streamer.latencyMode,
  };
  return { response, origin: bound };
}

/** The grant JWT in a playbackUrl's `token` query parameter. */
export function grantFromPlaybackUrl(playbackUrl: unknown): string | undefined {
  if (typeof playbackUrl !== 'string') return undefined;
  try {
    const token = new URL(playbackUrl).searchParams.get('token');
    return token ? token : undefined;
  } catch {
    return undefined;
  }
}

async function hasPlaylist(storageDir: string, streamerSid: string): Promise<boolean> {
  const path = streamFilePath(storageDir, streamerSid, PLAYBACK_PLAYLIST);
  if (path === undefined) return false;
  return access(path).then(
    () => true,
    () => false,
  );
}
