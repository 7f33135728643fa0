import { describe, expect, it } from 'vitest';
import { KeyedBuckets } from './keyed-buckets.js';
import { refill, retryAfterSeconds, ruleOf, takeTokens, type TokenBucket } from './token-bucket.js';

const rule = { ratePerSecond: 2, burst: 4 };

describe('takeTokens', () => {
  it.each([
    // [bucket, now, cost, ok, tokens left, retryAfterMs]
    [undefined, 0, 1, true, 3, undefined],
    [undefined, 0, 4, true, 0, undefined],
    [undefined, 0, 5, false, 4, Infinity], // more than the burst: never
    [{ tokens: 0, at: 0 }, 0, 1, false, 0, 500],
    [{ tokens: 0, at: 0 }, 250, 1, false, 0.5, 250],
    [{ tokens: 0, at: 0 }, 500, 1, true, 0, undefined],
    [{ tokens: 0.5, at: 0 }, 0, 2, false, 0.5, 750],
    [{ tokens: 1, at: 0 }, 60_000, 1, true, 3, undefined], // capped at the burst
    [{ tokens: 1, at: 1_000 }, 500, 1, true, 0, undefined], // a clock going back refills nothing
  ] as [TokenBucket | undefined, number, number, boolean, number, number | undefined][])(
    'bucket %j at %d, cost %d → ok %s, %d left, retry after %s ms',
    (bucket, now, cost, ok, left, retry) => {
      const r = takeTokens(bucket, rule, now, cost);
      expect(r.ok).toBe(ok);
      expect(r.bucket.tokens).toBeCloseTo(left, 6);
      expect(r.ok ? undefined : r.retryAfterMs).toBe(retry);
    },
  );

  it('never refills with rate 0 (a quota)', () => {
    const quota = { ratePerSecond: 0, burst: 2 };
    let b = takeTokens(undefined, quota, 0).bucket;
    b = takeTokens(b, quota, 0).bucket;
    const r = takeTokens(b, quota, 1e12);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.retryAfterMs).toBe(Infinity);
  });

  it('refill starts full and caps', () => {
    expect(refill(undefined, rule, 7)).toEqual({ tokens: 4, at: 7 });
    expect(refill({ tokens: 3, at: 0 }, rule, 10_000)).toEqual({ tokens: 4, at: 10_000 });
  });
});

describe('retryAfterSeconds / ruleOf', () => {
  it.each([
    [0, 1],
    [1, 1],
    [1000, 1],
    [1001, 2],
    [59_500, 60],
    [Infinity, 60],
  ])('%d ms → %d s', (ms, s) => expect(retryAfterSeconds(ms)).toBe(s));
  it('uses the fallback for an unbounded wait', () => expect(retryAfterSeconds(Infinity, 3600.2)).toBe(3601));
  it('gives ten seconds of burst by default', () => expect(ruleOf(100)).toEqual({ ratePerSecond: 100, burst: 1000 }));
});

describe('KeyedBuckets', () => {
  it('keeps one bucket per key', () => {
    const k = new KeyedBuckets({ ratePerSecond: 0, burst: 1 });
    expect(k.take('a', 0).ok).toBe(true);
    expect(k.take('a', 0).ok).toBe(false);
    expect(k.take('b', 0).ok).toBe(true);
    expect(k.has('a', 0)).toBe(false);
    expect(k.has('c', 0)).toBe(true);
  });

  it('forgets a key at its expiry', () => {
    const k = new KeyedBuckets({ ratePerSecond: 0, burst: 1 });
    expect(k.take('t', 0, 1, 1_000).ok).toBe(true);
    expect(k.take('t', 999).ok).toBe(false);
    expect(k.take('t', 1_000).ok).toBe(true);
  });

  it('holds at most maxKeys, dropping the least recently used', () => {
    const k = new KeyedBuckets({ ratePerSecond: 0, burst: 1 }, 2);
    k.take('a', 0);
    k.take('b', 0);
    k.take('a', 0); // a is now the most recent
    k.take('c', 0);
    expect(k.size).toBe(2);
    expect(k.has('a', 0)).toBe(false); // kept, empty
    expect(k.has('b', 0)).toBe(true); // dropped: a fresh bucket
  });

  it('sweep drops full and expired buckets', () => {
    const k = new KeyedBuckets({ ratePerSecond: 1, burst: 1 });
    k.take('a', 0);
    k.take('b', 0, 1, 600);
    k.sweep(500);
    expect(k.size).toBe(2);
    k.sweep(1_000);
    expect(k.size).toBe(0);
  });
});
