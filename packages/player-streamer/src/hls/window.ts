/**
 * The sliding window of a live playlist and the segments kept on disk behind it. Pure.
 *
 * - Listed: the last `windowSegments` segments, and more while fewer would last less than
 *   `minWindowSec` (3 × TARGETDURATION: RFC 8216 §6.2.2 forbids a shorter live playlist).
 *   The window's start only moves forward.
 * - Retained: segments that left the playlist stay on disk for `keepSegments` more
 *   segments, so a player that loaded an older playlist can still fetch them (§6.2.2 asks
 *   for the segment's duration plus the playlist's); then `add` returns them as expired.
 */
import type { PlaylistSegment } from './playlist.js';

export interface WindowPolicy {
  readonly windowSegments: number;
  readonly keepSegments: number;
  readonly minWindowSec: number;
}

export interface WindowState {
  readonly listed: readonly PlaylistSegment[];
  readonly retained: readonly PlaylistSegment[];
  readonly discontinuitySequence: number;
  /** sequence number of the next segment */
  readonly nextSequence: number;
}

export class LiveWindow {
  #listed: PlaylistSegment[] = [];
  #retained: PlaylistSegment[] = [];
  #listedSec = 0;
  #discontinuitySequence = 0;
  #nextSequence = 0;

  constructor(private readonly policy: WindowPolicy) {}

  /** Continues a window another packager left (resume): its listed and retained segments. */
  restore(state: WindowState): void {
    this.#listed = [...state.listed];
    this.#retained = [...state.retained];
    this.#listedSec = this.#listed.reduce((sum, s) => sum + s.durationSec, 0);
    this.#discontinuitySequence = state.discontinuitySequence;
    this.#nextSequence = state.nextSequence;
  }

  /** The window as it is now (for the snapshot). */
  get state(): WindowState {
    return { listed: this.#listed, retained: this.#retained, discontinuitySequence: this.#discontinuitySequence, nextSequence: this.#nextSequence };
  }

  get segments(): readonly PlaylistSegment[] {
    return this.#listed;
  }

  /** Sequence number of the first listed segment (of the next one when none is listed). */
  get mediaSequence(): number {
    return this.#listed[0]?.sequence ?? this.#nextSequence;
  }

  /** Discontinuity tags that left the playlist. */
  get discontinuitySequence(): number {
    return this.#discontinuitySequence;
  }

  /** Adds the newest segment; returns the segments whose files may now be deleted. */
  add(segment: PlaylistSegment): PlaylistSegment[] {
    this.#listed.push(segment);
    this.#listedSec += segment.durationSec;
    this.#nextSequence = segment.sequence + 1;
    const { windowSegments, keepSegments, minWindowSec } = this.policy;
    for (;;) {
      const head = this.#listed[0];
      if (!head || this.#listed.length <= windowSegments || this.#listedSec - head.durationSec < minWindowSec) break;
      this.#listed.shift();
      this.#listedSec -= head.durationSec;
      if (head.discontinuity) this.#discontinuitySequence += 1;
      this.#retained.push(head);
    }
    const expired = this.#retained.length > keepSegments ? this.#retained.splice(0, this.#retained.length - keepSegments) : [];
    return expired;
  }

  /** Init files that a listed or retained segment still needs. */
  referencedInits(): Set<string> {
    const inits = new Set<string>();
    for (const segment of this.#retained) inits.add(segment.initUri);
    for (const segment of this.#listed) inits.add(segment.initUri);
    return inits;
  }
}
