/**
 * Which files the playback origin serves, and where: only names the HLS packager
 * generates, only inside `<storageDir>/<VJ…>`. Pure apart from `path`.
 */
import { resolve, sep } from 'node:path';
import { PLAYLIST_FILE, isGeneratedName } from '../hls/files.js';

/** A PlayerStreamer SID: VJ + 32 lower-case hex digits. */
const STREAMER_SID = /^VJ[0-9a-f]{32}$/;

export const isStreamerSid = (value: string): boolean => STREAMER_SID.test(value);

/** A file name the origin may serve: index.m3u8, init-<n>.mp4, seg-<n>.m4s (no temp files). */
export const isServableName = (name: string): boolean => isGeneratedName(name);

export type StreamFileKind = 'playlist' | 'init' | 'segment';

export function fileKind(name: string): StreamFileKind {
  if (name === PLAYLIST_FILE) return 'playlist';
  return name.endsWith('.mp4') ? 'init' : 'segment';
}

export const CONTENT_TYPES: Readonly<Record<StreamFileKind, string>> = Object.freeze({
  playlist: 'application/vnd.apple.mpegurl',
  init: 'video/mp4',
  segment: 'video/mp4',
});

/** Playlists change every segment; init and segment files never change once written. */
export const CACHE_CONTROL: Readonly<Record<StreamFileKind, string>> = Object.freeze({
  playlist: 'no-cache',
  init: 'max-age=31536000, immutable',
  segment: 'max-age=31536000, immutable',
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
