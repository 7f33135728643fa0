import { describe, expect, test } from 'vitest';
import { parseByteSize } from './byte-size.js';

describe('parseByteSize', () => {
  test.each<[string, number | undefined]>([
    ['0', 0],
    ['1073741824', 1_073_741_824],
    ['500MB', 500_000_000],
    ['2GB', 2_000_000_000],
    ['2gb', 2_000_000_000],
    ['1.5 GB', 1_500_000_000],
    ['1GiB', 1_073_741_824],
    ['512 KiB', 524_288],
    ['10kB', 10_000],
    ['3TB', 3_000_000_000_000],
    ['64B', 64],
    ['', undefined],
    ['-1GB', undefined],
    ['GB', undefined],
    ['2 GBs', undefined],
    ['1e9', undefined],
    ['99999999999TB', undefined],
  ])('%j → %s', (value, bytes) => {
    expect(parseByteSize(value)).toBe(bytes);
  });
});
