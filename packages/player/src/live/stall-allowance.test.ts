import { describe, expect, test } from 'vitest';
import { shouldRestoreTarget, type StallAllowanceInput } from './stall-allowance.js';

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
