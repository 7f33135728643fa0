/**
 * Budgets of `/v1` clients, refused with 429 (20429) and `Retry-After` in Twilio's error JSON:
 *
 * - per credential: the API key SID or Account SID that authenticated may make
 *   `requestsPerSecond` requests per second on average, ten seconds' worth at once
 *   (ONAIR_REST_RATE; 0 turns it off);
 * - failed authentication per client address (the socket's remote address): a request whose
 *   `Authorization` header is refused costs one of AUTH_FAILURES (100 at once, one more per
 *   second); an address that has spent them is refused before its credentials are checked,
 *   so guessing secrets is slow and cheap for the server.
 *
 * Token buckets: `@onair/protocol` token-bucket.ts.
 */
import type { RequestHandler, Response } from 'express';
import { ErrorCode, KeyedBuckets, retryAfterSeconds, ruleOf, type TokenBucketRule } from '@onair/protocol';
import type { RestBudgetSettings } from '../config/budgets-config.js';
import { ApiError } from '../services/api-error.js';
import { parseBasicAuth } from './auth.js';

export const AUTH_FAILURES: TokenBucketRule = { ratePerSecond: 1, burst: 100 };
const SWEEP_MS = 60_000;

export interface RestBudgets {
  /** before basicAuth: refuses an address that spent its failed authentications, and counts new ones */
  authFailures: RequestHandler;
  /** after basicAuth: the authenticated credential's request budget */
  perCredential: RequestHandler;
  close(): void;
}

export function restBudgets(
  settings: RestBudgetSettings,
  onRefused: (budget: 'rest_credential' | 'rest_auth_failures') => void,
  now: () => number = Date.now,
): RestBudgets {
  const failures = new KeyedBuckets(AUTH_FAILURES);
  const credentials = settings.requestsPerSecond > 0 ? new KeyedBuckets(ruleOf(settings.requestsPerSecond)) : undefined;
  const timer = setInterval(() => {
    failures.sweep(now());
    credentials?.sweep(now());
  }, SWEEP_MS);
  timer.unref();

  const refuse = (res: Response, retryAfterMs: number, message: string) => {
    res.set('Retry-After', String(retryAfterSeconds(retryAfterMs)));
    return new ApiError(429, ErrorCode.TooManyRequests, message);
  };

  return {
    authFailures: (req, res, next) => {
      if (req.get('authorization') === undefined) return next(); // no attempt: a plain 401
      const address = req.socket.remoteAddress ?? 'unknown';
      if (!failures.has(address, now())) {
        onRefused('rest_auth_failures');
        const wait = failures.take(address, now());
        next(refuse(res, wait.ok ? 0 : wait.retryAfterMs, 'Too many failed authentications from this address; try again later'));
        return;
      }
      res.on('finish', () => {
        if (res.statusCode === 401) failures.take(address, now());
      });
      next();
    },
    perCredential: (req, res, next) => {
      const user = parseBasicAuth(req.get('authorization'))?.user;
      if (!credentials || user === undefined) return next();
      const r = credentials.take(user, now());
      if (r.ok) return next();
      onRefused('rest_credential');
      next(refuse(res, r.retryAfterMs, `Too many requests: this credential may make ${settings.requestsPerSecond} requests per second`));
    },
    close: () => clearInterval(timer),
  };
}
