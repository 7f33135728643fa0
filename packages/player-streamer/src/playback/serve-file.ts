/** Sends one HLS file with its type, length and cache policy; the caller has authorised it. */
import type { ServerResponse } from 'node:http';
import type { StreamFileCache } from './file-cache.js';
import { PlaybackRefusal } from './refusal.js';
import { CACHE_CONTROL, CONTENT_TYPES, type StreamFileKind } from './stream-files.js';

const MISSING = new Set(['ENOENT', 'ENOTDIR', 'EISDIR']);
/** init and segment files are checked against the disk at most this often (see file-cache.ts) */
const SEGMENT_RECHECK_MS = 1_000;

/**
 * The bytes come whole from the cache (file-cache.ts), which reads each file through one
 * descriptor: the packager renames complete files into place, so a viewer gets the old or
 * the new file whole, never a mix.
 */
export async function serveFile(res: ServerResponse, cache: StreamFileCache, path: string, kind: StreamFileKind, head: boolean): Promise<void> {
  let data: Buffer;
  try {
    data = await cache.read(path, kind === 'playlist' ? 0 : SEGMENT_RECHECK_MS);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    if (code !== undefined && MISSING.has(code)) {
      throw PlaybackRefusal.notFound(kind === 'playlist' ? 'The stream has no segment yet' : 'No such segment (it may have left the live window)');
    }
    throw PlaybackRefusal.internal();
  }
  res.statusCode = 200;
  res.setHeader('Content-Type', CONTENT_TYPES[kind]);
  res.setHeader('Content-Length', String(data.length));
  res.setHeader('Cache-Control', CACHE_CONTROL[kind]);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.end(head ? undefined : data);
}
