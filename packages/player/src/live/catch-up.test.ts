import { describe, expect, test } from 'vitest';
import { decideCatchUp, type CatchUpInput } from './catch-up.js';

const opts = { seekThreshold: 3, adjustRate: true, maxRate: 1.25, rateThreshold: 0.05, minBuffer: 0.3 };
const input = (extra: Partial<CatchUpInput>): CatchUpInput => ({ live: true, latency: 0.7, targetLatency: 0.7, bufferAhead: 0.6, ...extra });

describe('decideCatchUp', () => {
  test.each([
    ['at the target', {}, { kind: 'rate', rate: 1 }],
    ['within the rate threshold', { latency: 0.74 }, { kind: 'rate', rate: 1 }],
    ['far behind after a stall', { latency: 9 }, { kind: 'seek' }],
    ['just past the seek threshold', { latency: 3.71 }, { kind: 'seek' }],
    ['just past the rate threshold: the smallest step', { latency: 0.76 }, { kind: 'rate', rate: 1.05 }],
    ['0.4 s behind with a low latency buffer to spend', { latency: 1.1, bufferAhead: 0.9 }, { kind: 'rate', rate: 1.2 }],
    ['behind by almost the seek threshold', { latency: 3.6, bufferAhead: 3 }, { kind: 'rate', rate: 1.25 }],
    ['behind, but the buffer is at its floor', { latency: 1.3, bufferAhead: 0.3 }, { kind: 'rate', rate: 1 }],
    ['ahead of the target', { latency: 0.4, bufferAhead: 0.2 }, { kind: 'rate', rate: 1 }],
    ['ended (no longer live): the rest at its own speed', { live: false, latency: 30 }, { kind: 'rate', rate: 1 }],
    ['latency unknown', { latency: null }, { kind: 'rate', rate: 1 }],
    ['target unknown', { targetLatency: null, latency: 30 }, { kind: 'rate', rate: 1 }],
  ])('%s', (_name, extra, action) => {
    expect(decideCatchUp(input(extra as Partial<CatchUpInput>), opts)).toStrictEqual(action);
  });

  test('rates are whole steps of 0.05 between the smallest step and maxRate (1.25 here)', () => {
    for (let latency = 0.76; latency < 3.7; latency += 0.037) {
      const action = decideCatchUp(input({ latency, bufferAhead: 5 }), opts);
      expect(action.kind).toBe('rate');
      const rate = (action as { rate: number }).rate;
      expect(rate).toBeGreaterThanOrEqual(1.05);
      expect(rate).toBeLessThanOrEqual(1.25);
      expect(Math.abs(rate * 20 - Math.round(rate * 20))).toBeLessThan(1e-9);
    }
  });

  test('where the application left the rate to hls.js it never touches the rate', () => {
    for (const extra of [{ live: false, latency: 30 }, { latency: null }, { targetLatency: null }]) {
      expect(decideCatchUp(input(extra), { ...opts, adjustRate: false })).toStrictEqual({ kind: 'none' });
    }
  });

  test('where the application left the rate to hls.js it only seeks', () => {
    expect(decideCatchUp(input({ latency: 1.3 }), { ...opts, adjustRate: false })).toStrictEqual({ kind: 'none' });
    expect(decideCatchUp(input({ latency: 9 }), { ...opts, adjustRate: false })).toStrictEqual({ kind: 'seek' });
  });
});
