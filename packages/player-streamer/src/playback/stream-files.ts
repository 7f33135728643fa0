/**
 * Which files the playback origin serves, and where: only names the HLS packager
 * generates, only inside `<storageDir>/<VJ…>`. Pure apart from `path`.
 */
import { resolve, sep } from 'node:path';
import { PLAYLIST_FILE, isGeneratedName } from '../hls/files.js';

/** A PlayerStreamer SID: VJ + 32 lower-case hex digits. */
const STREAMER_SID = /^VJ[0-9a-f]{32}$/;

export const isStreamerSid = (value: string): boolean => STREAMER_SID.test(value);

/** A file name the origin may serve: index.m3u8, init-<n>.mp4, seg-<n>.m4s, part-<n>.m4s (no temp files). */
export const isServableName = (name: string): boolean => isGeneratedName(name);

export type StreamFileKind = 'playlist' | 'init' | 'segment' | 'part';

const PART = /^part-(0|[1-9]\d{0,15})\.m4s$/;

/** G of a Low-Latency HLS part name `part-<G>.m4s` (one global sequence per streamer), else undefined. */
export function partNumberOf(name: string): number | undefined {
  const m = PART.exec(name);
  if (!m) return undefined;
  const n = Number(m[1]);
  return Number.isSafeInteger(n) ? n : undefined;
}

export function fileKind(name: string): StreamFileKind {
  if (name === PLAYLIST_FILE) return 'playlist';
  if (name.endsWith('.mp4')) return 'init';
  return name.startsWith('part-') ? 'part' : 'segment';
}

export const CONTENT_TYPES: Readonly<Record<StreamFileKind, string>> = Object.freeze({
  playlist: 'application/vnd.apple.mpegurl',
  init: 'video/mp4',
  segment: 'video/mp4',
  part: 'video/mp4',
});

/** Playlists change every part or segment; init, segment and part files never change once written. */
export const CACHE_CONTROL: Readonly<Record<StreamFileKind, string>> = Object.freeze({
  playlist: 'no-cache',
  init: 'max-age=31536000, immutable',
  segment: 'max-age=31536000, immutable',
  part: 'max-age=31536000, immutable',
});

/** The directory of one streamer's HLS files. */
export function streamerDir(storageDir: string, streamerSid: string): string | undefined {
  if (!isStreamerSid(streamerSid)) return undefined;
  const root = resolve(storageDir);
  const dir = resolve(root, streamerSid);
  return dir.startsWith(root + sep) ? dir : undefined;
}

/**
 * The absolute path of a servable file of a streamer, or undefined. The name patterns
 * already rule out separators and dot segments; the resolved-prefix check is a second guard.
 */
export function streamFilePath(storageDir: string, streamerSid: string, name: string): string | undefined {
  if (!isServableName(name)) return undefined;
  const dir = streamerDir(storageDir, streamerSid);
  if (dir === undefined) return undefined;
  const path = resolve(dir, name);
  return path.startsWith(dir + sep) && path.lastIndexOf(sep) === dir.length ? path : undefined;
}
