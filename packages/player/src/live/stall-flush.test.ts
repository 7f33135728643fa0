import { describe, expect, test } from 'vitest';
import { shouldFlushStall, type StallFlushInput } from './stall-flush.js';

const input = (extra: Partial<StallFlushInput>): StallFlushInput => ({
  waitingForMs: 400,
  bufferAhead: 0.8,
  seeking: false,
  sinceFlushMs: Infinity,
  ...extra,
});

describe('shouldFlushStall', () => {
  test.each([
    ['stalled a while with media buffered: the decoders fell behind', {}, true],
    ['playing', { waitingForMs: null }, false],
    ['a stall that has only just begun', { waitingForMs: 50 }, false],
    ['just at the wait', { waitingForMs: 100 }, true],
    ['stalled for lack of media (the network)', { bufferAhead: 0.1 }, false],
    ['just at the buffer floor', { bufferAhead: 0.3 }, true],
    ['already seeking', { seeking: true }, false],
    ['flushed a moment ago', { sinceFlushMs: 600 }, false],
    ['flushed long enough ago', { sinceFlushMs: 1_000 }, true],
  ])('%s', (_name, extra, expected) => {
    expect(shouldFlushStall(input(extra as Partial<StallFlushInput>))).toBe(expected);
  });
});
