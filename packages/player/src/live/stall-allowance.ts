/**
 * hls.js moves its live target back after every stall (`liveSyncOnStallIncrease`) and never
 * forward again, so a few stalls early on keep a viewer seconds behind for the rest of the
 * stream. The player gives the allowance back once playback has been quiet for a while:
 * the target returns to what it was before the first stall. Pure.
 */
export interface StallAllowanceInput {
  /** hls.js's current target latency, s */
  target: number | null;
  /** the target before any stall, s */
  base: number | null;
  /** ms since the last stall; Infinity when there was none */
  sinceStallMs: number;
}

/** quiet this long after a stall, the target goes back to its base, ms */
export const STALL_QUIET_MS = 10_000;

export function shouldRestoreTarget(input: StallAllowanceInput, quietMs = STALL_QUIET_MS): boolean {
  const { target, base, sinceStallMs } = input;
  if (target === null || base === null) return false;
  return sinceStallMs >= quietMs && target > base + 0.01;
}
