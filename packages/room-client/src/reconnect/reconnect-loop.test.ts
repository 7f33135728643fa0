import { describe, expect, test } from 'vitest';
import { RoomError } from '../errors.js';
import type { AttemptResult } from './reconnect-loop.js';
import { runReconnectLoop } from './reconnect-loop.js';
import { DefaultReconnectPolicy } from './reconnect-policy.js';

/** A fake clock: sleeping and attempts advance time instantly. */
function harness(results: Array<AttemptResult<string>>, attemptMs = 100) {
  let time = 0;
  const sleeps: number[] = [];
  let attempts = 0;
  let cancelled = false;
  return {
    sleeps,
    get attempts() {
      return attempts;
    },
    cancel: () => {
      cancelled = true;
    },
    options: {
      policy: new DefaultReconnectPolicy({ jitter: 0 }),
      now: () => time,
      sleep: async (ms: number) => {
        sleeps.push(ms);
        time += ms;
      },
      isCancelled: () => cancelled,
      attempt: async (): Promise<AttemptResult<string>> => {
        time += attemptMs;
        const result = results[attempts++];
        return result ?? { ok: false, retryable: true, error: RoomError.signalingConnection('down') };
      },
    },
  };
}

const transient: AttemptResult<string> = { ok: false, retryable: true, error: RoomError.signalingConnection('down') };

describe('runReconnectLoop', () => {
  test('succeeds on the third attempt after 0.5 + 1 + 2 s', async () => {
    const h = harness([transient, transient, { ok: true, value: 'joined' }]);
    await expect(runReconnectLoop(h.options)).resolves.toEqual({ kind: 'connected', value: 'joined' });
    expect(h.sleeps).toEqual([500, 1000, 2000]);
  });

  test('gives up with 53001 when the policy does', async () => {
    const h = harness([]);
    const outcome = await runReconnectLoop(h.options);
    expect(outcome.kind).toBe('failed');
    expect(outcome.kind === 'failed' && outcome.error.code).toBe(53001);
    expect(h.sleeps).toEqual([500, 1000, 2000, 4000, 8000, 8000]);
  });

  test('stops at a refusal and keeps its error', async () => {
    const refused = RoomError.fromServer(20104, 'token expired');
    const h = harness([transient, { ok: false, retryable: false, error: refused }]);
    await expect(runReconnectLoop(h.options)).resolves.toEqual({ kind: 'failed', error: refused });
    expect(h.attempts).toBe(2);
  });

  test('cancellation during the wait prevents the attempt', async () => {
    const h = harness([]);
    const sleep = h.options.sleep;
    const outcome = await runReconnectLoop({
      ...h.options,
      sleep: async (ms) => {
        await sleep(ms);
        h.cancel();
      },
    });
    expect(outcome).toEqual({ kind: 'cancelled' });
    expect(h.attempts).toBe(0);
  });

  test('a policy that throws counts as giving up', async () => {
    const h = harness([]);
    const outcome = await runReconnectLoop({
      ...h.options,
      policy: {
        nextRetryDelayInMs: () => {
          throw new Error('bad policy');
        },
      },
    });
    expect(outcome.kind).toBe('failed');
  });
});
