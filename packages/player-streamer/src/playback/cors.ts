/**
 * CORS and origin rules of the playback origin.
 *
 * - Opening a session: the request's `Origin` must be allowed by the grant
 *   (`isOriginAllowed`), or be this server's own origin (the grant's issuer, or the
 *   request's Host): `/embed/player` is served from here, and its own CSP
 *   `frame-ancestors` decides who may frame it.
 * - The session remembers that origin ("*" when the grant allows any); playlists and
 *   segments answer `Access-Control-Allow-Origin` with it, and refuse a request whose
 *   `Origin` is another one. Same-origin GETs (no `Origin`) pass: the session is the key.
 * - Refusals carry `Access-Control-Allow-Origin: *` so a page can read the error code;
 *   they never carry media.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ANY_ORIGIN, isOriginAllowed, normalizeOrigin } from '@onair/tokens';

export function requestOrigin(req: IncomingMessage): string | undefined {
  const value = req.headers.origin;
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The origin the new session is bound to, or undefined when this origin may not play. */
export function sessionOrigin(allowed: string[], origin: string | undefined, selfOrigins: string[]): string | undefined {
  if (allowed.includes(ANY_ORIGIN)) return ANY_ORIGIN;
  if (origin === undefined) return undefined;
  const normalized = normalizeOrigin(origin.trim());
  if (normalized === undefined) return undefined;
  if (isOriginAllowed(allowed, normalized)) return normalized;
  return selfOrigins.some((self) => normalizeOrigin(self) === normalized) ? normalized : undefined;
}

/** The origin of a URL such as a grant's issuer, or undefined. */
export function originOf(url: string): string | undefined {
  try {
    const origin = new URL(url).origin;
    return origin === 'null' ? undefined : origin;
  } catch {
    return undefined;
  }
}

/** True when a request from `origin` may use a session bound to `bound`. */
export function sessionAllowsOrigin(bound: string, origin: string | undefined): boolean {
  if (bound === ANY_ORIGIN || origin === undefined) return true;
  return normalizeOrigin(origin.trim()) === bound;
}

export function setCors(res: ServerResponse, allowOrigin: string): void {
  res.setHeader('Access-Control-Allow-Origin', allowOrigin);
  res.setHeader('Vary', 'Origin');
}

/** Preflight of `POST <playbackUrl>` with `Authorization` (the real checks happen on the POST). */
export function answerPreflight(req: IncomingMessage, res: ServerResponse): void {
  const origin = requestOrigin(req);
  setCors(res, origin ?? '*');
  res.setHeader('Access-Control-Allow-Methods', 'POST, GET, HEAD, OPTIONS');
  res.setHeader('Access-Control-Allow-Headers', 'Authorization, Content-Type');
  res.setHeader('Access-Control-Max-Age', '600');
  res.setHeader('Content-Length', '0');
  res.statusCode = 204;
  res.end();
}
