/**
 * `moof` (ISO/IEC 14496-12 §8.8): per track fragment (`traf`) the header (`tfhd`), the
 * decode time of its first sample (`tfdt`) and its runs (`trun`), fields exactly as
 * written (defaults are resolved in fragment-summary.ts).
 */
import { Mp4ParseError } from '../errors.js';
import { ByteReader } from './byte-reader.js';
import { childBoxes, findChild, type ChildBox } from './box-header.js';

/** `tfhd` flags. */
export const TFHD = {
  BASE_DATA_OFFSET: 0x000001,
  SAMPLE_DESCRIPTION_INDEX: 0x000002,
  DEFAULT_SAMPLE_DURATION: 0x000008,
  DEFAULT_SAMPLE_SIZE: 0x000010,
  DEFAULT_SAMPLE_FLAGS: 0x000020,
  DURATION_IS_EMPTY: 0x010000,
  DEFAULT_BASE_IS_MOOF: 0x020000,
} as const;

/** `trun` flags. */
export const TRUN = {
  DATA_OFFSET: 0x000001,
  FIRST_SAMPLE_FLAGS: 0x000004,
  SAMPLE_DURATION: 0x000100,
  SAMPLE_SIZE: 0x000200,
  SAMPLE_FLAGS: 0x000400,
  SAMPLE_COMPOSITION_TIME_OFFSET: 0x000800,
} as const;

export interface TrackFragmentHeader {
  readonly trackId: number;
  readonly flags: number;
  readonly baseDataOffset?: number;
  readonly sampleDescriptionIndex?: number;
  readonly defaultSampleDuration?: number;
  readonly defaultSampleSize?: number;
  readonly defaultSampleFlags?: number;
  readonly durationIsEmpty: boolean;
  readonly defaultBaseIsMoof: boolean;
}

/** One sample of a `trun`; a field is absent when the run does not carry it. */
export interface TrackRunSample {
  readonly duration?: number;
  readonly size?: number;
  readonly flags?: number;
  readonly compositionTimeOffset?: number;
}

export interface TrackRun {
  readonly version: number;
  readonly flags: number;
  readonly sampleCount: number;
  readonly dataOffset?: number;
  readonly firstSampleFlags?: number;
  readonly samples: readonly TrackRunSample[];
}

export interface TrackFragment {
  readonly header: TrackFragmentHeader;
  /** `tfdt` baseMediaDecodeTime in the track's timescale, when the fragment has a `tfdt`. */
  readonly baseMediaDecodeTime?: number;
  readonly runs: readonly TrackRun[];
}

export interface MovieFragment {
  /** `mfhd` sequence_number. */
  readonly sequenceNumber: number;
  readonly trafs: readonly TrackFragment[];
}

function parseTfhd(buf: Buffer, box: ChildBox): TrackFragmentHeader {
  const r = new ByteReader(buf, box.payload, box.end, 'tfhd');
  const { flags } = r.fullBoxHeader();
  const trackId = r.u32();
  const has = (flag: number) => (flags & flag) !== 0;
  return {
    trackId,
    flags,
    ...(has(TFHD.BASE_DATA_OFFSET) ? { baseDataOffset: r.u64() } : {}),
    ...(has(TFHD.SAMPLE_DESCRIPTION_INDEX) ? { sampleDescriptionIndex: r.u32() } : {}),
    ...(has(TFHD.DEFAULT_SAMPLE_DURATION) ? { defaultSampleDuration: r.u32() } : {}),
    ...(has(TFHD.DEFAULT_SAMPLE_SIZE) ? { defaultSampleSize: r.u32() } : {}),
    ...(has(TFHD.DEFAULT_SAMPLE_FLAGS) ? { defaultSampleFlags: r.u32() } : {}),
    durationIsEmpty: has(TFHD.DURATION_IS_EMPTY),
    defaultBaseIsMoof: has(TFHD.DEFAULT_BASE_IS_MOOF),
  };
}

function parseTfdt(buf: Buffer, box: ChildBox): number {
  const r = new ByteReader(buf, box.payload, box.end, 'tfdt');
  const { version } = r.fullBoxHeader();
  return version === 1 ? r.u64() : r.u32();
}

function parseTrun(buf: Buffer, box: ChildBox): TrackRun {
  const r = new ByteReader(buf, box.payload, box.end, 'trun');
  const { version, flags } = r.fullBoxHeader();
  const has = (flag: number) => (flags & flag) !== 0;
  const sampleCount = r.u32();
  const dataOffset = has(TRUN.DATA_OFFSET) ? r.i32() : undefined;
  const firstSampleFlags = has(TRUN.FIRST_SAMPLE_FLAGS) ? r.u32() : undefined;
  const perSample = [TRUN.SAMPLE_DURATION, TRUN.SAMPLE_SIZE, TRUN.SAMPLE_FLAGS, TRUN.SAMPLE_COMPOSITION_TIME_OFFSET].filter(has).length * 4;
  // Checked before allocating: a garbage sample_count must not allocate billions of objects.
  r.require(sampleCount * perSample, `${sampleCount} samples`);
  const samples: TrackRunSample[] = [];
  for (let i = 0; i < sampleCount; i += 1) {
    samples.push({
      ...(has(TRUN.SAMPLE_DURATION) ? { duration: r.u32() } : {}),
      ...(has(TRUN.SAMPLE_SIZE) ? { size: r.u32() } : {}),
      ...(has(TRUN.SAMPLE_FLAGS) ? { flags: r.u32() } : {}),
      ...(has(TRUN.SAMPLE_COMPOSITION_TIME_OFFSET) ? { compositionTimeOffset: version === 0 ? r.u32() : r.i32() } : {}),
    });
  }
  return {
    version,
    flags,
    sampleCount,
    ...(dataOffset !== undefined ? { dataOffset } : {}),
    ...(firstSampleFlags !== undefined ? { firstSampleFlags } : {}),
    samples,
  };
}

function parseTraf(buf: Buffer, traf: ChildBox): TrackFragment {
  const children = childBoxes(buf, traf.payload, traf.end, 'traf');
  const tfhd = findChild(children, 'tfhd');
  if (!tfhd) throw new Mp4ParseError('ERR_MP4_MALFORMED', 'traf: no tfhd box', { boxType: 'traf' });
  const tfdt = findChild(children, 'tfdt');
  return {
    header: parseTfhd(buf, tfhd),
    ...(tfdt ? { baseMediaDecodeTime: parseTfdt(buf, tfdt) } : {}),
    runs: children.filter((child) => child.type === 'trun').map((child) => parseTrun(buf, child)),
  };
}

/** Parses a whole `moof` box (header included). */
export function parseMoof(box: Buffer): MovieFragment {
  const top = childBoxes(box, 0, box.length, 'file');
  const moof = top.length === 1 ? top[0] : undefined;
  if (!moof || moof.type !== 'moof') {
    throw new Mp4ParseError('ERR_MP4_MALFORMED', 'expected exactly one moof box', { boxType: 'moof' });
  }
  const children = childBoxes(box, moof.payload, moof.end, 'moof');
  const mfhd = findChild(children, 'mfhd');
  if (!mfhd) throw new Mp4ParseError('ERR_MP4_MALFORMED', 'moof: no mfhd box', { boxType: 'moof' });
  const r = new ByteReader(box, mfhd.payload, mfhd.end, 'mfhd');
  r.fullBoxHeader();
  const sequenceNumber = r.u32();
  return { sequenceNumber, trafs: children.filter((child) => child.type === 'traf').map((child) => parseTraf(box, child)) };
}
