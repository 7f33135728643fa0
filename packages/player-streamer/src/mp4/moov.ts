/**
 * What the packager needs from `moov` (ISO/IEC 14496-12): per track its id (`tkhd`),
 * handler (`hdlr`: vide, soun, …), media timescale (`mdhd`) and the fragment defaults
 * of `mvex/trex`.
 */
import { Mp4ParseError } from '../errors.js';
import { ByteReader } from './byte-reader.js';
import { childBoxes, findChild, type ChildBox } from './box-header.js';

/** Defaults of `trex` (all 0 when a track has no `trex`). */
export interface SampleDefaults {
  readonly sampleDescriptionIndex: number;
  readonly sampleDuration: number;
  readonly sampleSize: number;
  readonly sampleFlags: number;
}

export type TrackKind = 'video' | 'audio' | 'other';

export interface TrackInfo {
  readonly trackId: number;
  /** The `hdlr` handler_type, e.g. `vide`, `soun`, `subt`. */
  readonly handler: string;
  readonly kind: TrackKind;
  /** Ticks per second of the track's media time (`mdhd`). */
  readonly timescale: number;
  readonly defaults: SampleDefaults;
}

export interface MovieInfo {
  /** Tracks by track id, in `moov` order. */
  readonly tracks: ReadonlyMap<number, TrackInfo>;
  /** Whether `moov` has `mvex` (the file is fragmented). */
  readonly fragmented: boolean;
}

const NO_DEFAULTS: SampleDefaults = { sampleDescriptionIndex: 0, sampleDuration: 0, sampleSize: 0, sampleFlags: 0 };

const kindOf = (handler: string): TrackKind => (handler === 'vide' ? 'video' : handler === 'soun' ? 'audio' : 'other');

function required(children: readonly ChildBox[], type: string, parent: string): ChildBox {
  const child = findChild(children, type);
  if (!child) throw new Mp4ParseError('ERR_MP4_MALFORMED', `${parent}: no ${type} box`, { boxType: parent });
  return child;
}

function readTrackId(buf: Buffer, tkhd: ChildBox): number {
  const r = new ByteReader(buf, tkhd.payload, tkhd.end, 'tkhd');
  const { version } = r.fullBoxHeader();
  r.skip(version === 1 ? 16 : 8); // creation_time, modification_time
  const trackId = r.u32();
  if (trackId === 0) throw new Mp4ParseError('ERR_MP4_MALFORMED', 'tkhd: track_ID 0', { boxType: 'tkhd' });
  return trackId;
}

function readTimescale(buf: Buffer, mdhd: ChildBox): number {
  const r = new ByteReader(buf, mdhd.payload, mdhd.end, 'mdhd');
  const { version } = r.fullBoxHeader();
  r.skip(version === 1 ? 16 : 8);
  const timescale = r.u32();
  if (timescale === 0) throw new Mp4ParseError('ERR_MP4_MALFORMED', 'mdhd: timescale 0', { boxType: 'mdhd' });
  return timescale;
}

function readHandler(buf: Buffer, hdlr: ChildBox): string {
  const r = new ByteReader(buf, hdlr.payload, hdlr.end, 'hdlr');
  r.fullBoxHeader();
  r.skip(4); // pre_defined
  return r.fourcc();
}

function readTrex(buf: Buffer, trex: ChildBox): { trackId: number; defaults: SampleDefaults } {
  const r = new ByteReader(buf, trex.payload, trex.end, 'trex');
  r.fullBoxHeader();
  const trackId = r.u32();
  return {
    trackId,
    defaults: { sampleDescriptionIndex: r.u32(), sampleDuration: r.u32(), sampleSize: r.u32(), sampleFlags: r.u32() },
  };
}

/** Parses a whole `moov` box (header included). */
export function parseMoov(box: Buffer): MovieInfo {
  const top = childBoxes(box, 0, box.length, 'file');
  const moov = top.length === 1 ? top[0] : undefined;
  if (!moov || moov.type !== 'moov') {
    throw new Mp4ParseError('ERR_MP4_MALFORMED', 'expected exactly one moov box', { boxType: 'moov' });
  }
  const children = childBoxes(box, moov.payload, moov.end, 'moov');

  const trexDefaults = new Map<number, SampleDefaults>();
  const mvex = findChild(children, 'mvex');
  if (mvex) {
    for (const child of childBoxes(box, mvex.payload, mvex.end, 'mvex')) {
      if (child.type !== 'trex') continue;
      const { trackId, defaults } = readTrex(box, child);
      trexDefaults.set(trackId, defaults);
    }
  }

  const tracks = new Map<number, TrackInfo>();
  for (const trak of children.filter((child) => child.type === 'trak')) {
    const trakChildren = childBoxes(box, trak.payload, trak.end, 'trak');
    const trackId = readTrackId(box, required(trakChildren, 'tkhd', 'trak'));
    const mdia = required(trakChildren, 'mdia', 'trak');
    const mdiaChildren = childBoxes(box, mdia.payload, mdia.end, 'mdia');
    const timescale = readTimescale(box, required(mdiaChildren, 'mdhd', 'mdia'));
    const handler = readHandler(box, required(mdiaChildren, 'hdlr', 'mdia'));
    if (tracks.has(trackId)) {
      throw new Mp4ParseError('ERR_MP4_MALFORMED', `moov: two tracks with id ${trackId}`, { boxType: 'moov' });
    }
    tracks.set(trackId, { trackId, handler, kind: kindOf(handler), timescale, defaults: trexDefaults.get(trackId) ?? NO_DEFAULTS });
  }
  if (tracks.size === 0) throw new Mp4ParseError('ERR_MP4_MALFORMED', 'moov: no tracks', { boxType: 'moov' });
  return { tracks, fragmented: mvex !== undefined };
}

/**
 * The track whose samples define segment boundaries and durations: the first video
 * track, else the first audio track, else the first track.
 */
export function primaryTrack(movie: MovieInfo): TrackInfo {
  const all = [...movie.tracks.values()];
  const track = all.find((t) => t.kind === 'video') ?? all.find((t) => t.kind === 'audio') ?? all[0];
  if (!track) throw new Mp4ParseError('ERR_MP4_MALFORMED', 'moov: no tracks', { boxType: 'moov' });
  return track;
}
