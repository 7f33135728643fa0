/**
 * Playlists left live by a server that died: its packager never wrote EXT-X-ENDLIST, so a
 * viewer of that stream (its session survives a restart) would reload a playlist that never
 * changes. At start, before any packager runs, every playlist of a streamer that is no longer
 * active is sealed: the open segment's parts and the preload hint go, EXT-X-ENDLIST is
 * added. A player at the live edge then plays out what was listed and ends.
 */
import { randomBytes } from 'node:crypto';
import { readFile, readdir, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PLAYLIST_FILE } from '../hls/files.js';
import { isStreamerSid, streamerDir } from './stream-files.js';

/**
 * The playlist as the packager would have finished it: complete segments only, no preload
 * hint, EXT-X-ENDLIST; undefined when it has ended already. Pure.
 */
export function sealPlaylistText(text: string): string | undefined {
  const lines = text.split('\n').map((l) => l.trimEnd());
  while (lines.length > 0 && lines.at(-1) === '') lines.pop();
  if (lines.includes('#EXT-X-ENDLIST')) return undefined;
  // after the last segment URI come only the open segment's tags (parts, map, date) and the hint
  let lastUri = -1;
  lines.forEach((line, i) => {
    if (line !== '' && !line.startsWith('#')) lastUri = i;
  });
  const header = lastUri === -1 ? lines.filter((l) => !isOpenSegmentTag(l)) : lines.slice(0, lastUri + 1);
  return `${[...header, '#EXT-X-ENDLIST'].join('\n')}\n`;
}

const isOpenSegmentTag = (line: string) =>
  /^#EXT-X-(?:PART|PRELOAD-HINT|MAP|PROGRAM-DATE-TIME|DISCONTINUITY):?/.test(line) && !line.startsWith('#EXT-X-PART-INF');

export interface SealOptions {
  storageDir: string;
  /** true while the streamer may still get media (created or started); a sealed playlist never changes again */
  isActive(streamerSid: string): Promise<boolean>;
  onError?(error: unknown, streamerSid: string): void;
}

/** Seals the playlist of every inactive streamer under `storageDir`; resolves with their SIDs. */
export async function sealStalePlaylists(opts: SealOptions): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(opts.storageDir);
  } catch {
    return []; // no streams yet
  }
  const sealed: string[] = [];
  for (const sid of names.filter(isStreamerSid)) {
    const dir = streamerDir(opts.storageDir, sid);
    if (dir === undefined) continue;
    try {
      if (await opts.isActive(sid)) continue;
      const path = join(dir, PLAYLIST_FILE);
      const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return undefined;
        throw error;
      });
      const next = text === undefined ? undefined : sealPlaylistText(text);
      if (next === undefined) continue;
      // the packager's temp-name pattern, renamed over: readers see the old or the new playlist
      const temp = join(dir, `.${PLAYLIST_FILE}.${process.pid}.${randomBytes(4).readUInt32BE()}.tmp`);
      try {
        await writeFile(temp, next, { flag: 'wx' });
        await rename(temp, path);
      } catch (error) {
        await unlink(temp).catch(() => undefined);
        throw error;
      }
      sealed.push(sid);
    } catch (error) {
      opts.onError?.(error, sid);
    }
  }
  return sealed;
}
