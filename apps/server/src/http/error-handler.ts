/** The one place where thrown errors become HTTP responses (Twilio error JSON). */
import type { ErrorRequestHandler } from 'express';
import type { Logger } from 'pino';
import { ApiError } from '../services/api-error.js';

interface HttpishError {
  type?: string;
  status?: number;
  statusCode?: number;
  limit?: number;
  expose?: boolean;
}

/** Maps body-parser / router errors (which carry a 4xx status) to ApiErrors. */
export function toApiError(err: unknown): ApiError | undefined {
  if (err instanceof ApiError) return err;
  const e = (err ?? {}) as HttpishError;
  switch (e.type) {
    case 'entity.too.large':
      return ApiError.payloadTooLarge('1 MB');
    case 'parameters.too.many':
      return ApiError.payloadTooLarge('1000 parameters');
    case 'entity.parse.failed':
    case 'entity.verify.failed':
      return ApiError.invalidParameter('The request body could not be parsed');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return ApiError.unsupportedMediaType('Unsupported body encoding or charset; send UTF-8 form data');
    case 'request.aborted':
    case 'request.size.invalid':
    case 'stream.encoding.set':
      return ApiError.invalidParameter('The request body was incomplete');
  }
  const status = e.status ?? e.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new ApiError(status, status === 404 ? 20404 : 20001, status === 400 ? 'Bad request' : `Request refused (${status})`);
  }
  return undefined;
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    let apiError = toApiError(err);
    if (!apiError) {
      logger.error({ err, method: req.method, path: req.path }, 'unhandled error');
      apiError = ApiError.internal();
    }
    if (res.headersSent) {
      res.end();
      return;
    }
    res.status(apiError.status).json(apiError.toJSON());
  };
}
