import { describe, expect, test } from 'vitest';
import { parseAttributes, parseLivePlaylist, type LivePlaylist } from './live-playlist.js';
import { LIVE_LL_PLAYLIST } from '../test-support/live-playlist-fixture.js';

const HEAD = [
  '#EXTM3U',
  '#EXT-X-VERSION:9',
  '#EXT-X-TARGETDURATION:2',
  '#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=0.700',
  '#EXT-X-PART-INF:PART-TARGET=0.234',
  '#EXT-X-MEDIA-SEQUENCE:5',
  '#EXT-X-DISCONTINUITY-SEQUENCE:0',
  '#EXT-X-INDEPENDENT-SEGMENTS',
  '#EXT-X-MAP:URI="init-0.mp4"',
];
const part = (n: number, independent = false) => `#EXT-X-PART:DURATION=0.200,URI="part-${n}.m4s"${independent ? ',INDEPENDENT=YES' : ''}`;
const parts = (from: number, count: number) => Array.from({ length: count }, (_, i) => part(from + i, i === 0));
const segment = (msn: number, pdt: string) => [`#EXT-X-PROGRAM-DATE-TIME:2026-12-03T10:00:${pdt}.000Z`, '#EXTINF:1.000,', `seg-${msn}.m4s`];
const hint = (n: number) => `#EXT-X-PRELOAD-HINT:TYPE=PART,URI="part-${n}.m4s"`;

/** the playlist of the brief: segments 5 and 6 (6 with parts 30–34), open segment 7 with parts 35–36, hint 37 */
const BRIEF = [
  ...HEAD,
  ...segment(5, '05'),
  '#EXT-X-PROGRAM-DATE-TIME:2026-12-03T10:00:06.000Z',
  ...parts(30, 5),
  '#EXTINF:1.000,',
  'seg-6.m4s',
  '#EXT-X-PROGRAM-DATE-TIME:2026-12-03T10:00:07.000Z',
  ...parts(35, 2),
  hint(37),
];

const STANDARD = [
  '#EXTM3U',
  '#EXT-X-VERSION:7',
  '#EXT-X-TARGETDURATION:1',
  '#EXT-X-MEDIA-SEQUENCE:12',
  '#EXT-X-DISCONTINUITY-SEQUENCE:0',
  '#EXT-X-INDEPENDENT-SEGMENTS',
  '#EXT-X-MAP:URI="init-0.mp4"',
  ...segment(12, '01'),
  ...segment(13, '02'),
  ...segment(14, '03'),
];

const base: LivePlaylist = LIVE_LL_PLAYLIST;

describe('parseLivePlaylist', () => {
  test.each<[string, string[], Partial<LivePlaylist>]>([
    ['the brief: open segment 7 with two parts, hint part-37', BRIEF, {}],
    ['CRLF line ends and trailing blanks', BRIEF.map((l) => `${l}  `), {}],
    [
      'no open parts yet: only the hint after the last segment',
      [...HEAD, ...segment(5, '05'), ...parts(30, 5), '#EXTINF:1.000,', 'seg-6.m4s', hint(35)],
      { openParts: 0, lastPartNumber: 34, preloadHint: { uri: 'part-35.m4s', partNumber: 35 } },
    ],
    [
      'nothing complete yet: parts of segment 0 only',
      [...HEAD.map((l) => l.replace('MEDIA-SEQUENCE:5', 'MEDIA-SEQUENCE:0')), ...parts(0, 3), hint(3)],
      { mediaSequence: 0, lastMsn: undefined, openMsn: 0, openParts: 3, lastSegmentParts: 0, lastPartNumber: 2, preloadHint: { uri: 'part-3.m4s', partNumber: 3 } },
    ],
    [
      'a discontinuity and a new map before the open segment',
      [...HEAD, ...segment(5, '05'), ...parts(30, 5), '#EXTINF:1.000,', 'seg-6.m4s', '#EXT-X-DISCONTINUITY', '#EXT-X-MAP:URI="init-1.mp4"', ...parts(35, 1), hint(36)],
      { openParts: 1, lastPartNumber: 35, preloadHint: { uri: 'part-36.m4s', partNumber: 36 } },
    ],
    [
      'ended: ENDLIST, no hint',
      [...HEAD, ...segment(5, '05'), ...parts(30, 5), '#EXTINF:1.000,', 'seg-6.m4s', '#EXT-X-ENDLIST'],
      { openParts: 0, lastPartNumber: 34, preloadHint: undefined, ended: true },
    ],
    [
      'standard latency (version 7): no blocking, no parts',
      STANDARD,
      { targetDuration: 1, mediaSequence: 12, lastMsn: 14, openMsn: 15, openParts: 0, lastSegmentParts: 0, partTarget: undefined, lastPartNumber: undefined, preloadHint: undefined, canBlockReload: false },
    ],
    [
      'CAN-BLOCK-RELOAD=NO',
      BRIEF.map((l) => l.replace('CAN-BLOCK-RELOAD=YES', 'CAN-BLOCK-RELOAD=NO')),
      { canBlockReload: false },
    ],
    [
      'a hint of another TYPE is not a part hint; the first PART hint counts',
      [...BRIEF.slice(0, -1), '#EXT-X-PRELOAD-HINT:TYPE=MAP,URI="init-2.mp4"', hint(37), hint(38)],
      {},
    ],
    [
      'a hint that is not one of our part names',
      [...BRIEF.slice(0, -1), '#EXT-X-PRELOAD-HINT:TYPE=PART,URI="../part-37.m4s"'],
      { preloadHint: { uri: '../part-37.m4s', partNumber: undefined } },
    ],
    [
      'no MEDIA-SEQUENCE means 0',
      BRIEF.filter((l) => !l.startsWith('#EXT-X-MEDIA-SEQUENCE')),
      { mediaSequence: 0, lastMsn: 1, openMsn: 2 },
    ],
    [
      'garbage values are ignored, not thrown',
      ['#EXTM3U', '#EXT-X-TARGETDURATION:x', '#EXT-X-MEDIA-SEQUENCE:-3', '#EXT-X-PART-INF:PART-TARGET=abc', 'seg-1.m4s', '#EXTINF:1,'],
      { targetDuration: 0, mediaSequence: 0, lastMsn: undefined, openMsn: 0, openParts: 0, lastSegmentParts: 0, partTarget: undefined, lastPartNumber: undefined, preloadHint: undefined, canBlockReload: false },
    ],
  ])('%s', (_name, lines, expected) => {
    const text = `${lines.join(_name.startsWith('CRLF') ? '\r\n' : '\n')}\n`;
    expect(parseLivePlaylist(text)).toEqual({ ...base, ...expected });
  });

  test('an empty text', () => {
    expect(parseLivePlaylist('')).toMatchObject({ openMsn: 0, lastMsn: undefined, canBlockReload: false, ended: false });
  });
});

describe('parseAttributes', () => {
  test.each([
    ['CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=0.700', { 'CAN-BLOCK-RELOAD': 'YES', 'PART-HOLD-BACK': '0.700' }],
    ['DURATION=0.200,URI="part-30.m4s",INDEPENDENT=YES', { DURATION: '0.200', URI: 'part-30.m4s', INDEPENDENT: 'YES' }],
    ['URI="a,b.m4s",TYPE=PART', { URI: 'a,b.m4s', TYPE: 'PART' }],
    ['TYPE=PART,TYPE=MAP', { TYPE: 'PART' }],
  ])('%s', (list, expected) => {
    expect(Object.fromEntries(parseAttributes(list))).toEqual(expected);
  });
});
