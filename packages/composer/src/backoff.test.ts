import { describe, expect, test } from 'vitest';
import { backoffDelay, isRetryableRoomError } from './backoff.js';

describe('backoff', () => {
  const options = { initialMs: 1_000, maxMs: 15_000, multiplier: 2 };
  test.each([
    [0, 1_000],
    [1, 2_000],
    [3, 8_000],
    [4, 15_000],
    [50, 15_000],
    [-1, 1_000],
  ])('after %i failures: %i ms', (failures, want) => {
    expect(backoffDelay(failures, options)).toBe(want);
  });

  test.each([
    [53000, true], // signaling connection error
    [53001, true], // reconnection gave up
    [53105, true], // room full (for now)
    [53106, true], // room not found (yet)
    [53118, true], // completed: a room of the same name may come back
    [20101, false],
    [20104, false], // token expired
    [20107, false],
    [53205, false], // replaced by a newer connection with our identity
    [53216, false], // removed via the REST API
  ])('room error %i retryable: %s', (code, want) => {
    expect(isRetryableRoomError(code)).toBe(want);
  });
});
