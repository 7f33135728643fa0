/**
 * The contract between `@onair/player` (browser) and the server's playback origin
 * (`packages/player-streamer`, mounted by the server). See ARCHITECTURE.md, Playback.
 *
 * 1. A PlaybackGrant's `playbackUrl` is `<server>/playback/<VJ…>?token=<grant JWT>`.
 * 2. Opening a session: `POST <playbackUrl>` with the viewer's access token (HS256, its
 *    `grants.player` holding the grant) in `Authorization: Bearer <token>`, empty body.
 *    Browsers send `Origin`; it is checked against the grant's allowed origins. The
 *    server's own origin is always allowed: `/embed/player` plays from it, and who may frame
 *    that page is governed by its `Content-Security-Policy: frame-ancestors` (the grant's
 *    origins) instead. The player reads the server's clock from the `Date` header of
 *    `GET /.well-known/jwks.json` (exposed to other origins) to check grant expiry.
 *    A player on another (allowed) origin needs CORS: the preflight of this POST
 *    (`Authorization` header) and `Access-Control-Allow-Origin` on the answers, the
 *    playlist and the segments.
 *    200 → `PlaybackSessionResponse`. Any refusal → 401/403/404 with
 *    `PlaybackErrorBody`, never media.
 * 3. The session lives in the URL path: `<server>/playback/<VJ…>/s/<session>/index.m3u8`,
 *    and every segment/init URL in that playlist is relative to it, so it keeps the
 *    session. A request without a valid session for that streamer answers 403 with
 *    `PlaybackErrorBody`.
 * 4. A session stays valid while the viewer keeps requesting (each request renews it) and
 *    lapses `idleTimeoutSeconds` after the last one. The playlist answers 404
 *    (`PlaybackErrorBody`, code 20404) until the streamer's first segment exists; the player
 *    retries it.
 *
 * Refusals (status → `code`), checked in this order when opening a session:
 * - 401 20101  no `Authorization: Bearer`, a malformed access token, or a playback grant that
 *              is forged (bad ES256 signature, unknown `kid`), `alg: none`/not ES256, expired,
 *              longer-lived than 60 s, for another streamer or account, or whose
 *              `playerStreamerSid` differs from the grant JWT's streamer
 * - 401 20102/20103/20104/20105/20107  the access token's header, issuer (unknown API key or
 *              account), expiry, nbf, HS256 signature (TokenError's Twilio code, as signaling)
 * - 401 20106  the access token has no usable `grants.player`
 * - 403 20403  an `Origin` the grant does not allow (a restricted grant also refuses a request
 *              without `Origin`; this server's own origin is always allowed, for /embed/player)
 * - 404 20404  no such streamer, or it ended and its files are gone
 * - 403 56008  the streamer already has its maximum of viewers (ONAIR_MAX_VIEWERS); 403, not
 *              429, because ARCHITECTURE.md has every refusal answer 401 or 403
 * Playlists and segments:
 * - 403 20403  a missing, guessed, tampered or lapsed session, a session of another streamer,
 *              a request `Origin` other than the one the session was opened from, or a file
 *              name that is not `index.m3u8`, `init-<n>.mp4`, `seg-<n>.m4s` or `part-<n>.m4s`
 *              (path traversal)
 * - 400 20001  Low-Latency HLS blocking reload: a malformed `_HLS_msn`/`_HLS_part`, `_HLS_part`
 *              without `_HLS_msn`, or one that cannot be reached (more than two segments, or
 *              the Advance Part Limit, ahead)
 * - 404 20404  the playlist before the first segment; a segment no longer kept; a part that
 *              is gone, or not yet written and not the preload hint (or two past it)
 * - 503 20503  a blocking reload or a hinted part still not there after 3 × TARGETDURATION
 * - 405 20004  another method
 * Every refusal carries `Access-Control-Allow-Origin: *` (so a page can read the code) and
 * `Cache-Control: no-store`. Successful answers carry `Access-Control-Allow-Origin` with the
 * session's origin (or `*` when the grant allows any) and `Vary: Origin`; playlists are
 * `no-cache`, init, segments and parts `max-age=31536000, immutable`.
 */

export const PLAYBACK_PATH = '/playback';
/** The media playlist's file name inside a session. */
export const PLAYBACK_PLAYLIST = 'index.m3u8';

/**
 * How a PlayerStreamer is packaged (its `LatencyMode` REST parameter, `latency_mode` field):
 * `low` is Low-Latency HLS (~200 ms parts, 1 s segments); `standard` is plain HLS with 2 s
 * segments, for viewers behind CDNs that do not pass LL-HLS through. onair's own extension
 * of the Twilio resource; values are case-sensitive, like Twilio's enums.
 */
export const LatencyModes = ['low', 'standard'] as const;
export type LatencyMode = (typeof LatencyModes)[number];
/** The mode of a streamer created without `LatencyMode` (and of streamers stored before it existed). */
export const DEFAULT_LATENCY_MODE: LatencyMode = 'low';

export interface PlaybackSessionResponse {
  /** absolute URL of the session's media playlist */
  playlistUrl: string;
  playerStreamerSid: string;
  /** the streamer's status when the session was opened */
  status: 'created' | 'started' | 'ended';
  /** how the stream is packaged; the player picks its hls.js settings from it */
  latencyMode: LatencyMode;
  /** seconds without a request after which the session lapses */
  idleTimeoutSeconds: number;
}

/**
 * Body of every refusal by the playback origin: Twilio's error JSON, like the REST API's.
 * `code` is one of `ErrorCode`; `status` is the HTTP status.
 */
export interface PlaybackErrorBody {
  code: number;
  message: string;
  more_info: string;
  status: number;
}
