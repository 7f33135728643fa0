/**
 * The parts of a Low-Latency HLS stream: one number sequence across segments (so the
 * preload hint for the next part stays right when that part turns out to start a new
 * segment), the parts of the segment being built, and which listed segments keep their
 * EXT-X-PART lines (those within `horizonSec` of the live edge). Pure.
 */
import { partFileName } from './files.js';
import type { PlaylistPart, PlaylistSegment } from './playlist.js';

export interface PartEntry extends PlaylistPart {
  readonly sequence: number;
}

export class PartList {
  #next: number;
  #open: PartEntry[] = [];

  /** `first`: number of the first part (a resumed stream continues after the last one). */
  constructor(first = 0) {
    this.#next = first;
  }

  /** Number of the part that comes next. */
  get next(): number {
    return this.#next;
  }

  /** Parts of the segment being built. */
  get open(): readonly PartEntry[] {
    return this.#open;
  }

  /** URI of the part that comes next (EXT-X-PRELOAD-HINT). */
  get nextUri(): string {
    return partFileName(this.#next);
  }

  add(durationSec: number, independent: boolean): PartEntry {
    const part = { sequence: this.#next, uri: partFileName(this.#next), durationSec, independent };
    this.#next += 1;
    this.#open.push(part);
    return part;
  }

  /** The open segment was cut: its parts, and a new open segment without any. */
  close(): PartEntry[] {
    const parts = this.#open;
    this.#open = [];
    return parts;
  }
}

/** The segments as listed: EXT-X-PART lines only on those ending within `horizonSec` of the live edge. */
export function withRecentParts(segments: readonly PlaylistSegment[], openSec: number, horizonSec: number): PlaylistSegment[] {
  let fromEdge = openSec;
  const listed: PlaylistSegment[] = new Array<PlaylistSegment>(segments.length);
  for (let i = segments.length - 1; i >= 0; i--) {
    const segment = segments[i]!;
    const recent = fromEdge < horizonSec;
    fromEdge += segment.durationSec;
    if (recent || !segment.parts) {
      listed[i] = segment;
    } else {
      const { parts: _dropped, ...rest } = segment;
      listed[i] = rest;
    }
  }
  return listed;
}
