/**
 * Errors of the player-streamer package. Every error has a stable `code`; callers switch on
 * the code, never on the message.
 */

/** Codes of errors found while reading an ISO-BMFF (fragmented MP4) byte stream. */
export type Mp4ErrorCode =
  /** A box header that cannot be right: size < 8, a largesize < 16, a type that is not 4 printable ASCII characters. */
  | 'ERR_MP4_INVALID_BOX'
  /** A box larger than the configured limit (protects memory against garbage sizes). */
  | 'ERR_MP4_BOX_TOO_LARGE'
  /** A box whose payload is shorter than its fields or otherwise inconsistent. */
  | 'ERR_MP4_MALFORMED'
  /** A well-formed box in a place it must not be (e.g. `moof` before `moov`, `mdat` without `moof`). */
  | 'ERR_MP4_UNEXPECTED_BOX'
  /** Valid MP4 that this packager cannot handle (size-0 "to end of file" boxes, absolute base-data-offset). */
  | 'ERR_MP4_UNSUPPORTED';

/** Codes of errors of the HLS packager itself. */
export type HlsErrorCode =
  | 'ERR_HLS_INVALID_OPTIONS'
  /** `input()` while the previous input has neither ended nor failed. */
  | 'ERR_HLS_INPUT_ACTIVE'
  /** An input that no longer accepts bytes (ended or failed), e.g. from `input.writable()`. */
  | 'ERR_HLS_INPUT_CLOSED'
  /** `input()` after `finish()`. */
  | 'ERR_HLS_FINISHED'
  /** A file name that the packager did not generate (never happens unless there is a bug). */
  | 'ERR_HLS_UNSAFE_PATH'
  /** Writing or deleting a file failed; the packager is failed from then on. */
  | 'ERR_HLS_IO'
  /** Warning: a segment is longer than the playlist's TARGETDURATION allows (keyframes too far apart). */
  | 'ERR_HLS_SEGMENT_TOO_LONG'
  | 'ERR_HLS_PART_TOO_LONG'
  /** Warning: an input's first fragments did not start with a keyframe and were dropped. */
  | 'ERR_HLS_NO_KEYFRAME'
  /** Resuming: the snapshot (`packager.json`) cannot be read or does not fit the options. */
  | 'ERR_HLS_SNAPSHOT_INVALID';

/** Codes of errors of pushing a stream to the origin over HTTP (HttpPushStore). */
export type OriginPushErrorCode =
  /** The origin refused the credentials (401/403): nothing more is pushed. */
  | 'ERR_ORIGIN_REFUSED'
  /** The store is closed: no more writes. */
  | 'ERR_ORIGIN_CLOSED'
  /** The origin did not answer in time (reading the snapshot at resume). */
  | 'ERR_ORIGIN_UNREACHABLE';

export type PlayerStreamerErrorCode = Mp4ErrorCode | HlsErrorCode | OriginPushErrorCode;

export class PlayerStreamerError extends Error {
  override readonly name: string = 'PlayerStreamerError';
  constructor(
    readonly code: PlayerStreamerErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  static invalidOptions(message: string): PlayerStreamerError {
    return new PlayerStreamerError('ERR_HLS_INVALID_OPTIONS', message);
  }

  static io(operation: string, file: string, cause: unknown): PlayerStreamerError {
    const reason = cause instanceof Error ? cause.message : String(cause);
    return new PlayerStreamerError('ERR_HLS_IO', `${operation} ${file} failed: ${reason}`, { cause });
  }
}

/** Where in the byte stream a parse error was found. */
export interface Mp4ErrorContext {
  /** Type of the (top-level or nested) box being read, when known. */
  readonly boxType?: string;
  /** Byte offset in the input stream of the top-level box, when known. */
  readonly offset?: number;
}

/** An error found while reading MP4: the input that produced it is unusable from that point. */
export class Mp4ParseError extends PlayerStreamerError {
  override readonly name = 'Mp4ParseError';
  declare readonly code: Mp4ErrorCode;
  constructor(
    code: Mp4ErrorCode,
    message: string,
    readonly context: Mp4ErrorContext = {},
  ) {
    super(code, message);
  }

  /** The same error with the top-level box's stream offset filled in. */
  at(offset: number): Mp4ParseError {
    if (this.context.offset !== undefined) return this;
    const located = new Mp4ParseError(this.code, `${this.message} (box at byte ${offset})`, { ...this.context, offset });
    located.stack = this.stack;
    return located;
  }
}
