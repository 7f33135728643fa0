/**
 * When a live player has fallen behind (after a stall, a paused tab, a slow network), it
 * jumps back to the live edge. hls.js already speeds playback up a little while it is
 * slightly late (`maxLiveSyncPlaybackRate`); this decides the jump, and the speed-up where
 * the browser plays HLS natively.
 */
export interface CatchUpInput {
  /** whether the stream is live (no EXT-X-ENDLIST yet) */
  live: boolean;
  /** seconds behind the live edge, null when unknown */
  latency: number | null;
  /** the latency the player aims for, seconds */
  targetLatency: number | null;
  /** seconds of media buffered ahead of the play head */
  bufferAhead: number;
}

export interface CatchUpOptions {
  /** seconds behind the target latency past which the player seeks to the live edge */
  seekThreshold: number;
  /** adjust the playback rate too (native HLS; hls.js does it itself) */
  adjustRate: boolean;
  /** fastest rate used to close a small gap */
  maxRate: number;
  /** seconds behind the target before speeding up */
  rateThreshold: number;
}

export type CatchUpAction = { kind: 'none' } | { kind: 'seek' } | { kind: 'rate'; rate: number };

export function decideCatchUp(input: CatchUpInput, opts: CatchUpOptions): CatchUpAction {
  const { live, latency, targetLatency, bufferAhead } = input;
  if (!live || latency === null || targetLatency === null || !Number.isFinite(latency)) return { kind: 'none' };
  const behind = latency - targetLatency;
  if (behind > opts.seekThreshold) return { kind: 'seek' };
  if (!opts.adjustRate) return { kind: 'none' };
  // only speed up with a buffer to spend (else the speed-up itself stalls)
  if (behind > opts.rateThreshold && bufferAhead > 1) {
    return { kind: 'rate', rate: Math.min(opts.maxRate, 1 + behind / 4) };
  }
  return { kind: 'rate', rate: 1 };
}
