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

  constructor(code: number, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
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

  /** A refusal by the playback origin (`PlaybackErrorBody`), code and message kept. */
  static fromServer(status: number, body: unknown): PlayerError {
    if (typeof body === 'object' && body !== null) {
      const { code, message } = body as { code?: unknown; message?: unknown };
      if (typeof code === 'number' && Number.isInteger(code) && typeof message === 'string') {
        return new PlayerError(code, message);
      }
    }
    const code = status === 404 ? PlayerErrorCode.StreamNotFound : PlayerErrorCode.NetworkError;
    return new PlayerError(code, `the playback server answered HTTP ${status}`);
  }
}
