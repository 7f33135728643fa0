import { SignalingCloseCode } from '@onair/protocol';
import { RoomError } from '../errors.js';

/**
 * What a closed signaling socket means for the room:
 * - `ended`: a normal close (1000), the room is left without an error;
 * - `refused`: the server refused or removed this participant (4000) or closed the socket for
 *   spending its budget (1008, too many messages or bytes): retrying cannot help, the room
 *   disconnects with `error` (the server's last fatal `error` frame when there was one);
 * - `lost`: anything else (a dropped connection, a missed heartbeat): worth reconnecting.
 */
export type CloseOutcome =
  | { readonly kind: 'ended' }
  | { readonly kind: 'refused'; readonly error: RoomError }
  | { readonly kind: 'lost' };

export function closeOutcome(code: number, reason: string, fatal: RoomError | undefined): CloseOutcome {
  if (fatal) return { kind: 'refused', error: fatal };
  switch (code) {
    case SignalingCloseCode.Normal:
      return { kind: 'ended' };
    case SignalingCloseCode.Refused:
      return { kind: 'refused', error: RoomError.refusedWithoutReason(code, reason) };
    case SignalingCloseCode.PolicyViolation:
      return { kind: 'refused', error: RoomError.budgetSpent() };
    default:
      return { kind: 'lost' };
  }
}
