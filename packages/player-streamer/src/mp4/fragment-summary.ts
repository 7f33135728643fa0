/**
 * Resolves each sample's duration, size and flags with the defaults chain of
 * ISO/IEC 14496-12 (trun per-sample field → trun first-sample-flags for sample 0 → tfhd
 * default → trex default), and derives what segmenting needs from one fragment.
 */
import { Mp4ParseError } from '../errors.js';
import type { MovieInfo, TrackInfo, TrackKind } from './moov.js';
import { primaryTrack } from './moov.js';
import type { MovieFragment, TrackFragment } from './moof.js';
import { isSyncSample } from './sample-flags.js';

export interface ResolvedSample {
  readonly duration: number;
  readonly size: number;
  readonly flags: number;
  readonly compositionTimeOffset: number;
}

export function resolveSamples(traf: TrackFragment, track: TrackInfo): ResolvedSample[] {
  const { header } = traf;
  const defaults = track.defaults;
  const samples: ResolvedSample[] = [];
  for (const run of traf.runs) {
    run.samples.forEach((sample, index) => {
      const flags =
        sample.flags ??
        (index === 0 && run.firstSampleFlags !== undefined ? run.firstSampleFlags : undefined) ??
        header.defaultSampleFlags ??
        defaults.sampleFlags;
      samples.push({
        duration: sample.duration ?? header.defaultSampleDuration ?? defaults.sampleDuration,
        size: sample.size ?? header.defaultSampleSize ?? defaults.sampleSize,
        flags,
        compositionTimeOffset: sample.compositionTimeOffset ?? 0,
      });
    });
  }
  return samples;
}

export interface TrackFragmentSummary {
  readonly trackId: number;
  readonly kind: TrackKind;
  readonly timescale: number;
  readonly baseMediaDecodeTime?: number;
  readonly sampleCount: number;
  /** Sum of sample durations, in the track's timescale. */
  readonly durationTicks: number;
  /** Sum of sample sizes in bytes. */
  readonly dataBytes: number;
  /** Whether the first sample is a sync sample (false when there is no sample). */
  readonly firstSampleIsSync: boolean;
}

export interface FragmentSummary {
  readonly sequenceNumber: number;
  /** The track that defines segment boundaries (see `primaryTrack`). */
  readonly primaryTrackId: number;
  /** Duration of the primary track's samples in seconds (the "video duration"). */
  readonly durationSec: number;
  /** Decode time of the primary track's first sample in seconds, when the fragment has a `tfdt`. */
  readonly startSec?: number;
  /** Whether the primary track's first sample is a sync sample (keyframe). */
  readonly startsWithSync: boolean;
  /** Whether some `tfhd` carries an absolute base-data-offset (moof+mdat then cannot be moved). */
  readonly hasAbsoluteOffsets: boolean;
  readonly tracks: readonly TrackFragmentSummary[];
}

export function summarizeTrackFragment(traf: TrackFragment, track: TrackInfo): TrackFragmentSummary {
  const samples = resolveSamples(traf, track);
  const first = samples[0];
  return {
    trackId: track.trackId,
    kind: track.kind,
    timescale: track.timescale,
    ...(traf.baseMediaDecodeTime !== undefined ? { baseMediaDecodeTime: traf.baseMediaDecodeTime } : {}),
    sampleCount: samples.length,
    durationTicks: samples.reduce((sum, s) => sum + s.duration, 0),
    dataBytes: samples.reduce((sum, s) => sum + s.size, 0),
    firstSampleIsSync: first !== undefined && isSyncSample(first.flags),
  };
}

/**
 * Summarises a fragment against its movie. A `traf` for a track that `moov` does not
 * declare is an error. A fragment without samples of the primary track has duration 0
 * and does not start with a keyframe.
 */
export function summarizeFragment(moof: MovieFragment, movie: MovieInfo): FragmentSummary {
  const primary = primaryTrack(movie);
  const tracks = moof.trafs.map((traf) => {
    const track = movie.tracks.get(traf.header.trackId);
    if (!track) {
      throw new Mp4ParseError('ERR_MP4_MALFORMED', `traf for unknown track ${traf.header.trackId}`, { boxType: 'traf' });
    }
    return summarizeTrackFragment(traf, track);
  });
  const main = tracks.find((t) => t.trackId === primary.trackId && t.sampleCount > 0);
  return {
    sequenceNumber: moof.sequenceNumber,
    primaryTrackId: primary.trackId,
    durationSec: main ? main.durationTicks / main.timescale : 0,
    ...(main?.baseMediaDecodeTime !== undefined ? { startSec: main.baseMediaDecodeTime / main.timescale } : {}),
    startsWithSync: main?.firstSampleIsSync ?? false,
    hasAbsoluteOffsets: moof.trafs.some((traf) => traf.header.baseDataOffset !== undefined),
    tracks,
  };
}
