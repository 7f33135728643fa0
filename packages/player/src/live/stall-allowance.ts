/**
 * After a stall for lack of media (the network was late) the live target moves back a little,
 * so the next late part finds more buffered; hls.js does this after every stall
 * (`liveSyncOnStallIncrease`), also when the media was there and the decoders were late
 * (a busy machine), where a later target does not help, and never moves it forward again.
 * The player does it instead: only for stalls with (almost) nothing buffered, and it gives the
 * allowance back once playback has been quiet for a while. Pure.
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
/** what one stall for lack of media adds to the target, s (hls.js: 1 s) */
export const STALL_TARGET_STEP = 0.25;
/** a stall with less than this buffered ahead was for lack of media, s */
export const STARVED_BELOW = 0.1;
/** the target never moves back more than this past its base, s */
export const MAX_STALL_ALLOWANCE = 1;

/** The target after a stall, or null to leave it as it is. */
export function targetAfterStall(input: { target: number | null; base: number | null; bufferAhead: number }): number | null {
  const { target, base, bufferAhead } = input;
  if (target === null || base === null || bufferAhead >= STARVED_BELOW) return null;
  const next = Math.min(base + MAX_STALL_ALLOWANCE, target + STALL_TARGET_STEP);
  return next > target + 0.001 ? Math.round(next * 1000) / 1000 : null;
}

export function shouldRestoreTarget(input: StallAllowanceInput, quietMs = STALL_QUIET_MS): boolean {
  const { target, base, sinceStallMs } = input;
  if (target === null || base === null) return false;
  return sinceStallMs >= quietMs && target > base + 0.01;
}
