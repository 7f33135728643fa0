/** Sends one HLS file with its type, length and cache policy; the caller has authorised it. */
import type { ServerResponse } from 'node:http';
import type { StreamFileCache } from './file-cache.js';
import { PlaybackRefusal } from './refusal.js';
import { CACHE_CONTROL, CONTENT_TYPES, type StreamFileKind } from './stream-files.js';

const MISSING = new Set(['ENOENT', 'ENOTDIR', 'EISDIR']);
/** init, segment and part files are checked against the disk at most this often (see file-cache.ts) */
const SEGMENT_RECHECK_MS = 1_000;

const NOT_FOUND: Readonly<Record<StreamFileKind, string>> = {
  playlist: 'The stream has no segment yet',
  init: 'No such segment (it may have left the live window)',
  segment: 'No such segment (it may have left the live window)',
  part: 'No such part (it may have left the live window)',
};

/** True for the fs errors that mean "no such file". */
export const isMissing = (error: unknown): boolean => {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code !== undefined && MISSING.has(code);
};

/**
 * The bytes come whole from the cache (file-cache.ts), which reads each file through one
 * descriptor: the packager renames complete files into place, so a viewer gets the old or
 * the new file whole, never a mix. A missing file → 404, any other error → 500.
 */
export async function readStreamFile(cache: StreamFileCache, path: string, kind: StreamFileKind): Promise<Buffer> {
  try {
    return await cache.read(path, kind === 'playlist' ? 0 : SEGMENT_RECHECK_MS);
  } catch (error) {
    if (isMissing(error)) throw PlaybackRefusal.notFound(NOT_FOUND[kind]);
    throw PlaybackRefusal.internal();
  }
}

export function sendStreamFile(res: ServerResponse, data: Buffer, kind: StreamFileKind, head: boolean): void {
  res.statusCode = 200;
  res.setHeader('Content-Type', CONTENT_TYPES[kind]);
  res.setHeader('Content-Length', String(data.length));
  res.setHeader('Cache-Control', CACHE_CONTROL[kind]);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.end(head ? undefined : data);
}

export async function serveFile(res: ServerResponse, cache: StreamFileCache, path: string, kind: StreamFileKind, head: boolean): Promise<void> {
  sendStreamFile(res, await readStreamFile(cache, path, kind), kind, head);
}
