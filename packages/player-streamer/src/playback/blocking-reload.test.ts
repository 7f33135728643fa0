import { describe, expect, test } from 'vitest';
import { advancePartLimit, decideMissingPart, decideReload, holdTimeoutMs, parseDirectives, type BlockingRequest } from './blocking-reload.js';
import type { LivePlaylist } from './live-playlist.js';
import { LIVE_LL_PLAYLIST } from '../test-support/live-playlist-fixture.js';

const LIVE: LivePlaylist = LIVE_LL_PLAYLIST;
/** segment 6 just completed: no part of segment 7 yet, hint part-35 */
const BOUNDARY: LivePlaylist = { ...LIVE, openParts: 0, lastPartNumber: 34, preloadHint: { uri: 'part-35.m4s', partNumber: 35 } };

describe('parseDirectives (strict)', () => {
  test.each<[string, ReturnType<typeof parseDirectives>]>([
    ['', { kind: 'none' }],
    ['foo=1', { kind: 'none' }],
    ['_HLS_skip=YES', { kind: 'none' }],
    ['_HLS_msn=7', { kind: 'block', request: { msn: 7 } }],
    ['_HLS_msn=7&_HLS_part=2', { kind: 'block', request: { msn: 7, part: 2 } }],
    ['_HLS_part=0&_HLS_msn=0&_HLS_skip=YES', { kind: 'block', request: { msn: 0, part: 0 } }],
    ['_HLS_msn=%37', { kind: 'block', request: { msn: 7 } }],
    ['_HLS_msn=007', { kind: 'block', request: { msn: 7 } }],
  ])('%j', (query, expected) => {
    expect(parseDirectives(query)).toEqual(expected);
  });

  test.each([
    '_HLS_part=2',
    '_HLS_part=',
    '_HLS_msn=',
    '_HLS_msn',
    '_HLS_msn=-1',
    '_HLS_msn=1.5',
    '_HLS_msn=1e3',
    '_HLS_msn=0x10',
    '_HLS_msn=abc',
    '_HLS_msn=+1',
    '_HLS_msn=%201',
    '_HLS_msn=99999999999999999',
    '_HLS_msn=7&_HLS_part=-1',
    '_HLS_msn=7&_HLS_part=x',
    '_HLS_msn=7&_HLS_msn=8',
    '_HLS_msn=7&_HLS_part=1&_HLS_part=2',
  ])('400 for %j', (query) => {
    expect(parseDirectives(query)).toMatchObject({ kind: 'bad', reason: expect.any(String) });
  });
});

describe('decideReload', () => {
  const answer = { kind: 'answer' };
  const hold = { kind: 'hold' };
  const refuse = { kind: 'refuse', reason: expect.any(String) };
  test.each<[string, LivePlaylist, BlockingRequest, object]>([
    ['a complete segment', LIVE, { msn: 6 }, answer],
    ['an old segment, gone from the playlist', LIVE, { msn: 1 }, answer],
    ['the open segment, complete: wait', LIVE, { msn: 7 }, hold],
    ['the segment after the open one', LIVE, { msn: 8 }, hold],
    ['more than two segments beyond the last (6 + 2 = 8)', LIVE, { msn: 9 }, refuse],
    ['a listed part of the open segment', LIVE, { msn: 7, part: 1 }, answer],
    ['the next part (the hinted one)', LIVE, { msn: 7, part: 2 }, hold],
    ['a part of a complete segment', LIVE, { msn: 6, part: 4 }, answer],
    ['a part of an older segment', LIVE, { msn: 5, part: 9 }, answer],
    ['past the final part of a complete segment = part 0 of the open one (listed)', LIVE, { msn: 6, part: 5 }, answer],
    ['past the final part of a complete segment = part 0 of the open one (not yet)', BOUNDARY, { msn: 6, part: 5 }, hold],
    ['part 0 of the open segment before any part exists', BOUNDARY, { msn: 7, part: 0 }, hold],
    ['within the Advance Part Limit (3 / 0.234 = 12.8 parts ahead)', LIVE, { msn: 7, part: 13 }, hold],
    ['beyond the Advance Part Limit', LIVE, { msn: 7, part: 14 }, refuse],
    ['the next segment, within the limit', LIVE, { msn: 8, part: 0 }, hold],
    ['the next segment, beyond the limit', LIVE, { msn: 8, part: 12 }, refuse],
    ['ENDLIST: answered at once, however far ahead', { ...LIVE, ended: true }, { msn: 1000, part: 1000 }, answer],
    ['no CAN-BLOCK-RELOAD: answered at once', { ...LIVE, canBlockReload: false }, { msn: 1000 }, answer],
    ['nothing complete yet: segment 0 whole', { ...LIVE, mediaSequence: 0, lastMsn: undefined, openMsn: 0, lastSegmentParts: 0 }, { msn: 0 }, hold],
    ['nothing complete yet: segment 1', { ...LIVE, mediaSequence: 0, lastMsn: undefined, openMsn: 0, lastSegmentParts: 0 }, { msn: 1 }, hold],
    ['nothing complete yet: segment 2', { ...LIVE, mediaSequence: 0, lastMsn: undefined, openMsn: 0, lastSegmentParts: 0 }, { msn: 2 }, refuse],
  ])('%s', (_name, playlist, request, expected) => {
    expect(decideReload(playlist, request)).toEqual(expected);
  });

  test('the Advance Part Limit', () => {
    expect(advancePartLimit(0.2)).toBeCloseTo(15);
    expect(advancePartLimit(0.5)).toBe(6);
    expect(advancePartLimit(1)).toBe(3);
    expect(advancePartLimit(2)).toBe(3);
    expect(advancePartLimit(undefined)).toBe(3);
  });

  test('held at most three target durations', () => {
    expect(holdTimeoutMs(LIVE)).toBe(6_000);
    expect(holdTimeoutMs({ ...LIVE, targetDuration: 0 })).toBe(3_000);
  });
});

describe('decideMissingPart', () => {
  test.each<[string, LivePlaylist, number, 'hold' | 'refuse']>([
    ['the hinted part', LIVE, 37, 'hold'],
    ['one past the hint', LIVE, 38, 'hold'],
    ['two past the hint', LIVE, 39, 'hold'],
    ['three past the hint', LIVE, 40, 'refuse'],
    ['far ahead', LIVE, 1_000, 'refuse'],
    ['listed (so written) but missing: gone', LIVE, 36, 'refuse'],
    ['long gone', LIVE, 3, 'refuse'],
    ['the hint at a segment boundary', BOUNDARY, 35, 'hold'],
    ['ended', { ...LIVE, ended: true, preloadHint: undefined }, 37, 'refuse'],
    ['a playlist without parts', { ...LIVE, lastPartNumber: undefined, preloadHint: undefined, partTarget: undefined }, 0, 'refuse'],
    ['only a hint, no part listed yet', { ...LIVE, lastPartNumber: undefined, preloadHint: { uri: 'part-0.m4s', partNumber: 0 } }, 0, 'hold'],
    ['no hint: the next after the last listed', { ...LIVE, preloadHint: undefined }, 37, 'hold'],
  ])('%s', (_name, playlist, partNumber, expected) => {
    expect(decideMissingPart(playlist, partNumber).kind).toBe(expected);
  });
});
