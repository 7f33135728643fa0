/** HTTP Basic authentication with the API key or the Account SID + auth token. */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Credentials } from '../config/credentials.js';
import { ApiError } from '../services/api-error.js';

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/** Constant-time string comparison (hashing first makes lengths equal). */
export function safeEqual(a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b));
}

export function parseBasicAuth(header: string | undefined): { user: string; pass: string } | undefined {
  if (!header) return undefined;
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { user: decoded.slice(0, colon), pass: decoded.slice(colon + 1) };
}

/** True when the user:pass pair is the API key or the account's auth token. */
export function checkCredentials(creds: Credentials, user: string, pass: string): boolean {
  // Evaluate both comparisons every time so timing does not reveal which user matched.
  const checks = [
    safeEqual(user, creds.apiKeySid),
    safeEqual(pass, creds.apiSecret),
    safeEqual(user, creds.accountSid),
    safeEqual(pass, creds.authToken),
  ];
  return (checks[0]! && checks[1]!) || (checks[2]! && checks[3]!);
}

export function basicAuth(creds: Credentials): RequestHandler {
  return (req, res, next) => {
    const parsed = parseBasicAuth(req.get('authorization'));
    if (!parsed || !checkCredentials(creds, parsed.user, parsed.pass)) {
      res.set('WWW-Authenticate', 'Basic realm="onair"');
      next(ApiError.unauthorized());
      return;
    }
    next();
  };
}
