/** Hand-built ISO-BMFF boxes for tests (not part of the build output). */
import { TFHD, TRUN } from '../mp4/moof.js';
import type { SampleDefaults } from '../mp4/moov.js';

export const u8 = (n: number): Buffer => Buffer.from([n & 0xff]);
export const u16 = (n: number): Buffer => {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
};
export const u24 = (n: number): Buffer => Buffer.from([(n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]);
export const u32 = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
};
export const i32 = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
};
export const u64 = (n: number | bigint): Buffer => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(n));
  return b;
};

export function box(type: string, ...payload: Buffer[]): Buffer {
  const body = Buffer.concat(payload);
  return Buffer.concat([u32(8 + body.length), Buffer.from(type, 'latin1'), body]);
}

/** A box written with size field 1 and a 64-bit largesize. */
export function largeBox(type: string, ...payload: Buffer[]): Buffer {
  const body = Buffer.concat(payload);
  return Buffer.concat([u32(1), Buffer.from(type, 'latin1'), u64(16 + body.length), body]);
}

export function fullBox(type: string, version: number, flags: number, ...payload: Buffer[]): Buffer {
  return box(type, u8(version), u24(flags), ...payload);
}

export const ftyp = (): Buffer => box('ftyp', Buffer.from('isom'), u32(512), Buffer.from('isomiso6mp41'));

export interface TrackSpec {
  readonly trackId: number;
  readonly handler: string;
  readonly timescale: number;
  readonly trex?: SampleDefaults;
  readonly version?: 0 | 1;
}

function trak(spec: TrackSpec): Buffer {
  const v1 = spec.version === 1;
  const times = v1 ? [u64(0), u64(0)] : [u32(0), u32(0)];
  const tkhd = fullBox('tkhd', v1 ? 1 : 0, 3, ...times, u32(spec.trackId), u32(0), v1 ? u64(0) : u32(0), Buffer.alloc(60));
  const mdhd = fullBox('mdhd', v1 ? 1 : 0, 0, ...times, u32(spec.timescale), v1 ? u64(0) : u32(0), u16(0x55c4), u16(0));
  const hdlr = fullBox('hdlr', 0, 0, u32(0), Buffer.from(spec.handler, 'latin1'), Buffer.alloc(12), Buffer.from('handler\0'));
  return box('trak', tkhd, box('mdia', mdhd, hdlr, box('minf')));
}

export function moov(tracks: readonly TrackSpec[], options: { mvex?: boolean } = {}): Buffer {
  const mvhd = fullBox('mvhd', 0, 0, Buffer.alloc(96));
  const trexes = tracks.map((t) => {
    const d = t.trex ?? { sampleDescriptionIndex: 1, sampleDuration: 0, sampleSize: 0, sampleFlags: 0 };
    return fullBox('trex', 0, 0, u32(t.trackId), u32(d.sampleDescriptionIndex), u32(d.sampleDuration), u32(d.sampleSize), u32(d.sampleFlags));
  });
  const mvex = options.mvex === false ? [] : [box('mvex', ...trexes)];
  return box('moov', mvhd, ...tracks.map(trak), ...mvex);
}

export interface SampleSpec {
  readonly duration?: number;
  readonly size?: number;
  readonly flags?: number;
  readonly cto?: number;
}

export interface RunSpec {
  readonly version?: 0 | 1;
  readonly dataOffset?: number;
  readonly firstSampleFlags?: number;
  /** Every sample must carry the same fields: they decide the trun flags. */
  readonly samples: readonly SampleSpec[];
  /** Force the per-sample field flags (for runs with zero samples). */
  readonly sampleFields?: readonly ('duration' | 'size' | 'flags' | 'cto')[];
}

export interface TrafSpec {
  readonly trackId: number;
  readonly baseDataOffset?: number;
  readonly sampleDescriptionIndex?: number;
  readonly defaultSampleDuration?: number;
  readonly defaultSampleSize?: number;
  readonly defaultSampleFlags?: number;
  readonly durationIsEmpty?: boolean;
  readonly defaultBaseIsMoof?: boolean;
  readonly tfdt?: { readonly version: 0 | 1; readonly value: number | bigint };
  readonly runs: readonly RunSpec[];
}

export function tfhd(spec: TrafSpec): Buffer {
  let flags = 0;
  const fields: Buffer[] = [u32(spec.trackId)];
  if (spec.baseDataOffset !== undefined) (flags |= TFHD.BASE_DATA_OFFSET), fields.push(u64(spec.baseDataOffset));
  if (spec.sampleDescriptionIndex !== undefined) (flags |= TFHD.SAMPLE_DESCRIPTION_INDEX), fields.push(u32(spec.sampleDescriptionIndex));
  if (spec.defaultSampleDuration !== undefined) (flags |= TFHD.DEFAULT_SAMPLE_DURATION), fields.push(u32(spec.defaultSampleDuration));
  if (spec.defaultSampleSize !== undefined) (flags |= TFHD.DEFAULT_SAMPLE_SIZE), fields.push(u32(spec.defaultSampleSize));
  if (spec.defaultSampleFlags !== undefined) (flags |= TFHD.DEFAULT_SAMPLE_FLAGS), fields.push(u32(spec.defaultSampleFlags));
  if (spec.durationIsEmpty) flags |= TFHD.DURATION_IS_EMPTY;
  if (spec.defaultBaseIsMoof) flags |= TFHD.DEFAULT_BASE_IS_MOOF;
  return fullBox('tfhd', 0, flags, ...fields);
}

export function trun(spec: RunSpec): Buffer {
  const first = spec.samples[0] ?? {};
  const present = new Set(spec.sampleFields ?? (Object.keys(first) as (keyof SampleSpec)[]));
  let flags = 0;
  if (spec.dataOffset !== undefined) flags |= TRUN.DATA_OFFSET;
  if (spec.firstSampleFlags !== undefined) flags |= TRUN.FIRST_SAMPLE_FLAGS;
  if (present.has('duration')) flags |= TRUN.SAMPLE_DURATION;
  if (present.has('size')) flags |= TRUN.SAMPLE_SIZE;
  if (present.has('flags')) flags |= TRUN.SAMPLE_FLAGS;
  if (present.has('cto')) flags |= TRUN.SAMPLE_COMPOSITION_TIME_OFFSET;
  const version = spec.version ?? 0;
  const parts: Buffer[] = [u32(spec.samples.length)];
  if (spec.dataOffset !== undefined) parts.push(i32(spec.dataOffset));
  if (spec.firstSampleFlags !== undefined) parts.push(u32(spec.firstSampleFlags));
  for (const s of spec.samples) {
    if (present.has('duration')) parts.push(u32(s.duration ?? 0));
    if (present.has('size')) parts.push(u32(s.size ?? 0));
    if (present.has('flags')) parts.push(u32(s.flags ?? 0));
    if (present.has('cto')) parts.push(version === 0 ? u32(s.cto ?? 0) : i32(s.cto ?? 0));
  }
  return fullBox('trun', version, flags, ...parts);
}

export function traf(spec: TrafSpec): Buffer {
  const tfdt = spec.tfdt
    ? [fullBox('tfdt', spec.tfdt.version, 0, spec.tfdt.version === 1 ? u64(spec.tfdt.value) : u32(Number(spec.tfdt.value)))]
    : [];
  return box('traf', tfhd(spec), ...tfdt, ...spec.runs.map(trun));
}

export function moof(sequenceNumber: number, trafs: readonly TrafSpec[]): Buffer {
  return box('moof', fullBox('mfhd', 0, 0, u32(sequenceNumber)), ...trafs.map(traf));
}

export const mdat = (bytes: number): Buffer => box('mdat', Buffer.alloc(bytes, 0xab));

/** ffmpeg's sample flags: keyframe, and a frame that depends on others. */
export const SYNC = 0x02000000;
export const NON_SYNC = 0x01010000;

export const VIDEO: TrackSpec = { trackId: 1, handler: 'vide', timescale: 1000 };
export const AUDIO: TrackSpec = { trackId: 2, handler: 'soun', timescale: 48000 };

/**
 * One moof+mdat like ffmpeg's: a video traf of `frames` samples of `frameMs` (the first a
 * keyframe when `keyframe`), an audio traf of 1024-sample AAC frames covering the same time.
 */
export function avFragment(seq: number, startMs: number, frames: number, options: { keyframe?: boolean; frameMs?: number; frameBytes?: number } = {}): Buffer {
  const frameMs = options.frameMs ?? 100;
  const frameBytes = options.frameBytes ?? 10;
  const audioFrames = Math.round((frames * frameMs * 48) / 1024);
  const videoSamples = Array.from({ length: frames }, () => ({ size: frameBytes }));
  const audioSamples = Array.from({ length: audioFrames }, () => ({ size: 4 }));
  const m = moof(seq, [
    {
      trackId: 1,
      defaultSampleDuration: frameMs,
      defaultSampleFlags: NON_SYNC,
      defaultBaseIsMoof: true,
      tfdt: { version: 1, value: startMs },
      runs: [{ dataOffset: 0, firstSampleFlags: options.keyframe === false ? NON_SYNC : SYNC, samples: videoSamples }],
    },
    {
      trackId: 2,
      defaultSampleDuration: 1024,
      defaultSampleFlags: SYNC,
      defaultBaseIsMoof: true,
      tfdt: { version: 1, value: Math.round(startMs * 48) },
      runs: [{ dataOffset: 0, samples: audioSamples }],
    },
  ]);
  return Buffer.concat([m, mdat(frames * frameBytes + audioFrames * 4)]);
}

/** ftyp+moov+fragments: `gops` lists each fragment's frame count (100 ms frames), all starting with a keyframe unless listed in `nonKey`. */
export function avStream(gops: readonly number[], nonKey: ReadonlySet<number> = new Set()): Buffer {
  const parts = [ftyp(), moov([VIDEO, AUDIO])];
  let startMs = 0;
  gops.forEach((frames, i) => {
    parts.push(avFragment(i + 1, startMs, frames, { keyframe: !nonKey.has(i) }));
    startMs += frames * 100;
  });
  return Buffer.concat(parts);
}
