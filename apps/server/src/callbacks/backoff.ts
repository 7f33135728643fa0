/**
 * Exponential backoff with "full jitter": a uniformly random delay in
 * [0, min(maxDelayMs, baseDelayMs * 2^(attempt - 1))).
 *
 * @param attempt the attempt that just failed (1-based)
 */
export function fullJitterDelayMs(
  attempt: number,
  baseDelayMs: number,
  maxDelayMs: number,
  random: () => number = Math.random,
): number {
  const exponent = Math.max(0, attempt - 1);
  const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** exponent);
  return Math.floor(random() * ceiling);
}

/**
 * Parses a numeric (delta-seconds) `Retry-After` header into milliseconds.
 * HTTP-date values and anything else unparsable yield `undefined`.
 */
export function parseRetryAfterMs(header: string | null | undefined): number | undefined {
  if (header == null) return undefined;
  const trimmed = header.trim();
  if (!/^\d+$/.test(trimmed)) return undefined;
  const seconds = Number(trimmed);
  return Number.isSafeInteger(seconds) ? seconds * 1000 : undefined;
}
