/** Options of `StatusCallbackSender`, their one defaults object, and their validation (once, at construction). */
import type { Logger } from 'pino';
import { EMPTY_ALLOW_LIST, type CallbackAllowList } from './allow-list.js';
import { DestinationPolicy } from './destination-policy.js';
import { guardedFetch } from './guarded-fetch.js';

export interface StatusCallbackSenderOptions {
  authToken: string;
  logger: Logger;
  /** Total attempts per callback, including the first. Default 5. */
  maxAttempts?: number;
  /** Base of the exponential backoff (full jitter). Default 1000. */
  baseDelayMs?: number;
  /** Cap for a single backoff delay and for a honoured Retry-After. Default 30000. */
  maxDelayMs?: number;
  /** Per-attempt timeout (until response headers arrive). Default 10000. */
  timeoutMs?: number;
  /**
   * Destinations reachable besides public addresses (`ONAIR_CALLBACK_ALLOW`). Default: none,
   * so loopback, private, link-local, CGNAT, multicast and reserved addresses are refused.
   */
  allow?: CallbackAllowList;
  /** Callbacks held at once (queued, in flight or waiting for a retry); past it the oldest is dropped. Default 1000. */
  maxQueued?: number;
  /** Deliveries attempted at the same time. Default 8. */
  concurrency?: number;
  /**
   * Injectable transport, for tests only: it replaces the guarded client, so `allow` no longer
   * applies. Default: {@link guardedFetch} with a policy built from `allow`.
   */
  fetch?: typeof fetch;
  /** Default 'onair-status-callback/1'. */
  userAgent?: string;
}

/** The single source of defaults for {@link StatusCallbackSender}. */
export const DEFAULTS = Object.freeze({
  maxAttempts: 5,
  baseDelayMs: 1000,
  maxDelayMs: 30_000,
  timeoutMs: 10_000,
  userAgent: 'onair-status-callback/1',
  allow: EMPTY_ALLOW_LIST,
  maxQueued: 1000,
  concurrency: 8,
});

export type ResolvedOptions = Required<StatusCallbackSenderOptions>;

/** Merges `options` over {@link DEFAULTS} (undefined values count as unset) and validates the result. */
export function resolveSenderOptions(options: StatusCallbackSenderOptions): ResolvedOptions {
  const given = withoutUndefined(options);
  const allow = given.allow ?? DEFAULTS.allow;
  const merged: ResolvedOptions = {
    ...DEFAULTS,
    ...given,
    fetch: given.fetch ?? guardedFetch(new DestinationPolicy(allow)),
    authToken: options.authToken,
    logger: options.logger,
  };
  validateOptions(merged);
  return merged;
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function validateOptions(o: ResolvedOptions): void {
  if (typeof o.authToken !== 'string') throw new TypeError('authToken must be a string');
  if (o.logger === undefined || o.logger === null) throw new TypeError('logger is required');
  if (typeof o.fetch !== 'function') throw new TypeError('fetch must be a function');
  for (const key of ['maxAttempts', 'maxQueued', 'concurrency'] as const) {
    if (!Number.isInteger(o[key]) || o[key] < 1) throw new RangeError(`${key} must be an integer >= 1`);
  }
  for (const key of ['baseDelayMs', 'maxDelayMs'] as const) {
    if (!Number.isFinite(o[key]) || o[key] < 0) throw new RangeError(`${key} must be a finite number >= 0`);
  }
  if (!Number.isFinite(o.timeoutMs) || o.timeoutMs <= 0) throw new RangeError('timeoutMs must be a finite number > 0');
}
