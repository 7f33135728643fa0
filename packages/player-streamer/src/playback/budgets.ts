/**
 * The playback origin's budgets, each refused with 429 (20429) and `Retry-After`:
 *
 * - opening sessions (`POST /playback/<VJ>`) per client address: the socket's remote address
 *   (no proxy is trusted yet), checked before any token is verified;
 * - session opens per viewer access token: every attempt whose token verifies counts, keyed
 *   on a hash of the token and forgotten when it expires; `sessionsPerToken` at once, then one
 *   more a minute;
 * - requests held open for Low-Latency HLS (blocking playlist reloads, preload-hinted parts):
 *   at most `maxHeld` in all and `maxHeldPerSession` per session at once.
 *
 * Rate budgets are token buckets (`@onair/protocol` token-bucket.ts).
 */
import { createHash } from 'node:crypto';
import { KeyedBuckets, retryAfterSeconds, ruleOf } from '@onair/protocol';
import { PlaybackRefusal } from './refusal.js';

export interface PlaybackBudgetOptions {
  /** sessions opened per client address per second on average, ten seconds' worth at once */
  sessionOpensPerAddressPerSecond: number;
  /** sessions one viewer access token may open at once; one more becomes available each minute */
  sessionsPerToken: number;
  /** requests held open at once, over all sessions */
  maxHeld: number;
  /** requests held open at once by one session (hls.js holds two: the reload and the hinted part) */
  maxHeldPerSession: number;
}

export const PLAYBACK_BUDGET_DEFAULTS: PlaybackBudgetOptions = {
  sessionOpensPerAddressPerSecond: 100,
  sessionsPerToken: 10,
  maxHeld: 2_000,
  maxHeldPerSession: 4,
};

/** a token's spent sessions come back one a minute */
const TOKEN_REFILL_PER_SECOND = 1 / 60;
const SWEEP_MS = 60_000;

/** Which budget a refusal came from (the `budget` label of the server's refusal metric). */
export type PlaybackBudgetName = 'playback_session_address' | 'playback_session_token' | 'playback_held' | 'playback_held_session';

export class PlaybackBudgets {
  readonly #opts: PlaybackBudgetOptions;
  readonly #addresses: KeyedBuckets;
  readonly #tokens: KeyedBuckets;
  readonly #heldBySession = new Map<string, number>();
  readonly #timer: NodeJS.Timeout;
  #held = 0;

  constructor(
    options: Partial<PlaybackBudgetOptions>,
    private readonly now: () => number,
  ) {
    this.#opts = { ...PLAYBACK_BUDGET_DEFAULTS, ...options };
    for (const [name, value] of Object.entries(this.#opts)) {
      if (!(Number.isFinite(value) && value >= 1)) throw new TypeError(`playback budget ${name} must be ≥ 1, got ${String(value)}`);
    }
    this.#addresses = new KeyedBuckets(ruleOf(this.#opts.sessionOpensPerAddressPerSecond));
    this.#tokens = new KeyedBuckets({ ratePerSecond: TOKEN_REFILL_PER_SECOND, burst: this.#opts.sessionsPerToken });
    this.#timer = setInterval(() => {
      this.#addresses.sweep(this.now());
      this.#tokens.sweep(this.now());
    }, SWEEP_MS);
    this.#timer.unref();
  }

  /** A session may be opened from `address` (the socket's remote address); else 429. */
  admitSessionOpen(address: string | undefined): void {
    const r = this.#addresses.take(normaliseAddress(address), this.now());
    if (!r.ok) {
      throw PlaybackRefusal.tooManyRequests(
        'Too many playback sessions opened from this address; try again later',
        retryAfterSeconds(r.retryAfterMs),
        'playback_session_address',
      );
    }
  }

  /** The verified access token may open one more session; else 429. `expiresAt`: its exp, s. */
  admitTokenSession(accessToken: string, expiresAt: number): void {
    const key = createHash('sha256').update(accessToken).digest('base64url');
    const now = this.now();
    const r = this.#tokens.take(key, now, 1, expiresAt * 1000);
    if (!r.ok) {
      const untilExpiry = Math.max(0, expiresAt * 1000 - now);
      throw PlaybackRefusal.tooManyRequests(
        `This access token already opened its ${this.#opts.sessionsPerToken} playback sessions; one more becomes available each minute`,
        retryAfterSeconds(Math.min(r.retryAfterMs, untilExpiry)),
        'playback_session_token',
      );
    }
  }

  /** Takes a place for one held request of `sessionId`; returns its release (idempotent); else 429. */
  hold(sessionId: string): () => void {
    const mine = this.#heldBySession.get(sessionId) ?? 0;
    if (mine >= this.#opts.maxHeldPerSession) {
      throw PlaybackRefusal.tooManyRequests(
        `This playback session already has ${mine} requests held open`,
        1,
        'playback_held_session',
      );
    }
    if (this.#held >= this.#opts.maxHeld) {
      throw PlaybackRefusal.tooManyRequests('The playback origin holds as many requests as it may; try again shortly', 1, 'playback_held');
    }
    this.#held++;
    this.#heldBySession.set(sessionId, mine + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#held--;
      const left = (this.#heldBySession.get(sessionId) ?? 1) - 1;
      if (left <= 0) this.#heldBySession.delete(sessionId);
      else this.#heldBySession.set(sessionId, left);
    };
  }

  /** Requests holding a place now. */
  get held(): number {
    return this.#held;
  }

  close(): void {
    clearInterval(this.#timer);
    this.#addresses.clear();
    this.#tokens.clear();
  }
}

/** `::ffff:1.2.3.4` and `1.2.3.4` are one client. */
function normaliseAddress(address: string | undefined): string {
  if (!address) return 'unknown';
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}
