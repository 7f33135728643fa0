/**
 * Token buckets by key (a client address, a credential, a hash of an access token), with a
 * bound on how many keys are kept (past `maxKeys` the least recently used goes; `sweep()`,
 * run now and then by the owner, drops full buckets, which hold nothing a fresh one would not). An entry may carry an expiry (an access
 * token's `exp`), after which it is dropped. The clock is passed in.
 */
import { refill, takeTokens, type TakeResult, type TokenBucket, type TokenBucketRule } from './token-bucket.js';

interface Entry {
  bucket: TokenBucket;
  expiresAt: number;
}

export class KeyedBuckets {
  readonly #entries = new Map<string, Entry>();

  constructor(
    readonly rule: TokenBucketRule,
    private readonly maxKeys = 100_000,
  ) {
    if (!(rule.ratePerSecond >= 0) || !(rule.burst >= 1)) throw new RangeError('a token bucket needs ratePerSecond ≥ 0 and burst ≥ 1');
  }

  /** Keys held now (for tests and metrics). */
  get size(): number {
    return this.#entries.size;
  }

  /** Takes `cost` from `key`'s bucket. `expiresAt`: forget the key after this (default: never). */
  take(key: string, now: number, cost = 1, expiresAt = Infinity): TakeResult {
    const entry = this.#entries.get(key);
    const live = entry && entry.expiresAt > now ? entry : undefined;
    const result = takeTokens(live?.bucket, this.rule, now, cost);
    this.#entries.delete(key); // re-inserted last: Map order is recency
    this.#entries.set(key, { bucket: result.bucket, expiresAt: Math.min(expiresAt, live?.expiresAt ?? Infinity) });
    // over the bound: the least recently used goes (a sweep would cost O(keys) per take)
    if (this.#entries.size > this.maxKeys) this.#entries.delete(this.#entries.keys().next().value!);
    return result;
  }

  /** True when `key` has at least `cost` left (takes nothing). */
  has(key: string, now: number, cost = 1): boolean {
    const entry = this.#entries.get(key);
    if (!entry || entry.expiresAt <= now) return cost <= this.rule.burst;
    return refill(entry.bucket, this.rule, now).tokens >= cost;
  }

  /** Drops expired and full buckets (they hold nothing a fresh one would not). */
  sweep(now: number): void {
    for (const [key, entry] of this.#entries) {
      if (entry.expiresAt <= now || refill(entry.bucket, this.rule, now).tokens >= this.rule.burst) this.#entries.delete(key);
    }
  }

  clear(): void {
    this.#entries.clear();
  }
}
