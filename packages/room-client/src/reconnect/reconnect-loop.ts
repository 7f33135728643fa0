import { RoomError } from '../errors.js';
import type { ReconnectPolicy } from './reconnect-policy.js';

export type AttemptResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: RoomError; readonly retryable: boolean };

export type ReconnectOutcome<T> =
  | { readonly kind: 'connected'; readonly value: T }
  | { readonly kind: 'failed'; readonly error: RoomError }
  | { readonly kind: 'cancelled' };

export interface ReconnectLoopOptions<T> {
  readonly policy: ReconnectPolicy;
  /** one attempt; never rejects */
  readonly attempt: () => Promise<AttemptResult<T>>;
  /** checked before and after every wait and attempt */
  readonly isCancelled: () => boolean;
  readonly sleep: (ms: number) => Promise<void>;
  readonly now: () => number;
}

/**
 * Retries `attempt` with the delays the policy gives until one succeeds, one is refused
 * (not retryable: the server said no, e.g. an expired token), the policy gives up
 * (RoomError 53001) or the caller cancels.
 */
export async function runReconnectLoop<T>(options: ReconnectLoopOptions<T>): Promise<ReconnectOutcome<T>> {
  const { policy, attempt, isCancelled, sleep, now } = options;
  const startedAt = now();
  for (let retryCount = 0; ; retryCount++) {
    let delay: number | null;
    try {
      delay = policy.nextRetryDelayInMs({ retryCount, elapsedMs: now() - startedAt });
    } catch {
      delay = null;
    }
    if (delay === null || !Number.isFinite(delay)) {
      return {
        kind: 'failed',
        error: RoomError.signalingDisconnected(
          `could not reconnect after ${retryCount} attempt(s) in ${Math.round((now() - startedAt) / 1000)} s`,
        ),
      };
    }
    if (isCancelled()) return { kind: 'cancelled' };
    await sleep(Math.max(0, delay));
    if (isCancelled()) return { kind: 'cancelled' };
    const result = await attempt();
    if (isCancelled()) return result.ok ? { kind: 'connected', value: result.value } : { kind: 'cancelled' };
    if (result.ok) return { kind: 'connected', value: result.value };
    if (!result.retryable) return { kind: 'failed', error: result.error };
  }
}
