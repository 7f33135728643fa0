/** Machine-readable reason a PlaybackGrant request failed. */
export type PlaybackGrantRequestErrorCode =
  /** The REST API answered with an error (see `status`, `twilioCode`, `moreInfo`). */
  | 'ERR_GRANT_REFUSED'
  /** No answer: network failure, timeout, or a source that threw something unexpected. */
  | 'ERR_GRANT_UNREACHABLE';

export interface PlaybackGrantRequestErrorDetails {
  /** HTTP status of the REST answer, when there was one. */
  status?: number | undefined;
  /** Twilio error number from the REST error body (`code`), e.g. 20404. */
  twilioCode?: number | undefined;
  /** Twilio's `more_info` link, when the body had one. */
  moreInfo?: string | undefined;
  cause?: unknown;
}

/**
 * Raised by a PlaybackGrantCache when its source could not deliver a grant.
 * A grant that arrives but is unusable raises TokenError ERR_GRANT_INVALID instead.
 * Messages never contain a grant, token or secret.
 */
export class PlaybackGrantRequestError extends Error {
  override readonly name = 'PlaybackGrantRequestError';
  readonly code: PlaybackGrantRequestErrorCode;
  readonly status: number | undefined;
  readonly twilioCode: number | undefined;
  readonly moreInfo: string | undefined;

  constructor(code: PlaybackGrantRequestErrorCode, message: string, details: PlaybackGrantRequestErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    this.status = details.status;
    this.twilioCode = details.twilioCode;
    this.moreInfo = details.moreInfo;
  }

  /** The REST API refused: status and Twilio error fields as it sent them. */
  static refused(message: string, details: Omit<PlaybackGrantRequestErrorDetails, 'cause'>): PlaybackGrantRequestError {
    return new PlaybackGrantRequestError('ERR_GRANT_REFUSED', message, details);
  }

  /** A Twilio REST error answer (fields as in its JSON body) with its HTTP status. */
  static fromRest(status: number, fields: { code?: unknown; message?: unknown; moreInfo?: unknown }): PlaybackGrantRequestError {
    const twilioCode = typeof fields.code === 'number' ? fields.code : undefined;
    const moreInfo = typeof fields.moreInfo === 'string' ? fields.moreInfo : undefined;
    const message = typeof fields.message === 'string' && fields.message ? fields.message : 'no error message';
    const label = twilioCode === undefined ? `HTTP ${status}` : `HTTP ${status}, code ${twilioCode}`;
    return PlaybackGrantRequestError.refused(`PlaybackGrant request refused (${label}): ${message}`, {
      status,
      twilioCode,
      moreInfo,
    });
  }

  static unreachable(message: string, cause?: unknown): PlaybackGrantRequestError {
    return new PlaybackGrantRequestError('ERR_GRANT_UNREACHABLE', message, { cause });
  }
}
