/**
 * Error codes of the player SDK. Numbers are onair's wire codes (`ErrorCode` in
 * `@onair/protocol`, Twilio's numbers), so a refusal by the server and the same refusal
 * detected by the player carry the same code. Codes in a server refusal
 * (`{code, message}`) are passed through as they are.
 */
export const PlayerErrorCode = {
  /** the access token or its `player` grant is malformed, forged, expired, too long-lived or for another streamer */
  PlaybackGrantInvalid: 20101,
  /** playback refused here (e.g. an origin-restricted embed opened outside a frame) */
  PlaybackForbidden: 20403,
  /** the stream or its session is gone */
  StreamNotFound: 20404,
  /**
   * the playback server refused for a budget (too many sessions from this token or address,
   * too many held requests): `retryAfterSeconds` says when to try again; the player never
   * retries on its own
   */
  TooManyRequests: 20429,
  /** the media could not be decoded or played */
  MediaError: 20500,
  /** the server could not be reached or answered nonsense */
  NetworkError: 20503,
} as const;

export type PlayerErrorCode = (typeof PlayerErrorCode)[keyof typeof PlayerErrorCode];

/** Every failure the player reports: a readable message and a numeric `code`. */
export class PlayerError extends Error {
  override name = 'PlayerError';
  readonly code: number;
  /** for 20429: seconds the server asked to wait (its `Retry-After`), when it said */
  readonly retryAfterSeconds: number | undefined;

  constructor(code: number, message: string, options?: { cause?: unknown; retryAfterSeconds?: number | undefined }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retryAfterSeconds = options?.retryAfterSeconds;
  }

  /** The grant failed a check; `reason` says which. Never quotes the token. */
  static grantInvalid(reason: string): PlayerError {
    return new PlayerError(PlayerErrorCode.PlaybackGrantInvalid, reason);
  }

  static forbidden(message: string): PlayerError {
    return new PlayerError(PlayerErrorCode.PlaybackForbidden, message);
  }

  static network(message: string, cause?: unknown): PlayerError {
    return new PlayerError(PlayerErrorCode.NetworkError, message, { cause });
  }

  static media(message: string, cause?: unknown): PlayerError {
    return new PlayerError(PlayerErrorCode.MediaError, message, { cause });
  }

  /**
   * A refusal by the playback origin (`PlaybackErrorBody`), code and message kept. A 429 is
   * 20429 whatever the body says, with the `Retry-After` header's seconds.
   */
  static fromServer(status: number, body: unknown, retryAfter?: string | null): PlayerError {
    const seconds = status === 429 && retryAfter && /^\d{1,9}$/.test(retryAfter.trim()) ? Number(retryAfter.trim()) : undefined;
    if (typeof body === 'object' && body !== null) {
      const { code, message } = body as { code?: unknown; message?: unknown };
      if (typeof code === 'number' && Number.isInteger(code) && typeof message === 'string') {
        return new PlayerError(status === 429 ? PlayerErrorCode.TooManyRequests : code, message, { retryAfterSeconds: seconds });
      }
    }
    const code =
      status === 404 ? PlayerErrorCode.StreamNotFound : status === 429 ? PlayerErrorCode.TooManyRequests : PlayerErrorCode.NetworkError;
    return new PlayerError(code, `the playback server answered HTTP ${status}`, { retryAfterSeconds: seconds });
  }
}
