/**
 * Holding a live player at its target latency. When it has fallen far behind (a long stall,
 * a paused tab, a slow network) it jumps back to the live edge; when it is a little late it
 * plays slightly faster until it is back on target. hls.js only speeds up with more than 1 s
 * buffered ahead, which a low latency buffer (~0.5–0.7 s) never has, so the player sets the
 * rate itself, for hls.js and for the browser's own HLS alike. Pure.
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
  /** adjust the playback rate too (false where the application left that to hls.js) */
  adjustRate: boolean;
  /** fastest rate used to close a small gap */
  maxRate: number;
  /** seconds behind the target before speeding up */
  rateThreshold: number;
  /** seconds of buffer ahead that a speed-up never spends (below it, playing faster would stall) */
  minBuffer: number;
}

export type CatchUpAction = { kind: 'none' } | { kind: 'seek' } | { kind: 'rate'; rate: number };

/** extra speed per second behind the target: 0.4 s behind plays at 1.2× */
const RATE_GAIN = 0.5;
/** rates move in these steps, so small latency jitter does not reset the rate every check */
const RATE_STEP = 0.05;

/**
 * Where the rate is the player's, anything but catching up plays at 1: also once the stream
 * has ended (the rest is played at its own speed) and while the latency is unknown.
 */
export function decideCatchUp(input: CatchUpInput, opts: CatchUpOptions): CatchUpAction {
  const { live, latency, targetLatency, bufferAhead } = input;
  const known = live && latency !== null && targetLatency !== null && Number.isFinite(latency);
  const behind = known ? latency - targetLatency : 0;
  if (behind > opts.seekThreshold) return { kind: 'seek' };
  if (!opts.adjustRate) return { kind: 'none' };
  if (behind > opts.rateThreshold && bufferAhead > opts.minBuffer) {
    const rate = Math.round((1 + behind * RATE_GAIN) / RATE_STEP) * RATE_STEP;
    return { kind: 'rate', rate: Math.min(opts.maxRate, Math.max(1 + RATE_STEP, Number(rate.toFixed(2)))) };
  }
  return { kind: 'rate', rate: 1 };
}
