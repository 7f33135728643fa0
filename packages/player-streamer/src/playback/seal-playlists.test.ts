import { mkdtemp, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { renderPlaylist, type PlaylistModel } from '../hls/playlist.js';
import { parseLivePlaylist } from './live-playlist.js';
import { sealPlaylistText, sealStalePlaylists } from './seal-playlists.js';

const at = (s: number) => new Date(Date.UTC(2026, 11, 7, 2, 0, s));
const part = (n: number, independent = false) => ({ uri: `part-${n}.m4s`, durationSec: 0.2, independent });

const live: PlaylistModel = {
  targetDuration: 2,
  mediaSequence: 5,
  discontinuitySequence: 0,
  ended: false,
  segments: [
    { sequence: 5, uri: 'seg-5.m4s', initUri: 'init-0.mp4', durationSec: 1, discontinuity: false, programDateTime: at(0) },
    {
      sequence: 6,
      uri: 'seg-6.m4s',
      initUri: 'init-0.mp4',
      durationSec: 1,
      discontinuity: false,
      programDateTime: at(1),
      parts: [part(30, true), part(31), part(32), part(33), part(34)],
    },
  ],
  lowLatency: {
    partTargetSec: 0.234,
    partHoldBackSec: 0.702,
    open: { initUri: 'init-1.mp4', discontinuity: true, programDateTime: at(2), parts: [part(35, true), part(36)] },
    preloadHintUri: 'part-37.m4s',
  },
};

describe('sealPlaylistText', () => {
  test('a live LL-HLS playlist becomes the one the packager would have finished (open parts and hint gone, ENDLIST)', () => {
    const sealed = sealPlaylistText(renderPlaylist(live));
    expect(sealed).toBe(renderPlaylist({ ...live, ended: true }));
    expect(parseLivePlaylist(sealed!)).toMatchObject({ ended: true, lastMsn: 6, preloadHint: undefined });
  });

  test('a standard live playlist gets ENDLIST', () => {
    const standard = { ...live, lowLatency: undefined };
    expect(sealPlaylistText(renderPlaylist(standard))).toBe(renderPlaylist({ ...standard, ended: true }));
  });

  test('an ended playlist is left as it is', () => {
    expect(sealPlaylistText(renderPlaylist({ ...live, ended: true }))).toBeUndefined();
  });

  test('a playlist with parts but no complete segment keeps its header only', () => {
    const text = sealPlaylistText(renderPlaylist({ ...live, segments: [] }))!;
    expect(text).not.toMatch(/#EXT-X-PART:|PRELOAD-HINT|#EXT-X-MAP/);
    expect(text).toMatch(/#EXT-X-PART-INF:PART-TARGET=0\.234\n/);
    expect(text.endsWith('#EXT-X-ENDLIST\n')).toBe(true);
  });
});

describe('sealStalePlaylists', () => {
  let root: string;
  afterEach(() => rm(root, { recursive: true, force: true }));

  test('seals the playlists of inactive streamers only; leaves no temp file', async () => {
    root = await mkdtemp(join(tmpdir(), 'onair-seal-'));
    const ended = `VJ${'a'.repeat(32)}`;
    const active = `VJ${'b'.repeat(32)}`;
    const empty = `VJ${'c'.repeat(32)}`;
    for (const sid of [ended, active, empty]) await mkdir(join(root, sid));
    await writeFile(join(root, ended, 'index.m3u8'), renderPlaylist(live));
    await writeFile(join(root, active, 'index.m3u8'), renderPlaylist(live));
    await mkdir(join(root, 'not-a-streamer'));

    const sealed = await sealStalePlaylists({ storageDir: root, isActive: async (sid) => sid === active });
    expect(sealed).toEqual([ended]);
    expect(await readFile(join(root, ended, 'index.m3u8'), 'utf8')).toBe(renderPlaylist({ ...live, ended: true }));
    expect(await readFile(join(root, active, 'index.m3u8'), 'utf8')).toBe(renderPlaylist(live));
    expect(await readdir(join(root, ended))).toEqual(['index.m3u8']);
    // a second run has nothing to do
    expect(await sealStalePlaylists({ storageDir: root, isActive: async (sid) => sid === active })).toEqual([]);
  });

  test('no streams directory: nothing to do', async () => {
    root = await mkdtemp(join(tmpdir(), 'onair-seal-'));
    expect(await sealStalePlaylists({ storageDir: join(root, 'missing'), isActive: async () => false })).toEqual([]);
  });
});
