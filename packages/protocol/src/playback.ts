/**
 * The contract between `@onair/player` (browser) and the server's playback origin
 * (`packages/player-streamer`, mounted by the server). See ARCHITECTURE.md, Playback.
 *
 * 1. A PlaybackGrant's `playbackUrl` is `<server>/playback/<VJ…>?token=<grant JWT>`.
 * 2. Opening a session: `POST <playbackUrl>` with the viewer's access token (HS256, its
 *    `grants.player` holding the grant) in `Authorization: Bearer <token>`, empty body.
 *    Browsers send `Origin`; it is checked against the grant's allowed origins.
 *    200 → `PlaybackSessionResponse`. Any refusal → 401/403/404/429 with
 *    `PlaybackErrorBody`, never media.
 * 3. The session lives in the URL path: `<server>/playback/<VJ…>/s/<session>/index.m3u8`,
 *    and every segment/init URL in that playlist is relative to it, so it keeps the
 *    session. A request without a valid session for that streamer answers 403 with
 *    `PlaybackErrorBody`.
 * 4. A session stays valid while the viewer keeps requesting (each request renews it) and
 *    lapses `idleTimeoutSeconds` after the last one. The playlist answers 404
 *    (`PlaybackErrorBody`, code 20404) until the streamer's first segment exists; the player
 *    retries it.
 */

export const PLAYBACK_PATH = '/playback';
/** The media playlist's file name inside a session. */
export const PLAYBACK_PLAYLIST = 'index.m3u8';

export interface PlaybackSessionResponse {
  /** absolute URL of the session's media playlist */
  playlistUrl: string;
  playerStreamerSid: string;
  /** the streamer's status when the session was opened */
  status: 'created' | 'started' | 'ended';
  /** seconds without a request after which the session lapses */
  idleTimeoutSeconds: number;
}

/** Body of every refusal by the playback origin. `code` is one of `ErrorCode`. */
export interface PlaybackErrorBody {
  code: number;
  message: string;
}
