/** One delivery attempt of a signed status callback, and what its outcome means for the next. */
import { parseRetryAfterMs } from './backoff.js';
import type { RefusalReason } from './destination-policy.js';
import { CallbackRefusedError } from './guarded-fetch.js';
import { describeError, type SignedRequest } from './signed-request.js';

export type AttemptOutcome =
  | { kind: 'delivered'; status: number }
  | { kind: 'rejected'; status: number }
  | { kind: 'refused'; reason: RefusalReason; address: string }
  | { kind: 'retryable'; status?: number; error?: string; retryAfterMs?: number }
  | { kind: 'aborted' };

/**
 * Sends `request` once. `cancel` aborts it (close() deadline, or the callback dropped from a
 * full queue); `timeoutMs` bounds the wait for the response headers. Never throws.
 */
export async function attemptDelivery(
  fetchImpl: typeof fetch,
  request: SignedRequest,
  timeoutMs: number,
  cancel: AbortSignal,
): Promise<AttemptOutcome> {
  if (cancel.aborted) return { kind: 'aborted' };
  const controller = new AbortController();
  let timedOut = false;
  const aborted = new Promise<never>((_, reject) => {
    controller.signal.addEventListener('abort', () => reject(controller.signal.reason), { once: true });
  });
  aborted.catch(() => {});
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new Error('timeout'));
  }, timeoutMs);
  const onCancel = (): void => controller.abort(new Error('cancelled'));
  cancel.addEventListener('abort', onCancel, { once: true });

  try {
    const pending = fetchImpl(request.requestUrl, { ...request.init, redirect: 'manual', signal: controller.signal });
    // If fetch ignores the signal, the race still ends the attempt; swallow its late rejection.
    pending.catch(() => {});
    const res = await Promise.race([pending, aborted]);
    // We never read the body: release the connection.
    res.body?.cancel().catch(() => {});

    const status = res.status;
    if ((status >= 200 && status < 400) || res.type === 'opaqueredirect') return { kind: 'delivered', status };
    if (status === 429 || status >= 500) {
      return { kind: 'retryable', status, retryAfterMs: parseRetryAfterMs(res.headers.get('retry-after')) };
    }
    return { kind: 'rejected', status };
  } catch (err) {
    if (err instanceof CallbackRefusedError) return { kind: 'refused', reason: err.reason, address: err.address };
    if (timedOut) return { kind: 'retryable', error: 'timeout' };
    if (cancel.aborted) return { kind: 'aborted' };
    return { kind: 'retryable', error: describeError(err, request) };
  } finally {
    clearTimeout(timer);
    cancel.removeEventListener('abort', onCancel);
  }
}
