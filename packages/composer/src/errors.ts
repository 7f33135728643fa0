/**
 * Failures of the composer page. `code` says what went wrong; `status` is the number the
 * page shows on `<body data-error-code>`: the room's own code (RoomError, Twilio-compatible)
 * when the room refused or dropped us, else 53000.
 */
export const ComposerErrorCode = {
  /** the ComposerConfig in the URL fragment is missing or invalid */
  ConfigInvalid: 'ERR_CONFIG_INVALID',
  /** MediaRecorder supports none of the recording formats we can stream */
  NoRecorderFormat: 'ERR_NO_RECORDER_FORMAT',
  /** the ingest endpoint refused the hello (4003: wrong secret) */
  IngestUnauthorized: 'ERR_INGEST_UNAUTHORIZED',
  /** joining the room failed in a way that retrying cannot fix (token, removed, replaced) */
  RoomFatal: 'ERR_ROOM_FATAL',
  /** something else broke (a bug, a browser API missing) */
  Internal: 'ERR_INTERNAL',
} as const;

export type ComposerErrorCode = (typeof ComposerErrorCode)[keyof typeof ComposerErrorCode];

/** `data-error-code` for errors that carry no room code. */
export const GENERIC_ERROR_STATUS = 53000;

export class ComposerError extends Error {
  override name = 'ComposerError';
  readonly code: ComposerErrorCode;
  /** the number for `data-error-code` */
  readonly status: number;

  constructor(code: ComposerErrorCode, message: string, options: { status?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = options.status ?? GENERIC_ERROR_STATUS;
  }

  /** `field` is named, its value never echoed (the config holds a token and a secret). */
  static config(field: string, problem: string): ComposerError {
    return new ComposerError(ComposerErrorCode.ConfigInvalid, `invalid ComposerConfig: ${field} ${problem}`);
  }

  static noRecorderFormat(tried: readonly string[]): ComposerError {
    return new ComposerError(
      ComposerErrorCode.NoRecorderFormat,
      `MediaRecorder supports none of: ${tried.join(', ')}`,
    );
  }

  static ingestUnauthorized(reason: string): ComposerError {
    return new ComposerError(
      ComposerErrorCode.IngestUnauthorized,
      `the ingest endpoint refused the hello (4003${reason ? `: ${reason}` : ''})`,
    );
  }

  static roomFatal(code: number, message: string, cause?: unknown): ComposerError {
    return new ComposerError(ComposerErrorCode.RoomFatal, `cannot stay in the room (${code}): ${message}`, {
      status: code,
      cause,
    });
  }

  static internal(message: string, cause?: unknown): ComposerError {
    return new ComposerError(ComposerErrorCode.Internal, message, { cause });
  }
}
