/**
 * Whether a live stream the player follows is still there. A live playlist that has played
 * can go away in ways no single request reports as fatal:
 * - the server is unreachable (killed, or restarted on another address): reloads fail
 *   without an answer, and hls.js waits for `navigator.onLine` before retrying them;
 * - the server answers, but the playlist no longer grows (its packager died with the old
 *   server, and nothing will end it): each blocking reload times out with 503, or returns
 *   the same playlist;
 * and the player would wait for ever in `buffering`. This decides from how long it has
 * waited for data and what the engine saw of its playlist reloads meanwhile; refusals (401/403/404/410) are decided at once elsewhere,
 * with the server's code. Pure.
 */
export interface LivenessInput {
  /** the last playlist loaded is live (no EXT-X-ENDLIST yet) */
  live: boolean;
  /** the application or the viewer paused */
  paused: boolean;
  /** ms the media element has been waiting for data (`buffering`); null while it plays */
  waitingForMs: number | null;
  /** ms since the server last answered a playlist request, with the playlist or an HTTP error (or loading began) */
  sinceAnsweredMs: number;
  /** ms since the playlist last grew: a new segment or part (or loading began) */
  sinceAdvancedMs: number;
  /**
   * the last playlist request failed without an answer (refused connection, reset); false
   * while one is merely pending or timed out (a browser queues requests beyond its 6 per host)
   */
  lastRequestFailed: boolean;
}

export type LivenessVerdict =
  | { kind: 'alive' }
  /** the stream stopped: the server answers, its playlist does not move */
  | { kind: 'stopped' }
  /** the server has not answered a playlist request for too long, and the last one failed (refused, reset) */
  | { kind: 'unreachable' };

export interface LivenessOptions {
  /** waiting this long with no answer to a playlist request meanwhile: the server is gone, ms */
  unreachableAfterMs: number;
  /** waiting this long while the live playlist did not grow: the stream stopped, ms (a composer restart's gap is ~1–2 s) */
  stoppedAfterMs: number;
}

/**
 * The clocks run only while the player waits for data, so buffered media is played out
 * first and a viewer whose network drops for a few seconds comes back. Measured from the
 * buffer running dry (~1 s after the stream goes, at low latency), both keep the issue's
 * bound: `ended` or `error` within 10 s.
 */
export const livenessDefaults: LivenessOptions = { unreachableAfterMs: 6_500, stoppedAfterMs: 7_000 };

export function judgeLiveness(input: LivenessInput, options: LivenessOptions = livenessDefaults): LivenessVerdict {
  if (!input.live || input.paused || input.waitingForMs === null) return { kind: 'alive' };
  if (input.lastRequestFailed && Math.min(input.waitingForMs, input.sinceAnsweredMs) >= options.unreachableAfterMs) {
    return { kind: 'unreachable' };
  }
  // stopped only on the server's word: it answered since the playlist last grew (the same
  // playlist, or a blocking reload that timed out), not while answers are merely late
  const answeredSinceGrowth = input.sinceAnsweredMs < input.sinceAdvancedMs;
  if (answeredSinceGrowth && Math.min(input.waitingForMs, input.sinceAdvancedMs) >= options.stoppedAfterMs) return { kind: 'stopped' };
  return { kind: 'alive' };
}
