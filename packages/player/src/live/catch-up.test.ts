import { describe, expect, test } from 'vitest';
import { decideCatchUp, type CatchUpInput } from './catch-up.js';

const opts = { seekThreshold: 3, adjustRate: true, maxRate: 1.5, rateThreshold: 0.5 };
const input = (extra: Partial<CatchUpInput>): CatchUpInput => ({ live: true, latency: 2, targetLatency: 2, bufferAhead: 2, ...extra });

describe('decideCatchUp', () => {
  test.each([
    ['at the target', {}, { kind: 'rate', rate: 1 }],
    ['far behind after a stall', { latency: 9 }, { kind: 'seek' }],
    ['just past the seek threshold', { latency: 5.01 }, { kind: 'seek' }],
    ['a little behind with buffer to spend', { latency: 3 }, { kind: 'rate', rate: 1.25 }],
    ['behind by almost the threshold', { latency: 4.9 }, { kind: 'rate', rate: 1.5 }],
    ['a little behind without buffer', { latency: 3, bufferAhead: 0.5 }, { kind: 'rate', rate: 1 }],
    ['ended (no longer live)', { live: false, latency: 30 }, { kind: 'none' }],
    ['latency unknown', { latency: null }, { kind: 'none' }],
    ['target unknown', { targetLatency: null, latency: 30 }, { kind: 'none' }],
  ])('%s', (_name, extra, action) => {
    expect(decideCatchUp(input(extra as Partial<CatchUpInput>), opts)).toStrictEqual(action);
  });

  test('with hls.js (which sets the rate itself) it only seeks', () => {
    expect(decideCatchUp(input({ latency: 3 }), { ...opts, adjustRate: false })).toStrictEqual({ kind: 'none' });
    expect(decideCatchUp(input({ latency: 9 }), { ...opts, adjustRate: false })).toStrictEqual({ kind: 'seek' });
  });
});
