import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { FrameClock } from './frame-clock.js';

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('FrameClock', () => {
  test.each([30, 25, 60])('%i fps: that many draws a second, steadily, and fps reports it', (rate) => {
    const draws: number[] = [];
    const clock = new FrameClock(rate, (now) => draws.push(now), () => undefined);
    clock.start();
    vi.advanceTimersByTime(3_000);
    // one at start, then one per period (the deadlines are absolute: no drift)
    expect(draws.length).toBeGreaterThanOrEqual(3 * rate);
    expect(draws.length).toBeLessThanOrEqual(3 * rate + 1);
    expect(clock.fps).toBe(rate);
    const gaps = draws.slice(1).map((t, i) => t - draws[i]!);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(Math.ceil(1000 / rate));
    clock.stop();
    const count = draws.length;
    vi.advanceTimersByTime(1_000);
    expect(draws).toHaveLength(count);
  });

  test('a frame that throws is reported and the clock keeps going', () => {
    const errors: unknown[] = [];
    let n = 0;
    const clock = new FrameClock(
      30,
      () => {
        if (++n === 3) throw new Error('bad frame');
      },
      (e) => errors.push(e),
    );
    clock.start();
    vi.advanceTimersByTime(1_000);
    expect(errors).toHaveLength(1);
    expect(n).toBeGreaterThan(25);
    clock.stop();
  });

  test('a slow frame does not cause a burst of catch-up frames', () => {
    const draws: number[] = [];
    let slow = true;
    const clock = new FrameClock(
      30,
      (now) => {
        draws.push(now);
        if (slow) {
          slow = false;
          vi.advanceTimersByTime(200); // the main thread was busy for 200 ms
        }
      },
      () => undefined,
    );
    clock.start();
    vi.advanceTimersByTime(100);
    const gaps = draws.slice(1).map((t, i) => t - draws[i]!);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(30);
    clock.stop();
  });
});
