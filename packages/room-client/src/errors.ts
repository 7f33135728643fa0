/**
 * Error codes raised by the SDK itself. Numbers are Twilio's (Video JS SDK), so an
 * application moving from twilio-video.js can keep its `error.code` checks. Codes sent by
 * the server (token errors 2010x, 53105, 53118, 53205, 53216, …) are passed through as is;
 * see `ErrorCode` in `@onair/protocol`.
 */
export const RoomErrorCode = {
  /** could not open the signaling connection, or it answered nonsense, or timed out */
  SignalingConnectionError: 53000,
  /** the signaling connection dropped and could not be re-established */
  SignalingConnectionDisconnected: 53001,
  /** a request over the signaling connection got no answer in time */
  SignalingConnectionTimeout: 53002,
  /** the track cannot be published (ended, wrong kind, unpublished meanwhile) */
  TrackInvalid: 53300,
  /** this participant already publishes a track with that name */
  TrackNameIsDuplicated: 53304,
  /**
   * the server closed the signaling connection (1008) because it sent too many messages or
   * bytes; the same code as the server's `error` frame (20429, too many requests)
   */
  SignalingBudgetSpent: 20429,
} as const;

export type RoomErrorCode = (typeof RoomErrorCode)[keyof typeof RoomErrorCode];

/** Every failure the SDK reports: a readable message and a numeric, Twilio-compatible `code`. */
export class RoomError extends Error {
  override name = 'RoomError';
  readonly code: number;

  constructor(code: number, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
  }

  /** The signaling connection did not answer `join` within `connectTimeout` ms. */
  static connectTimeout(timeoutMs: number): RoomError {
    return new RoomError(
      RoomErrorCode.SignalingConnectionError,
      `signaling connection timed out after ${timeoutMs} ms`,
    );
  }

  /** The signaling socket could not be opened or closed before answering. */
  static signalingConnection(message: string, cause?: unknown): RoomError {
    return new RoomError(RoomErrorCode.SignalingConnectionError, message, { cause });
  }

  /** The signaling connection is gone (used for `reconnecting` and for giving up). */
  static signalingDisconnected(message = 'signaling connection disconnected'): RoomError {
    return new RoomError(RoomErrorCode.SignalingConnectionDisconnected, message);
  }

  /** An operation that needs a live room was attempted after it was disconnected. */
  static notConnected(): RoomError {
    return new RoomError(RoomErrorCode.SignalingConnectionDisconnected, 'the room is disconnected');
  }

  /** The server did not answer a request (for example `publish`) in time. */
  static requestTimeout(what: string, timeoutMs: number): RoomError {
    return new RoomError(
      RoomErrorCode.SignalingConnectionTimeout,
      `${what}: no answer from the server within ${timeoutMs} ms`,
    );
  }

  static trackInvalid(message: string): RoomError {
    return new RoomError(RoomErrorCode.TrackInvalid, message);
  }

  static trackNameDuplicated(name: string): RoomError {
    return new RoomError(
      RoomErrorCode.TrackNameIsDuplicated,
      `a track named "${name}" is already published by this participant`,
    );
  }

  /** An `error` frame from the server (its code and message are kept verbatim). */
  static fromServer(code: number, message: string): RoomError {
    return new RoomError(code, message);
  }

  /** The server closed the socket as a refusal without saying why first. */
  static refusedWithoutReason(closeCode: number, reason: string): RoomError {
    return new RoomError(
      RoomErrorCode.SignalingConnectionError,
      `the server closed the signaling connection (${closeCode}${reason ? `: ${reason}` : ''})`,
    );
  }

  /** The server closed the socket with 1008: this client sent more than its signaling budget. */
  static budgetSpent(): RoomError {
    return new RoomError(
      RoomErrorCode.SignalingBudgetSpent,
      'the server closed the signaling connection: too many messages (1008, policy violation)',
    );
  }

  /** The server's first answer was not a valid `joined` frame. */
  static malformedJoin(reason: string): RoomError {
    return new RoomError(RoomErrorCode.SignalingConnectionError, `invalid answer to join: ${reason}`);
  }
}
