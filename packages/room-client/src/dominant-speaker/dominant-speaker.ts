/**
 * Dominant-speaker decision, as a pure function of the previous state and one sample of
 * audio levels. The loudest participant above `threshold` becomes dominant once it has
 * been the loudest in every sample for at least `holdMs`. Silence keeps the current
 * speaker; a speaker who is no longer sampled (left the room) stops being dominant.
 */

export interface DominantSpeakerConfig {
  /** levels (0..1, linear, as WebRTC `audioLevel`) at or below this are silence */
  readonly threshold: number;
  /** how long a new speaker must stay the loudest before taking over (ms) */
  readonly holdMs: number;
}

export interface DominantSpeakerState {
  /** SID of the dominant speaker */
  readonly current: string | null;
  /** SID of the loudest participant waiting out `holdMs` */
  readonly candidate: string | null;
  /** when `candidate` became the loudest (ms, same clock as `now`) */
  readonly candidateSince: number;
}

export const initialDominantSpeakerState: DominantSpeakerState = {
  current: null,
  candidate: null,
  candidateSince: 0,
};

/** The SID with the highest level above `threshold`; the current speaker wins ties. */
export function loudest(
  levels: ReadonlyMap<string, number>,
  threshold: number,
  current: string | null,
): string | null {
  let best: string | null = null;
  let bestLevel = threshold;
  for (const [sid, level] of levels) {
    if (!(level > threshold)) continue;
    if (level > bestLevel || (level === bestLevel && sid === current)) {
      best = sid;
      bestLevel = level;
    }
  }
  return best;
}

export function decideDominantSpeaker(
  state: DominantSpeakerState,
  levels: ReadonlyMap<string, number>,
  now: number,
  config: DominantSpeakerConfig,
): DominantSpeakerState {
  const current = state.current !== null && levels.has(state.current) ? state.current : null;
  const top = loudest(levels, config.threshold, current);
  if (top === null || top === current) return { current, candidate: null, candidateSince: 0 };
  if (state.candidate !== top) return { current, candidate: top, candidateSince: now };
  if (now - state.candidateSince >= config.holdMs) {
    return { current: top, candidate: null, candidateSince: 0 };
  }
  return { current, candidate: top, candidateSince: state.candidateSince };
}
