/** REST errors: an HTTP status plus a Twilio error code, rendered as Twilio's error JSON. */
import { ErrorCode, moreInfoUrl, type TwilioErrorBody } from '@onair/protocol';

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }

  toJSON(): TwilioErrorBody {
    return {
      code: this.code,
      message: this.message,
      more_info: moreInfoUrl(this.code),
      status: this.status,
      ...(this.details ? { details: this.details } : {}),
    };
  }

  static invalidParameter(message: string, details?: Record<string, unknown>): ApiError {
    return new ApiError(400, ErrorCode.InvalidParameter, message, details);
  }
  static notFound(what: string): ApiError {
    return new ApiError(404, ErrorCode.NotFound, `The requested resource ${what} was not found`);
  }
  static unauthorized(): ApiError {
    return new ApiError(401, ErrorCode.Authentication, 'Authenticate');
  }
  static methodNotAllowed(method: string, path: string): ApiError {
    return new ApiError(405, ErrorCode.MethodNotAllowed, `Method ${method} is not allowed on ${path}`);
  }
  static conflict(code: number, message: string): ApiError {
    return new ApiError(409, code, message);
  }
  static payloadTooLarge(limit: string): ApiError {
    return new ApiError(413, ErrorCode.PayloadTooLarge, `Request body is larger than ${limit}`);
  }
  static unsupportedMediaType(message: string): ApiError {
    return new ApiError(415, ErrorCode.UnsupportedMediaType, message);
  }
  static tooManyRequests(): ApiError {
    return new ApiError(429, ErrorCode.TooManyRequests, 'Too many requests');
  }
  static internal(): ApiError {
    return new ApiError(500, ErrorCode.InternalError, 'Internal server error');
  }
}
