/** What a {@link ReconnectPolicy} knows when asked for the next delay. */
export interface ReconnectContext {
  /** attempts made so far in this reconnection (0 before the first) */
  readonly retryCount: number;
  /** ms since the signaling connection dropped */
  readonly elapsedMs: number;
}

/**
 * Decides how long to wait before each reconnection attempt. Return `null` to give up:
 * the room then disconnects with RoomError 53001.
 */
export interface ReconnectPolicy {
  nextRetryDelayInMs(context: ReconnectContext): number | null;
}

export interface DefaultReconnectPolicyOptions {
  /** delay before the first attempt (default 500 ms) */
  initialDelayMs?: number;
  /** growth factor between attempts (default 2) */
  multiplier?: number;
  /** upper bound of one delay (default 8000 ms) */
  maxDelayMs?: number;
  /** give up when the next attempt would start later than this after the drop (default 30000 ms) */
  maxElapsedMs?: number;
  /** ± fraction of random spread, so clients do not retry in lockstep (default 0.2) */
  jitter?: number;
  /** source of randomness in [0, 1) (default Math.random) */
  random?: () => number;
}

const policyDefaults = {
  initialDelayMs: 500,
  multiplier: 2,
  maxDelayMs: 8000,
  maxElapsedMs: 30_000,
  jitter: 0.2,
  random: Math.random,
} satisfies Required<DefaultReconnectPolicyOptions>;

/**
 * Exponential backoff: 0.5, 1, 2, 4, 8, 8… s (± jitter) until ~30 s have passed.
 * Stateless, so one instance may serve many rooms.
 */
export class DefaultReconnectPolicy implements ReconnectPolicy {
  readonly #options: Required<DefaultReconnectPolicyOptions>;

  constructor(options: DefaultReconnectPolicyOptions = {}) {
    this.#options = { ...policyDefaults, ...definedOnly(options) };
    const { initialDelayMs, multiplier, maxDelayMs, maxElapsedMs, jitter } = this.#options;
    if (!(initialDelayMs >= 0 && multiplier >= 1 && maxDelayMs >= 0 && maxElapsedMs >= 0)) {
      throw new TypeError('invalid DefaultReconnectPolicy options');
    }
    if (!(jitter >= 0 && jitter < 1)) throw new TypeError('jitter must be in [0, 1)');
  }

  nextRetryDelayInMs({ retryCount, elapsedMs }: ReconnectContext): number | null {
    const { initialDelayMs, multiplier, maxDelayMs, maxElapsedMs, jitter, random } = this.#options;
    const base = Math.min(maxDelayMs, initialDelayMs * multiplier ** retryCount);
    const spread = jitter === 0 ? 0 : base * jitter * (2 * random() - 1);
    const delay = Math.max(0, Math.round(base + spread));
    return elapsedMs + delay > maxElapsedMs ? null : delay;
  }
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
