import { describe, expect, test } from 'vitest';
import { shouldRestoreTarget, targetAfterStall, type StallAllowanceInput } from './stall-allowance.js';

const raised: StallAllowanceInput = { target: 1.45, base: 0.7, sinceStallMs: 12_000 };

describe('shouldRestoreTarget', () => {
  test.each<[string, Partial<StallAllowanceInput>, boolean]>([
    ['raised by stalls, quiet for 12 s', {}, true],
    ['raised, but the last stall was 3 s ago', { sinceStallMs: 3_000 }, false],
    ['at its base', { target: 0.7 }, false],
    ['no stall ever', { target: 0.7, sinceStallMs: Infinity }, false],
    ['base unknown', { base: null }, false],
    ['target unknown', { target: null }, false],
  ])('%s → %s', (_name, change, expected) => {
    expect(shouldRestoreTarget({ ...raised, ...change })).toBe(expected);
  });
});

describe('targetAfterStall', () => {
  test.each<[string, { target: number | null; base: number | null; bufferAhead: number }, number | null]>([
    ['nothing buffered (the network was late): 0.25 s further back', { target: 0.702, base: 0.702, bufferAhead: 0.02 }, 0.952],
    ['a second such stall', { target: 0.952, base: 0.702, bufferAhead: 0 }, 1.202],
    ['media buffered (the decoders were late): unchanged', { target: 0.702, base: 0.702, bufferAhead: 0.5 }, null],
    ['just at the starvation line', { target: 0.702, base: 0.702, bufferAhead: 0.1 }, null],
    ['capped 1 s past the base', { target: 1.6, base: 0.7, bufferAhead: 0 }, 1.7],
    ['already at the cap', { target: 1.7, base: 0.7, bufferAhead: 0 }, null],
    ['target unknown', { target: null, base: 0.7, bufferAhead: 0 }, null],
    ['base unknown', { target: 0.7, base: null, bufferAhead: 0 }, null],
  ])('%s', (_name, input, expected) => {
    expect(targetAfterStall(input)).toBe(expected);
  });
});
