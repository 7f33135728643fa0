import { describe, expect, it } from 'vitest';
import { fullJitterDelayMs, parseRetryAfterMs } from './backoff.js';
import { callbackTimestamp } from './timestamp.js';

describe('callbackTimestamp', () => {
  it('formats ISO 8601 UTC without milliseconds', () => {
    expect(callbackTimestamp(new Date('2026-11-22T10:00:00.123Z'))).toBe('2026-11-22T10:00:00Z');
    expect(callbackTimestamp(new Date(Date.UTC(2026, 0, 2, 3, 4, 5)))).toBe('2026-01-02T03:04:05Z');
  });
  it('defaults to now', () => {
    expect(callbackTimestamp()).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
  });
});

describe('fullJitterDelayMs', () => {
  it('grows exponentially and is capped', () => {
    expect(fullJitterDelayMs(1, 1000, 30_000, () => 0.999999)).toBe(999);
    expect(fullJitterDelayMs(2, 1000, 30_000, () => 0.5)).toBe(1000);
    expect(fullJitterDelayMs(3, 1000, 30_000, () => 0.5)).toBe(2000);
    expect(fullJitterDelayMs(10, 1000, 30_000, () => 0.5)).toBe(15_000);
    expect(fullJitterDelayMs(1000, 1000, 30_000, () => 0.999999)).toBeLessThan(30_000);
  });
  it('is full jitter: can be zero', () => {
    expect(fullJitterDelayMs(4, 1000, 30_000, () => 0)).toBe(0);
  });
});

describe('parseRetryAfterMs', () => {
  it('parses delta-seconds only', () => {
    expect(parseRetryAfterMs('0')).toBe(0);
    expect(parseRetryAfterMs(' 120 ')).toBe(120_000);
    expect(parseRetryAfterMs('Wed, 21 Oct 2015 07:28:00 GMT')).toBeUndefined();
    expect(parseRetryAfterMs('-1')).toBeUndefined();
    expect(parseRetryAfterMs('1.5')).toBeUndefined();
    expect(parseRetryAfterMs('')).toBeUndefined();
    expect(parseRetryAfterMs(null)).toBeUndefined();
  });
});
