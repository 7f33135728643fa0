/**
 * Why the playback origin refused a request: an HTTP status and a Twilio-like `code`
 * (`ErrorCode` in `@onair/protocol`; the mapping is documented in protocol's playback.ts).
 * A refusal is answered with `PlaybackErrorBody` JSON and never with media.
 */
import { ErrorCode, moreInfoUrl, type PlaybackErrorBody } from '@onair/protocol';
import { TokenError } from '@onair/tokens';

export class PlaybackRefusal extends Error {
  override readonly name = 'PlaybackRefusal';

  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    /** for 429: the `Retry-After` header, seconds */
    readonly retryAfterSeconds?: number,
    /** for 429: which budget refused (budgets.ts) */
    readonly budget?: string,
  ) {
    super(message);
  }

  get body(): PlaybackErrorBody {
    return { code: this.code, message: this.message, more_info: moreInfoUrl(this.code), status: this.status };
  }

  /** No usable `Authorization: Bearer <access token>`. */
  static noAccessToken(): PlaybackRefusal {
    return new PlaybackRefusal(401, ErrorCode.AccessTokenInvalid, 'A playback session needs the viewer\'s access token in "Authorization: Bearer <token>"');
  }

  /** The access token failed verification; its TokenError code is kept (20101–20107). */
  static accessToken(error: TokenError): PlaybackRefusal {
    return new PlaybackRefusal(401, error.twilioCode, error.message);
  }

  /** The access token has no usable `grants.player`. */
  static noPlayerGrant(message = 'The access token has no PlaybackGrant (grants.player)'): PlaybackRefusal {
    return new PlaybackRefusal(401, ErrorCode.AccessTokenGrantsInvalid, message);
  }

  /** The playback grant inside the token is forged, expired, malformed, too long-lived or for another streamer. */
  static grant(message: string): PlaybackRefusal {
    return new PlaybackRefusal(401, ErrorCode.AccessTokenInvalid, message);
  }

  static origin(origin: string | undefined): PlaybackRefusal {
    const which = origin === undefined ? 'A request without an Origin header' : `Origin ${JSON.stringify(origin)}`;
    return new PlaybackRefusal(403, ErrorCode.Forbidden, `${which} is not allowed by this playback grant's AccessControlAllowOrigin`);
  }

  static session(message = 'No valid playback session: open one with POST <playbackUrl>'): PlaybackRefusal {
    return new PlaybackRefusal(403, ErrorCode.Forbidden, message);
  }

  static path(): PlaybackRefusal {
    return new PlaybackRefusal(403, ErrorCode.Forbidden, 'Not a playback file');
  }

  static notFound(message: string): PlaybackRefusal {
    return new PlaybackRefusal(404, ErrorCode.NotFound, message);
  }

  static viewerLimit(max: number): PlaybackRefusal {
    return new PlaybackRefusal(403, ErrorCode.PlayerViewerLimit, `This PlayerStreamer already has its maximum of ${max} viewers`);
  }

  /** A budget is spent (budgets.ts): 429 20429 with `Retry-After`. */
  static tooManyRequests(message: string, retryAfterSeconds: number, budget: string): PlaybackRefusal {
    return new PlaybackRefusal(429, ErrorCode.TooManyRequests, message, retryAfterSeconds, budget);
  }

  /** A malformed or unreachable Low-Latency HLS request (`_HLS_msn` / `_HLS_part`): 400 20001. */
  static badRequest(message: string): PlaybackRefusal {
    return new PlaybackRefusal(400, ErrorCode.InvalidParameter, message);
  }

  /** A held request that could not be answered in time (or the origin is stopping): 503 20503. */
  static unavailable(message: string): PlaybackRefusal {
    return new PlaybackRefusal(503, ErrorCode.ServiceUnavailable, message);
  }

  static method(allowed: string): PlaybackRefusal {
    return new PlaybackRefusal(405, ErrorCode.MethodNotAllowed, `Method not allowed here; allowed: ${allowed}`);
  }

  /** Our fault (an I/O error), never the viewer's. */
  static internal(): PlaybackRefusal {
    return new PlaybackRefusal(500, ErrorCode.InternalError, 'The playback origin could not read the stream');
  }

  /** Any error from verifying tokens → a refusal; other errors are rethrown. */
  static fromTokenError(error: unknown, asGrant: boolean): PlaybackRefusal {
    if (!(error instanceof TokenError)) throw error;
    return asGrant ? PlaybackRefusal.grant(error.message) : PlaybackRefusal.accessToken(error);
  }
}
