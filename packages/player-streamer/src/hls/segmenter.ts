/**
 * Groups fragments (moof+mdat) into HLS segments. Pure: no I/O, no clock.
 *
 * Rules:
 * - A segment always starts with a fragment whose first primary-track (video) sample is a
 *   keyframe. Fragments that do not start with a keyframe are appended to the open segment;
 *   when there is none (the start of an input), they cannot be decoded alone and are dropped.
 * - At each keyframe fragment the open segment is cut when cutting now lands closer to the
 *   target than waiting one more GOP would: cut when `d + g/2 ≥ target`, where d is the open
 *   segment's duration and g the estimate of the next GOP: the longer of the last GOP (time
 *   since the open segment's last keyframe) and the arriving fragment (complete, so its
 *   duration is known; with one fragment per GOP it is the next GOP). Also cut when one more
 *   GOP would pass `maxDurationSec`. With 2 s GOPs and a 2 s target that is one GOP per
 *   segment (also when GOPs jitter to 1.9 s or 2.1 s); 1 s GOPs give 2 s segments; 0.6 s
 *   GOPs give 1.8 s segments; 200 ms all-keyframe parts give 2 s segments.
 * - A run without keyframes longer than `maxDurationSec` cannot be cut: decodability wins and
 *   the segment is longer (the packager warns).
 * - With `fragmentsEndAtKeyframes` (ffmpeg's `frag_keyframe`: each fragment ends where the
 *   next keyframe begins), the same decision is taken as soon as a fragment is complete,
 *   with that fragment as the estimate of the next GOP: the segment is published one GOP
 *   earlier instead of waiting for the next fragment to prove it starts with a keyframe.
 */

export interface SegmenterFragment {
  readonly boxes: readonly Buffer[];
  readonly byteLength: number;
  readonly durationSec: number;
  readonly startsWithSync: boolean;
  /** Decode time of the first primary-track sample, when known (tfdt). */
  readonly startSec?: number;
}

export interface CutSegment {
  /** moof, mdat, moof, mdat, … in order. */
  readonly boxes: readonly Buffer[];
  readonly bytes: number;
  readonly durationSec: number;
  /** Media time of the segment's first sample (from tfdt, else accumulated durations). */
  readonly startSec: number;
  readonly fragments: number;
  /** Whether the first sample is a keyframe (always true by construction; reported, not assumed). */
  readonly keyframe: boolean;
}

export interface SegmenterPolicy {
  readonly targetDurationSec: number;
  /** A segment longer than this, rounded, would break EXT-X-TARGETDURATION: TARGETDURATION + 0.5. */
  readonly maxDurationSec: number;
  /** every fragment ends right before a keyframe: segments may be closed without waiting for the next one */
  readonly fragmentsEndAtKeyframes?: boolean;
}

export interface PushResult {
  /** The first segment closed by this fragment, if any (= cuts[0]). */
  readonly cut?: CutSegment;
  /** Every segment closed by this fragment, in order (at most two: before and after it). */
  readonly cuts: readonly CutSegment[];
  /** Whether the fragment was dropped (no keyframe to start a segment with). */
  readonly dropped: boolean;
  /** Media time of the fragment's first sample (tfdt, else accumulated durations). */
  readonly startSec: number;
}

interface OpenSegment {
  boxes: Buffer[];
  bytes: number;
  durationSec: number;
  startSec: number;
  fragments: number;
  keyframe: boolean;
  sinceKeyframeSec: number;
}

export class Segmenter {
  #open: OpenSegment | undefined;
  /** Where the next fragment starts when it has no tfdt. */
  #nextStartSec = 0;

  constructor(private readonly policy: SegmenterPolicy) {}

  /** Duration of the segment being built (0 when none). */
  get openDurationSec(): number {
    return this.#open?.durationSec ?? 0;
  }

  push(fragment: SegmenterFragment): PushResult {
    const startSec = fragment.startSec ?? this.#nextStartSec;
    this.#nextStartSec = startSec + fragment.durationSec;
    const cuts: CutSegment[] = [];
    const open = this.#open;
    if (!open) {
      if (!fragment.startsWithSync) return { dropped: true, cuts, startSec };
      this.#start(fragment, startSec);
    } else if (fragment.startsWithSync && this.#shouldCut(open, fragment.durationSec)) {
      cuts.push(this.#close(open));
      this.#start(fragment, startSec);
    } else {
      open.boxes.push(...fragment.boxes);
      open.bytes += fragment.byteLength;
      open.durationSec += fragment.durationSec;
      open.fragments += 1;
      open.sinceKeyframeSec = fragment.startsWithSync ? fragment.durationSec : open.sinceKeyframeSec + fragment.durationSec;
    }
    const now = this.#open;
    if (this.policy.fragmentsEndAtKeyframes && now && this.#shouldCutAfter(now, fragment.durationSec)) cuts.push(this.#close(now));
    return cuts.length ? { cut: cuts[0]!, cuts, dropped: false, startSec } : { cuts, dropped: false, startSec };
  }

  /** Closes the open segment, if any (end of input). */
  flush(): CutSegment | undefined {
    const open = this.#open;
    return open ? this.#close(open) : undefined;
  }

  #shouldCut(open: OpenSegment, arrivingSec: number): boolean {
    const { targetDurationSec, maxDurationSec } = this.policy;
    const d = open.durationSec;
    const g = Math.max(open.sinceKeyframeSec, arrivingSec);
    return d + g / 2 >= targetDurationSec || d + g > maxDurationSec;
  }

  /** The next fragment will start with a keyframe: cut now if waiting one more GOP (≈ the last fragment) lands farther from the target. */
  #shouldCutAfter(open: OpenSegment, lastFragmentSec: number): boolean {
    const { targetDurationSec, maxDurationSec } = this.policy;
    const d = open.durationSec;
    return d + lastFragmentSec / 2 >= targetDurationSec || d + lastFragmentSec > maxDurationSec;
  }

  #start(fragment: SegmenterFragment, startSec: number): void {
    this.#open = {
      boxes: [...fragment.boxes],
      bytes: fragment.byteLength,
      durationSec: fragment.durationSec,
      startSec,
      fragments: 1,
      keyframe: fragment.startsWithSync,
      sinceKeyframeSec: fragment.durationSec,
    };
  }

  #close(open: OpenSegment): CutSegment {
    this.#open = undefined;
    const { boxes, bytes, durationSec, startSec, fragments, keyframe } = open;
    return { boxes, bytes, durationSec, startSec, fragments, keyframe };
  }
}
