import { describe, expect, test } from 'vitest';
import { parseDuration } from './duration.js';

describe('parseDuration', () => {
  test.each([
    ['3600', 3_600_000],
    ['1h', 3_600_000],
    ['30m', 1_800_000],
    ['90s', 90_000],
    ['500ms', 500],
    ['1.5h', 5_400_000],
    ['2d', 172_800_000],
    [' 0 ', 0],
  ])('%j → %d ms', (value, ms) => expect(parseDuration(value)).toBe(ms));

  test.each(['', 'soon', '1 h', '-5', '1w', 'h', '1e3', '0x10', '1h30m'])('%j is not a duration', (value) => {
    expect(parseDuration(value)).toBeUndefined();
  });
});
