import { ErrorCode } from '@onair/protocol';

/** Exponential backoff without jitter (one composer per room: no herd to spread). */
export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  multiplier: number;
}

/** The pause before attempt number `failures + 1` after `failures` failures in a row (0 → initialMs). */
export function backoffDelay(failures: number, options: BackoffOptions): number {
  const n = Math.max(0, Math.floor(failures));
  return Math.min(options.maxMs, options.initialMs * options.multiplier ** n);
}

/**
 * Whether a room error is worth retrying. Token errors (2010x), removal via the API (53216)
 * and being replaced by a newer connection with the same identity (53205) are not: retrying
 * would fail again, or fight the composer that replaced us. Everything else (network,
 * timeouts, a full or not yet existing room) is.
 */
export function isRetryableRoomError(code: number): boolean {
  if (code >= ErrorCode.AccessTokenInvalid && code <= ErrorCode.AccessTokenSignatureInvalid) return false;
  return code !== ErrorCode.ParticipantRemoved && code !== ErrorCode.ParticipantDuplicateIdentity;
}
