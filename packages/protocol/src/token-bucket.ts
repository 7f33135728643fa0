/**
 * The one token bucket behind every budget (signaling per socket, REST per credential and per
 * address, playback sessions per address and per access token). Pure: the caller keeps the
 * state and passes the clock.
 *
 * A rule allows `ratePerSecond` on average and up to `burst` at once. A bucket starts full;
 * taking `cost` succeeds while at least `cost` is left; otherwise nothing is taken and
 * `retryAfterMs` says when `cost` will be there again (Infinity when the rule never refills
 * or the cost is larger than the burst).
 */
export interface TokenBucketRule {
  /** tokens added per second (0: the burst is all there is) */
  readonly ratePerSecond: number;
  /** the most tokens the bucket holds */
  readonly burst: number;
}

export interface TokenBucket {
  /** tokens left at `at` */
  readonly tokens: number;
  /** ms since the epoch (or any monotonic origin the caller uses consistently) */
  readonly at: number;
}

export type TakeResult =
  | { readonly ok: true; readonly bucket: TokenBucket }
  | { readonly ok: false; readonly bucket: TokenBucket; readonly retryAfterMs: number };

/** The bucket as it stands at `now` (refilled, capped at the burst). */
export function refill(bucket: TokenBucket | undefined, rule: TokenBucketRule, now: number): TokenBucket {
  if (bucket === undefined) return { tokens: rule.burst, at: now };
  const elapsed = Math.max(0, now - bucket.at);
  return { tokens: Math.min(rule.burst, bucket.tokens + (elapsed * rule.ratePerSecond) / 1000), at: Math.max(now, bucket.at) };
}

/** Takes `cost` tokens (default 1) if they are there. */
export function takeTokens(bucket: TokenBucket | undefined, rule: TokenBucketRule, now: number, cost = 1): TakeResult {
  const current = refill(bucket, rule, now);
  if (current.tokens >= cost) return { ok: true, bucket: { tokens: current.tokens - cost, at: current.at } };
  const missing = cost - current.tokens;
  const retryAfterMs = rule.ratePerSecond > 0 && cost <= rule.burst ? Math.ceil((missing * 1000) / rule.ratePerSecond) : Infinity;
  return { ok: false, bucket: current, retryAfterMs };
}

/** Whole seconds for a `Retry-After` header: at least 1, and `fallbackSeconds` when the wait is unbounded. */
export function retryAfterSeconds(retryAfterMs: number, fallbackSeconds = 60): number {
  if (!Number.isFinite(retryAfterMs)) return Math.max(1, Math.ceil(fallbackSeconds));
  return Math.max(1, Math.ceil(retryAfterMs / 1000));
}

/** A rule allowing `ratePerSecond` with `seconds` worth of it at once (the house rule: 10 s). */
export function ruleOf(ratePerSecond: number, seconds = 10): TokenBucketRule {
  return { ratePerSecond, burst: Math.max(1, ratePerSecond * seconds) };
}
