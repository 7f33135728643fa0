/**
 * EXT-X-PROGRAM-DATE-TIME: maps each input's media time to wall-clock time.
 *
 * Each input (ffmpeg run) is anchored once, when its first usable fragment arrives: the
 * fragment is complete then, so its first sample was captured about one fragment duration
 * earlier (`wallMs` = arrival − fragment duration). Inside an input, dates follow media
 * time exactly (no arrival jitter). A new input never starts before the previous one ended,
 * so dates never go backwards across discontinuities.
 */
export class ProgramClock {
  #anchor: { wallMs: number; mediaSec: number } | undefined;
  #endMs = Number.NEGATIVE_INFINITY;

  /** Where the last dated media ended, ms since the epoch (-Infinity before any). */
  get endMs(): number {
    return this.#endMs;
  }

  /** Continues after a stream that ended at `endMs` (resume): no date before it. */
  continueAfter(endMs: number): void {
    this.#endMs = Math.max(this.#endMs, endMs);
  }

  /** Starts a new timeline: media time `mediaSec` happened at `wallMs` (or at the previous end, if later). */
  anchor(wallMs: number, mediaSec: number): void {
    this.#anchor = { wallMs: Math.max(wallMs, this.#endMs), mediaSec };
  }

  /** The date of a segment starting at media time `startSec`; records where it ends. */
  date(startSec: number, durationSec: number): Date {
    const anchor = this.#anchor ?? { wallMs: Math.max(0, this.#endMs), mediaSec: startSec };
    this.#anchor = anchor;
    const startMs = Math.round(anchor.wallMs + (startSec - anchor.mediaSec) * 1000);
    this.#endMs = Math.max(this.#endMs, startMs + Math.round(durationSec * 1000));
    return new Date(startMs);
  }
}
