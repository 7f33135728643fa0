/** Events of `HlsPackager` and what they carry. */
import type { PlayerStreamerError } from '../errors.js';

export interface SegmentInfo {
  /** Media sequence number (global across inputs, from 0). */
  readonly sequence: number;
  /** File name, relative to the playlist: `seg-<sequence>.m4s`. */
  readonly uri: string;
  /** The init section (EXT-X-MAP) it needs: `init-<input>.mp4`. */
  readonly initUri: string;
  /** Index of the input (ffmpeg run) it came from, from 0. */
  readonly input: number;
  readonly durationSec: number;
  /** Media (decode) time of its first sample in its input's timeline. */
  readonly startSec: number;
  /** Whether its first video sample is a keyframe (always, by construction). */
  readonly keyframe: boolean;
  readonly bytes: number;
  /** moof+mdat pairs in it. */
  readonly fragments: number;
  /** Preceded by EXT-X-DISCONTINUITY (first segment of an input after an earlier one). */
  readonly discontinuity: boolean;
  readonly programDateTime: Date;
}

/** A Low-Latency HLS part, on disk and listed (with EXT-X-PART) in the playlist on disk. */
export interface PartInfo {
  /** Part number (one sequence across segments, from 0). */
  readonly sequence: number;
  /** `part-<sequence>.m4s` */
  readonly uri: string;
  readonly durationSec: number;
  /** starts with a keyframe (INDEPENDENT=YES) */
  readonly independent: boolean;
  /** media sequence number of the segment it belongs to */
  readonly segmentSequence: number;
}

/** What `input.end()` resolves with. */
export interface InputSummary {
  readonly input: number;
  readonly bytesReceived: number;
  readonly segments: number;
  /** Bytes of an incomplete trailing fragment (moof and partial mdat) that were dropped. */
  readonly droppedTailBytes: number;
  /** Leading fragments dropped because they did not start with a keyframe. */
  readonly droppedFragments: number;
  /** Why the input stopped early, if it did. */
  readonly error?: PlayerStreamerError;
}

export type HlsPackagerEvents = {
  /** Low-Latency HLS: a part is on disk and listed in the playlist on disk. */
  part: (info: PartInfo) => void;
  /** A segment is on disk and listed in the playlist on disk (so it can be played now). */
  segment: (info: SegmentInfo) => void;
  /**
   * Something to log and fix while packaging goes on: `ERR_HLS_SEGMENT_TOO_LONG` (keyframes
   * further apart than TARGETDURATION allows), `ERR_HLS_NO_KEYFRAME` (an input began without
   * a keyframe; fragments dropped until one came), `ERR_HLS_PART_TOO_LONG` (a part outlasts
   * PART-TARGET).
   */
  warning: (warning: PlayerStreamerError) => void;
  /**
   * An input failed (`Mp4ParseError`, codes `ERR_MP4_*`): that input accepts nothing more,
   * the segments before the error are kept, and the packager takes a new input. Or the
   * packager failed (`ERR_HLS_IO`): it stops for good.
   */
  error: (error: PlayerStreamerError) => void;
  /** EXT-X-ENDLIST is on disk. */
  finish: () => void;
};

export type PackagerState = 'live' | 'finished' | 'failed';
