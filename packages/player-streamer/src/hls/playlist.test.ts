import { describe, expect, it, test } from 'vitest';
import { renderPlaylist, formatDuration, type PlaylistSegment } from './playlist.js';
import { ProgramClock } from './program-clock.js';
import { LiveWindow } from './window.js';

const T0 = Date.UTC(2026, 10, 22, 10, 0, 0);
const seg = (sequence: number, options: Partial<PlaylistSegment> = {}): PlaylistSegment => ({
  sequence,
  uri: `seg-${sequence}.m4s`,
  initUri: 'init-0.mp4',
  durationSec: 2,
  discontinuity: false,
  programDateTime: new Date(T0 + sequence * 2000),
  ...options,
});

describe('renderPlaylist', () => {
  it('writes header, map, dates, durations and segments', () => {
    const text = renderPlaylist({
      targetDuration: 3,
      mediaSequence: 4,
      discontinuitySequence: 1,
      segments: [seg(4, { durationSec: 2.0004 }), seg(5, { discontinuity: true, initUri: 'init-1.mp4', durationSec: 1.9996 }), seg(6, { initUri: 'init-1.mp4' })],
      ended: false,
    });
    expect(text).toBe(
      [
        '#EXTM3U',
        '#EXT-X-VERSION:7',
        '#EXT-X-TARGETDURATION:3',
        '#EXT-X-MEDIA-SEQUENCE:4',
        '#EXT-X-DISCONTINUITY-SEQUENCE:1',
        '#EXT-X-INDEPENDENT-SEGMENTS',
        '#EXT-X-MAP:URI="init-0.mp4"',
        '#EXT-X-PROGRAM-DATE-TIME:2026-11-22T10:00:08.000Z',
        '#EXTINF:2.000,',
        'seg-4.m4s',
        '#EXT-X-DISCONTINUITY',
        '#EXT-X-MAP:URI="init-1.mp4"',
        '#EXT-X-PROGRAM-DATE-TIME:2026-11-22T10:00:10.000Z',
        '#EXTINF:2.000,',
        'seg-5.m4s',
        '#EXT-X-PROGRAM-DATE-TIME:2026-11-22T10:00:12.000Z',
        '#EXTINF:2.000,',
        'seg-6.m4s',
        '',
      ].join('\n'),
    );
  });

  it('ends with EXT-X-ENDLIST when ended, also without segments', () => {
    expect(renderPlaylist({ targetDuration: 2, mediaSequence: 0, discontinuitySequence: 0, segments: [], ended: true }).trimEnd().split('\n').at(-1)).toBe('#EXT-X-ENDLIST');
  });

  test.each([
    [2, '2.000'],
    [1.0005, '1.000'],
    [0.033333, '0.033'],
    [2.9999, '3.000'],
  ])('formats %d as %s', (sec, text) => expect(formatDuration(sec)).toBe(text));
});

describe('LiveWindow', () => {
  const fill = (window: LiveWindow, segments: PlaylistSegment[]) => segments.map((s) => window.add(s).map((e) => e.sequence));

  it('lists the last windowSegments segments and expires them keepSegments later', () => {
    const window = new LiveWindow({ windowSegments: 3, keepSegments: 2, minWindowSec: 0 });
    const expired = fill(window, [0, 1, 2, 3, 4, 5, 6].map((n) => seg(n)));
    expect(window.segments.map((s) => s.sequence)).toEqual([4, 5, 6]);
    expect(window.mediaSequence).toBe(4);
    expect(expired).toEqual([[], [], [], [], [], [0], [1]]);
  });

  it('keeps at least minWindowSec listed (3 × TARGETDURATION)', () => {
    const window = new LiveWindow({ windowSegments: 2, keepSegments: 0, minWindowSec: 9 });
    fill(window, [0, 1, 2, 3, 4, 5, 6].map((n) => seg(n)));
    expect(window.segments.map((s) => s.sequence)).toEqual([2, 3, 4, 5, 6]);
    window.add(seg(7, { durationSec: 6 }));
    expect(window.segments.map((s) => s.sequence)).toEqual([5, 6, 7]); // 10 s; [6, 7] would be 8 s < 9 s
  });

  it('counts discontinuities that left the window', () => {
    const window = new LiveWindow({ windowSegments: 2, keepSegments: 1, minWindowSec: 0 });
    const steps = [seg(0), seg(1, { discontinuity: true }), seg(2), seg(3, { discontinuity: true }), seg(4), seg(5)].map((s) => {
      window.add(s);
      return [window.mediaSequence, window.discontinuitySequence];
    });
    expect(steps).toEqual([
      [0, 0],
      [0, 0],
      [1, 0],
      [2, 1],
      [3, 1],
      [4, 2],
    ]);
  });

  it('knows which init files listed and retained segments need', () => {
    const window = new LiveWindow({ windowSegments: 1, keepSegments: 1, minWindowSec: 0 });
    fill(window, [seg(0), seg(1, { initUri: 'init-1.mp4' }), seg(2, { initUri: 'init-2.mp4' })]);
    expect([...window.referencedInits()].sort()).toEqual(['init-1.mp4', 'init-2.mp4']);
  });

  it('reports media sequence 0 when empty', () => {
    expect(new LiveWindow({ windowSegments: 1, keepSegments: 1, minWindowSec: 0 }).mediaSequence).toBe(0);
  });
});

describe('ProgramClock', () => {
  it('follows media time inside an input and never goes back across inputs', () => {
    const clock = new ProgramClock();
    clock.anchor(T0, 0.5);
    expect(clock.date(0.5, 2).getTime()).toBe(T0);
    expect(clock.date(2.5, 2).getTime()).toBe(T0 + 2000);
    // A new input whose first fragment arrived "earlier" than the previous input ended.
    clock.anchor(T0 + 1000, 0);
    expect(clock.date(0, 2).getTime()).toBe(T0 + 4000);
    clock.anchor(T0 + 60_000, 100);
    expect(clock.date(102, 2).getTime()).toBe(T0 + 62_000);
  });
});
