import { describe, expect, test } from 'vitest';
import { DefaultReconnectPolicy } from './reconnect-policy.js';

/** Delays the policy yields when each attempt fails instantly. */
function schedule(policy: DefaultReconnectPolicy, attemptMs = 0): number[] {
  const delays: number[] = [];
  let elapsedMs = 0;
  for (let retryCount = 0; retryCount < 100; retryCount++) {
    const delay = policy.nextRetryDelayInMs({ retryCount, elapsedMs });
    if (delay === null) return delays;
    delays.push(delay);
    elapsedMs += delay + attemptMs;
  }
  throw new Error('never gave up');
}

describe('DefaultReconnectPolicy', () => {
  test('backs off 0.5, 1, 2, 4, 8 s and gives up before 30 s', () => {
    expect(schedule(new DefaultReconnectPolicy({ jitter: 0 }))).toEqual([500, 1000, 2000, 4000, 8000, 8000]);
  });

  test('time spent in attempts counts against the budget', () => {
    expect(schedule(new DefaultReconnectPolicy({ jitter: 0 }), 5000)).toEqual([500, 1000, 2000, 4000]);
  });

  test.each([
    [0, 400],
    [0.5, 500],
    [0.9999, 600],
  ])('jitter 0.2 with random()=%d → first delay %d', (random, expected) => {
    const policy = new DefaultReconnectPolicy({ random: () => random });
    expect(policy.nextRetryDelayInMs({ retryCount: 0, elapsedMs: 0 })).toBe(expected);
  });

  test('custom bounds', () => {
    const policy = new DefaultReconnectPolicy({ initialDelayMs: 100, multiplier: 3, maxDelayMs: 1000, maxElapsedMs: 3000, jitter: 0 });
    expect(schedule(policy)).toEqual([100, 300, 900, 1000]);
  });

  test('undefined options keep defaults', () => {
    const policy = new DefaultReconnectPolicy({ initialDelayMs: undefined, jitter: 0 });
    expect(policy.nextRetryDelayInMs({ retryCount: 0, elapsedMs: 0 })).toBe(500);
  });

  test.each([{ multiplier: 0.5 }, { jitter: 1 }, { initialDelayMs: -1 }, { maxElapsedMs: Number.NaN }])(
    'rejects %j',
    (options) => {
      expect(() => new DefaultReconnectPolicy(options)).toThrow(TypeError);
    },
  );
});
