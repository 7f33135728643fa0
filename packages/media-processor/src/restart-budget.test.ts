import { describe, expect, test } from 'vitest';
import { RestartBudget } from './restart-budget.js';

describe('RestartBudget', () => {
  test('allows max restarts within the window, then refuses', () => {
    const b = new RestartBudget(3, 300_000);
    expect([b.take(0), b.take(1_000), b.take(2_000), b.take(3_000)]).toEqual([true, true, true, false]);
    expect(b.used(3_000)).toBe(3);
  });

  test.each([
    // [times of restarts, expected answers]
    [[0, 100_000, 200_000, 300_000], [true, true, true, true]], // the first left the window exactly at 300 s
    [[0, 100_000, 200_000, 299_999], [true, true, true, false]],
    [[0, 0, 0, 600_000, 600_001, 600_002, 600_003], [true, true, true, true, true, true, false]],
  ])('restarts at %j → %j', (times, answers) => {
    const b = new RestartBudget(3, 300_000);
    expect(times.map((t) => b.take(t))).toEqual(answers);
  });

  test('a refused restart is not counted', () => {
    const b = new RestartBudget(1, 1_000);
    expect(b.take(0)).toBe(true);
    expect(b.take(10)).toBe(false);
    expect(b.take(999)).toBe(false);
    expect(b.take(1_000)).toBe(true);
    expect(b.used(1_000)).toBe(1);
  });

  test('starts from the restarts an earlier worker spent, and hands on what it spent itself', () => {
    const b = new RestartBudget(3, 300_000, [50_000, 10_000]);
    expect(b.used(60_000)).toBe(2);
    expect(b.take(60_000)).toBe(true);
    expect(b.take(61_000)).toBe(false); // 3 of 3 spent in the window
    expect(b.spent(61_000)).toEqual([10_000, 50_000, 60_000]);
    expect(b.spent(350_000)).toEqual([60_000]); // the older two left the window
    expect(b.take(360_000)).toBe(true);
  });
});
