import type { PlayerGrant } from './access-token-types.js';
import { createAccessToken } from './create-access-token.js';
import { TokenError } from './errors.js';
import { isNonEmptyString, isNonNegativeNumber } from './guards.js';
import { readCachedPlaybackGrant, type CachedPlaybackGrant } from './playback-grant-cache-entry.js';
import { PlaybackGrantRequestError } from './playback-grant-cache-errors.js';

/**
 * Where a PlaybackGrantCache gets grants: one PlaybackGrant request per call, resolving
 * with the REST answer (`{grant: {playbackUrl, playerStreamerSid, requestCredentials}}`).
 * See fetchPlaybackGrantSource and twilioPlaybackGrantSource.
 */
export type PlaybackGrantSource = () => Promise<{ grant: unknown }>;

export interface PlaybackGrantCacheOptions {
  source: PlaybackGrantSource;
  /** When given, every grant must be bound to this PlayerStreamer. */
  streamerSid?: string;
  /**
   * Seconds: once less than this much of the grant's life remains, the next call
   * refreshes it. Default 5, which with Ttl 60 means one request per 55 s.
   */
  refreshMargin?: number;
  /**
   * Seconds: a grant is never handed out with less life than this. Default: equal to
   * refreshMargin (callers inside the margin wait for the refresh). A smaller value turns
   * on stale-while-revalidate: inside the margin a refresh starts in the background and
   * callers keep getting the old grant while it has at least `minRemaining` left.
   */
  minRemaining?: number;
  /** Local clock, epoch ms (tests inject a fake one); default Date.now. */
  clock?: () => number;
  /** Needed by mintViewerToken only: the application's Account SID and API key. */
  accountSid?: string;
  apiKeySid?: string;
  apiSecret?: string;
}

export interface MintViewerTokenOptions {
  identity: string;
  /**
   * Access token lifetime, seconds. Default: the grant's remaining life (rounded up) plus
   * VIEWER_TOKEN_SKEW_ALLOWANCE. A token that outlives its grant is useless: the server
   * refuses an expired grant when the viewer opens a session.
   */
  ttl?: number;
}

/** Seconds a default viewer token outlives its grant, for clock skew between app and server. */
export const VIEWER_TOKEN_SKEW_ALLOWANCE = 60;

export const PLAYBACK_GRANT_CACHE_DEFAULTS = Object.freeze({
  refreshMargin: 5,
  clock: Date.now,
});

type ResolvedOptions = Required<Pick<PlaybackGrantCacheOptions, 'source' | 'refreshMargin' | 'minRemaining' | 'clock'>> &
  PlaybackGrantCacheOptions;

/**
 * Caches one PlayerStreamer's PlaybackGrant for an application backend and wraps it,
 * per viewer, in access tokens.
 *
 * - A grant is reused until less than `refreshMargin` of its life remains.
 * - Refreshes are single-flight: every caller that needs a refresh while one is under
 *   way shares it, so N concurrent callers cause one request.
 * - A failed refresh rejects everyone waiting on it with the typed error
 *   (PlaybackGrantRequestError or TokenError) and leaves the cache as it was: the next
 *   call tries again.
 * - Expiry is measured on the local clock from when the request was sent plus the
 *   grant's lifetime, so clock skew with the server does not matter.
 */
export class PlaybackGrantCache {
  readonly #opts: ResolvedOptions;
  #current: CachedPlaybackGrant | undefined;
  #inflight: Promise<CachedPlaybackGrant> | undefined;
  #requests = 0;

  constructor(options: PlaybackGrantCacheOptions) {
    const refreshMargin = options.refreshMargin ?? PLAYBACK_GRANT_CACHE_DEFAULTS.refreshMargin;
    const opts: ResolvedOptions = {
      ...options,
      refreshMargin,
      minRemaining: options.minRemaining ?? refreshMargin,
      clock: options.clock ?? PLAYBACK_GRANT_CACHE_DEFAULTS.clock,
    };
    if (typeof opts.source !== 'function') throw TokenError.options('source must be a function returning a PlaybackGrant');
    if (typeof opts.clock !== 'function') throw TokenError.options('clock must be a function returning epoch ms');
    if (!isNonNegativeNumber(opts.refreshMargin)) throw TokenError.options('refreshMargin must be a number of seconds >= 0');
    if (!isNonNegativeNumber(opts.minRemaining) || opts.minRemaining > opts.refreshMargin) {
      throw TokenError.options('minRemaining must be a number of seconds from 0 to refreshMargin');
    }
    if (opts.streamerSid !== undefined && !isNonEmptyString(opts.streamerSid)) {
      throw TokenError.options('streamerSid must be a non-empty string when given');
    }
    this.#opts = opts;
  }

  /** How many times the source was asked for a grant (successful or not). */
  get requestCount(): number {
    return this.#requests;
  }

  /** The cached grant and its local timing, or undefined before the first success. */
  peek(): CachedPlaybackGrant | undefined {
    return this.#current;
  }

  /** A grant with at least `minRemaining` seconds of life, refreshing when needed. */
  async get(): Promise<PlayerGrant> {
    return (await this.getEntry()).grant;
  }

  /** Like get(), with the grant's local timing. */
  getEntry(): Promise<CachedPlaybackGrant> {
    const now = this.#opts.clock();
    const current = this.#current;
    if (current && now < current.expiresAt - this.#opts.refreshMargin * 1000) return Promise.resolve(current);
    const refresh = this.#refresh();
    if (current && now < current.expiresAt - this.#opts.minRemaining * 1000) return Promise.resolve(current);
    return refresh;
  }

  /** Mints a viewer access token (HS256, Twilio format) whose `grants.player` is the cached grant. */
  async mintViewerToken(options: MintViewerTokenOptions): Promise<string> {
    const { accountSid, apiKeySid, apiSecret } = this.#opts;
    if (!isNonEmptyString(accountSid) || !isNonEmptyString(apiKeySid) || !isNonEmptyString(apiSecret)) {
      throw TokenError.options('mintViewerToken needs accountSid, apiKeySid and apiSecret in the cache options');
    }
    if (!isNonEmptyString(options?.identity)) throw TokenError.options('identity must be a non-empty string');
    const entry = await this.getEntry();
    const now = this.#opts.clock();
    const remaining = Math.max(1, Math.ceil((entry.expiresAt - now) / 1000));
    return createAccessToken({
      accountSid,
      apiKeySid,
      apiSecret,
      identity: options.identity,
      ttl: options.ttl ?? remaining + VIEWER_TOKEN_SKEW_ALLOWANCE,
      player: entry.grant,
      now: new Date(now),
    });
  }

  /** Drops the cached grant (e.g. after the streamer ended); the next call fetches a new one. */
  clear(): void {
    this.#current = undefined;
  }

  /** Starts a refresh, or joins the one under way. */
  #refresh(): Promise<CachedPlaybackGrant> {
    if (this.#inflight) return this.#inflight;
    const fetchedAt = this.#opts.clock();
    this.#requests += 1;
    const refresh = Promise.resolve()
      .then(() => this.#opts.source())
      .then(
        (response) => this.#accept(response, fetchedAt),
        (error: unknown) => {
          throw asTypedError(error);
        },
      );
    this.#inflight = refresh;
    // Clears the slot either way; also marks the rejection handled when nobody awaits it.
    const settle = () => {
      if (this.#inflight === refresh) this.#inflight = undefined;
    };
    refresh.then(settle, settle);
    return refresh;
  }

  #accept(response: unknown, fetchedAt: number): CachedPlaybackGrant {
    const entry = readCachedPlaybackGrant(response, fetchedAt, this.#opts.streamerSid);
    if (entry.lifetime <= this.#opts.refreshMargin) {
      throw TokenError.options(
        `The grant lives ${entry.lifetime} s, not longer than refreshMargin (${this.#opts.refreshMargin} s): ask for a longer Ttl`,
      );
    }
    this.#current = entry;
    return entry;
  }
}

function asTypedError(error: unknown): Error {
  if (error instanceof PlaybackGrantRequestError || error instanceof TokenError) return error;
  const detail = error instanceof Error ? `: ${error.message}` : '';
  return PlaybackGrantRequestError.unreachable(`PlaybackGrant request failed${detail}`, error);
}
