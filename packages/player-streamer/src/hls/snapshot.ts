/**
 * The packager's snapshot (`packager.json` beside the playlist): what a later packager needs
 * to continue the same stream (resume after a hand-over or a crash). Written before every
 * playlist write, in the same serial queue, so it is never behind the playlist a viewer saw:
 *
 * - the window (listed and retained segments, discontinuity sequence) as in that playlist;
 * - `nextPart`: the part the playlist hints at (EXT-X-PRELOAD-HINT). That part, and no
 *   later one, may already be stored (the queue writes the next media file before the next
 *   snapshot): a resuming packager never reuses its number;
 * - `nextInput`: inputs opened so far; init files of later inputs do not exist yet;
 * - `openParts`: the parts of the unfinished segment the playlist lists (dropped on resume);
 * - `clockEndMs`: where the program clock ended (dates never go backwards).
 *
 * Never served to viewers (not a servable name). Parsed strictly: it crosses processes.
 */
import { PlayerStreamerError } from '../errors.js';
import { isGeneratedName } from './files.js';
import type { PlaylistSegment } from './playlist.js';

export const SNAPSHOT_FILE = 'packager.json';
export const SNAPSHOT_VERSION = 1;
/** A snapshot larger than this is refused (a window of 10 000 segments with parts stays far below). */
export const MAX_SNAPSHOT_BYTES = 8 * 1024 * 1024;

export interface SnapshotPart {
  readonly uri: string;
  readonly durationSec: number;
  readonly independent: boolean;
}

export interface SnapshotSegment {
  readonly sequence: number;
  readonly uri: string;
  readonly initUri: string;
  readonly durationSec: number;
  readonly discontinuity: boolean;
  /** EXT-X-PROGRAM-DATE-TIME, ms since the epoch */
  readonly programDateTime: number;
  readonly parts?: readonly SnapshotPart[];
}

export interface PackagerSnapshot {
  readonly version: typeof SNAPSHOT_VERSION;
  /** when it was written, ms since the epoch */
  readonly savedAt: number;
  /** EXT-X-TARGETDURATION (must never change in a playlist) */
  readonly targetDuration: number;
  /** media sequence number of the next segment */
  readonly nextSequence: number;
  /** the hinted part: it may be stored already, a resuming packager starts after it */
  readonly nextPart: number;
  /** inputs opened so far (init-N.mp4 with N < nextInput may exist) */
  readonly nextInput: number;
  readonly discontinuitySequence: number;
  /** segments in the playlist, oldest first */
  readonly listed: readonly SnapshotSegment[];
  /** segments that left the playlist and are still stored, oldest first */
  readonly retained: readonly SnapshotSegment[];
  /** init files stored */
  readonly inits: readonly string[];
  /** parts of the unfinished segment listed in the playlist, and parts no playlist lists any more that are still stored */
  readonly openParts: readonly string[];
  readonly clockEndMs: number;
}

export function toSnapshotSegment(segment: PlaylistSegment): SnapshotSegment {
  const { sequence, uri, initUri, durationSec, discontinuity, programDateTime, parts } = segment;
  return { sequence, uri, initUri, durationSec, discontinuity, programDateTime: programDateTime.getTime(), ...(parts ? { parts: parts.map((p) => ({ ...p })) } : {}) };
}

export function fromSnapshotSegment(segment: SnapshotSegment): PlaylistSegment {
  return { ...segment, programDateTime: new Date(segment.programDateTime) };
}

export function serializeSnapshot(snapshot: PackagerSnapshot): string {
  return `${JSON.stringify(snapshot)}\n`;
}

const invalid = (why: string): never => {
  throw new PlayerStreamerError('ERR_HLS_SNAPSHOT_INVALID', `the packager snapshot is not usable: ${why}`);
};

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const int = (o: Json, key: string, min = 0): number => {
  const v = o[key];
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= min ? v : invalid(`${key} must be an integer ≥ ${min}`);
};
const num = (o: Json, key: string): number => {
  const v = o[key];
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : invalid(`${key} must be a number ≥ 0`);
};
const name = (v: unknown, what: string): string => (typeof v === 'string' && isGeneratedName(v) ? v : invalid(`${what} is not a generated file name`));
const bool = (o: Json, key: string): boolean => (typeof o[key] === 'boolean' ? (o[key] as boolean) : invalid(`${key} must be a boolean`));
const list = (o: Json, key: string): unknown[] => (Array.isArray(o[key]) ? (o[key] as unknown[]) : invalid(`${key} must be a list`));

function segmentOf(v: unknown): SnapshotSegment {
  if (!isObject(v)) return invalid('a segment must be an object');
  const parts = v['parts'] === undefined ? undefined : list(v, 'parts').map(partOf);
  return {
    sequence: int(v, 'sequence'),
    uri: name(v['uri'], 'a segment uri'),
    initUri: name(v['initUri'], 'a segment initUri'),
    durationSec: num(v, 'durationSec'),
    discontinuity: bool(v, 'discontinuity'),
    programDateTime: num(v, 'programDateTime'),
    ...(parts ? { parts } : {}),
  };
}

function partOf(v: unknown): SnapshotPart {
  if (!isObject(v)) return invalid('a part must be an object');
  return { uri: name(v['uri'], 'a part uri'), durationSec: num(v, 'durationSec'), independent: bool(v, 'independent') };
}

/** Parses and checks a snapshot (ERR_HLS_SNAPSHOT_INVALID): every name generated, sequences contiguous. */
export function parseSnapshot(text: string): PackagerSnapshot {
  if (text.length > MAX_SNAPSHOT_BYTES) invalid('too large');
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return invalid('not JSON');
  }
  if (!isObject(raw)) return invalid('not an object');
  if (raw['version'] !== SNAPSHOT_VERSION) invalid(`version must be ${SNAPSHOT_VERSION}`);
  const snapshot: PackagerSnapshot = {
    version: SNAPSHOT_VERSION,
    savedAt: num(raw, 'savedAt'),
    targetDuration: int(raw, 'targetDuration', 1),
    nextSequence: int(raw, 'nextSequence'),
    nextPart: int(raw, 'nextPart'),
    nextInput: int(raw, 'nextInput'),
    discontinuitySequence: int(raw, 'discontinuitySequence'),
    listed: list(raw, 'listed').map(segmentOf),
    retained: list(raw, 'retained').map(segmentOf),
    inits: list(raw, 'inits').map((v) => name(v, 'an init')),
    openParts: list(raw, 'openParts').map((v) => name(v, 'an open part')),
    clockEndMs: num(raw, 'clockEndMs'),
  };
  const all = [...snapshot.retained, ...snapshot.listed];
  all.forEach((s, i) => {
    if (s.uri !== `seg-${s.sequence}.m4s`) invalid(`segment ${s.sequence} is named ${s.uri}`);
    if (i > 0 && s.sequence !== all[i - 1]!.sequence + 1) invalid('segment sequences are not contiguous');
  });
  const last = all.at(-1);
  if (last && snapshot.nextSequence !== last.sequence + 1) invalid('nextSequence does not follow the last segment');
  if (!snapshot.inits.every((n) => n.startsWith('init-')) || !all.every((s) => s.initUri.startsWith('init-'))) invalid('init names');
  return snapshot;
}
