/**
 * Refuses cross-site browser requests to the REST API: a request whose `Origin` is not
 * the server's own (the request's scheme://host:port, or the public URL's origin) gets
 * 403 (20403). Server-side clients (the twilio library, curl) send no Origin and pass.
 * The API's Basic credentials are never meant for a page of another site: a browser
 * that has them cached (or a page that holds them) must not act with them elsewhere.
 */
import { ErrorCode } from '@onair/protocol';
import type { Request, RequestHandler } from 'express';
import { ApiError } from '../services/api-error.js';

/** The origin of a URL string, or undefined when it is not one (`null`, garbage). */
function originOf(url: string): string | undefined {
  if (!URL.canParse(url)) return undefined;
  const origin = new URL(url).origin;
  return origin === 'null' ? undefined : origin;
}

/** True when the request has no Origin, or its Origin is the server's own. */
export function isOwnOrigin(req: Request, publicUrl: string | undefined): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  const given = originOf(origin);
  if (given === undefined) return false;
  const host = req.headers.host;
  if (host !== undefined && given === originOf(`${req.protocol}://${host}`)) return true;
  return publicUrl !== undefined && given === originOf(publicUrl);
}

export function sameOriginOnly(publicUrl: string | undefined): RequestHandler {
  return (req, _res, next) => {
    if (isOwnOrigin(req, publicUrl)) return next();
    next(new ApiError(403, ErrorCode.Forbidden, 'Cross-site requests to the REST API are refused (the Origin is not this server)'));
  };
}
