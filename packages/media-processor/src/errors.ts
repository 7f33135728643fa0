/** Errors of the media-processor package, each with a stable code. */
export type MediaProcessorErrorCode =
  | 'ERR_BINARY_NOT_FOUND'
  | 'ERR_BROWSER_LAUNCH'
  | 'ERR_SANDBOX_UNAVAILABLE'
  | 'ERR_PAGE_LOAD'
  | 'ERR_NO_MEDIA'
  | 'ERR_TOO_MANY_RESTARTS'
  | 'ERR_STREAMING'
  | 'ERR_CAPACITY'
  | 'ERR_JOB_EXISTS'
  | 'ERR_STOPPED';

export class MediaProcessorError extends Error {
  override readonly name = 'MediaProcessorError';
  constructor(
    readonly code: MediaProcessorErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  static binary(which: 'chromium' | 'ffmpeg', message: string): MediaProcessorError {
    return new MediaProcessorError('ERR_BINARY_NOT_FOUND', `${which}: ${message}`);
  }
}
