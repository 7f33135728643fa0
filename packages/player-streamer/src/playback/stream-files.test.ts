import { resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { CACHE_CONTROL, CONTENT_TYPES, fileKind, isServableName, isStreamerSid, partNumberOf, streamFilePath } from './stream-files.js';

const ROOT = '/data/streams';
const SID = `VJ${'0123456789abcdef'.repeat(2)}`;

describe('stream files', () => {
  test.each(['index.m3u8', 'init-0.mp4', 'init-12.mp4', 'seg-0.m4s', 'seg-123456.m4s', 'part-0.m4s', 'part-98765.m4s'])('serves %s', (name) => {
    expect(isServableName(name)).toBe(true);
    expect(streamFilePath(ROOT, SID, name)).toBe(resolve(ROOT, SID, name));
  });

  test.each([
    '', '.', '..', '../index.m3u8', '..%2Findex.m3u8', '%2e%2e', 'index.m3u8/', '/etc/passwd', 'sub/seg-1.m4s', 'seg-1.m4s\0',
    'seg-01.m4s', 'seg--1.m4s', 'seg-1.mp4', 'init-1.m4s', 'INDEX.M3U8', 'index.m3u8.bak', '.index.m3u8.1.2.tmp', 'credentials.json',
    'seg-1.m4s\\..\\x', 'seg-99999999999999999.m4s',
    'part-01.m4s', 'part--1.m4s', 'part-1.mp4', 'part-.m4s', 'part-1.m4s/', '../part-1.m4s', 'part-1.m4s%2F..', '.part-1.m4s.1.2.tmp', 'PART-1.M4S',
  ])('refuses %j', (name) => {
    expect(isServableName(name)).toBe(false);
    expect(streamFilePath(ROOT, SID, name)).toBeUndefined();
  });

  test.each(['', 'VJ', `vj${SID.slice(2)}`, `${SID}0`, `VJ${'G'.repeat(32)}`, '..', `../${SID}`, `${SID}/..`, `RM${SID.slice(2)}`])(
    'refuses streamer %j',
    (sid) => {
      expect(isStreamerSid(sid)).toBe(false);
      expect(streamFilePath(ROOT, sid, 'index.m3u8')).toBeUndefined();
    },
  );

  test('content types and cache policy by kind', () => {
    expect(['index.m3u8', 'init-0.mp4', 'seg-3.m4s', 'part-7.m4s'].map(fileKind)).toEqual(['playlist', 'init', 'segment', 'part']);
    expect(CONTENT_TYPES).toEqual({ playlist: 'application/vnd.apple.mpegurl', init: 'video/mp4', segment: 'video/mp4', part: 'video/mp4' });
    expect(CACHE_CONTROL.playlist).toBe('no-cache');
    expect(CACHE_CONTROL.segment).toContain('immutable');
    expect(CACHE_CONTROL.part).toBe('max-age=31536000, immutable');
  });

  test.each<[string, number | undefined]>([
    ['part-0.m4s', 0],
    ['part-37.m4s', 37],
    ['part-9007199254740991.m4s', Number.MAX_SAFE_INTEGER],
    ['part-9999999999999999.m4s', undefined], // past 2^53
    ['part-01.m4s', undefined],
    ['seg-3.m4s', undefined],
    ['part-3.m4s.tmp', undefined],
    ['../part-3.m4s', undefined],
  ])('partNumberOf(%j)', (name, expected) => {
    expect(partNumberOf(name)).toBe(expected);
  });
});
