import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { heldMs, timeHold } from './hold.js';

describe('timeHold / heldMs', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'performance'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const waitFor = (ms: number, fail = false) =>
    new Promise<string>((resolve, reject) => setTimeout(() => (fail ? reject(new Error('refused')) : resolve('bytes')), ms));

  test('a response never held has 0', () => {
    expect(heldMs({})).toBe(0);
  });

  test('records how long the hold took and passes its value through', async () => {
    const res = {};
    const held = timeHold(res, () => waitFor(320));
    await vi.advanceTimersByTimeAsync(320);
    await expect(held).resolves.toBe('bytes');
    expect(heldMs(res)).toBe(320);
  });

  test('a hold that ends in a refusal (timeout, origin stopping) is recorded too', async () => {
    const res = {};
    const held = timeHold(res, () => waitFor(600, true));
    const settled = held.catch((e: Error) => e.message);
    await vi.advanceTimersByTimeAsync(600);
    expect(await settled).toBe('refused');
    expect(heldMs(res)).toBe(600);
  });

  test('holds of different responses are kept apart', async () => {
    const a = {};
    const b = {};
    const both = Promise.all([timeHold(a, () => waitFor(100)), timeHold(b, () => waitFor(250))]);
    await vi.advanceTimersByTimeAsync(250);
    await both;
    expect([heldMs(a), heldMs(b)]).toEqual([100, 250]);
  });
});
