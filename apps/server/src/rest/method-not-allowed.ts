import type { RequestHandler } from 'express';
import { ApiError } from '../services/api-error.js';

/** The last handler of a known route: any other method gets 405 with Twilio error JSON. */
export const methodNotAllowed: RequestHandler = (req, _res, next) => {
  next(ApiError.methodNotAllowed(req.method, req.baseUrl + req.path));
};
