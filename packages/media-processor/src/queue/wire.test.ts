import { describe, expect, it } from 'vitest';
import { freeSlots } from './heartbeat.js';
import { queueKeys, queueSettings } from './settings.js';
import { decodeEvent, decodeFailure, encodeEvent, encodeFailure } from './wire.js';

describe('queue wire format', () => {
  it('round-trips job events and refuses entries that are not ours', () => {
    const fields = encodeEvent('ZX1', 'restarted', ['worker', 1, 3, 'taken over']);
    expect(decodeEvent(fields)).toEqual({ sid: 'ZX1', name: 'restarted', args: ['worker', 1, 3, 'taken over'] });
    expect(decodeEvent(['s', 'ZX1', 'e', 'progress', 'a', '[]'])).toBeUndefined(); // progress never goes through the stream
    expect(decodeEvent(['s', 'ZX1', 'e', 'closed', 'a', '{'])).toBeUndefined();
    expect(decodeEvent(['s', 'ZX1', 'e', 'closed'])).toBeUndefined();
  });

  it("keeps a failed job's reason; BullMQ's own reasons become internal-service-error", () => {
    expect(decodeFailure(encodeFailure('error-loading-extension', 'no media'))).toEqual({ reason: 'error-loading-extension', message: 'no media' });
    expect(decodeFailure('{"reason":"nope","message":"x"}').reason).toBe('internal-service-error');
    expect(decodeFailure('job stalled more than allowable limit')).toEqual({
      reason: 'internal-service-error',
      message: 'job stalled more than allowable limit',
    });
  });

  it('counts free slots on live workers that do not drain', () => {
    const w = (capacity: number, running: number, draining = false) => ({ id: 'w', host: 'h', capacity, running, draining, lastSeen: 0 });
    expect(freeSlots([w(2, 1), w(1, 1), w(3, 0, true), w(1, 2)])).toBe(1);
    expect(freeSlots([])).toBe(0);
  });

  it('merges settings over one defaults object and checks them', () => {
    expect(queueSettings({ redisUrl: 'redis://x' })).toMatchObject({ lockDurationMs: 3_000, stalledIntervalMs: 1_000 });
    expect(() => queueSettings({ redisUrl: 'redis://x', lockRenewMs: 5_000 })).toThrow(RangeError);
    expect(queueKeys({ prefix: 'p', queueName: 'q' }).job('ZX1')).toBe('p:q:x:job:ZX1');
  });
});
