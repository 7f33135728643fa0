/**
 * A stall with the media already buffered: not the network, but the browser's audio running
 * dry ahead of `buffered` (a decoder that fell behind, or audio whose timestamps run ahead of
 * its samples, see below). Chromium then doubles the audio it wants decoded ahead before it
 * plays again (AudioRendererAlgorithm::IncreasePlaybackThreshold: 200 ms, 400 ms, … up to 3 s)
 * and keeps the larger queue until the next seek. On a live stream that is 0.5–1 s behind the
 * edge, a queue larger than the buffer means waiting for the network to deliver it: each
 * stall lasts longer than the one before and leaves the viewer seconds behind. Measured
 * (glass-to-glass bench, BENCHMARKS.md): left alone, a first short stall was followed within
 * 0.5–1.7 s by a second one that lasted until the flush; flushed at once, stalls came alone.
 * So the player seeks to where the play head already is (Chromium's FlushBuffers resets the
 * queue, and re-bases its audio clock on the stream's timestamps) as soon as a stall with
 * media buffered has lasted `afterMs`; that costs one decoder preroll. Most such stalls came
 * from holes in the stream's audio, which onair's packaging now fills (media-processor
 * ffmpeg-args.ts); this is the defence for streams from elsewhere and for slow decoders. Pure.
 */
export interface StallFlushInput {
  /** ms since the element reported `waiting` (null: it is playing) */
  waitingForMs: number | null;
  /** seconds of media buffered ahead of the play head */
  bufferAhead: number;
  /** whether the element is seeking already */
  seeking: boolean;
  /** ms since the last flush (Infinity: none yet) */
  sinceFlushMs: number;
}

export const STALL_FLUSH_DEFAULTS = {
  /** a stall shorter than this is over before a flush could help, ms */
  afterMs: 100,
  /** at least this much buffered means the network is not what is missing, s */
  minBuffer: 0.3,
  /** one flush per this long at most, so a machine that cannot decode in time is not seeking all the time, ms */
  minIntervalMs: 1_000,
} as const;

export function shouldFlushStall(input: StallFlushInput, opts: typeof STALL_FLUSH_DEFAULTS = STALL_FLUSH_DEFAULTS): boolean {
  const { waitingForMs, bufferAhead, seeking, sinceFlushMs } = input;
  if (waitingForMs === null || seeking) return false;
  return waitingForMs >= opts.afterMs && bufferAhead >= opts.minBuffer && sinceFlushMs >= opts.minIntervalMs;
}
