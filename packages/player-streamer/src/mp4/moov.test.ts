import { describe, expect, it, test } from 'vitest';
import { Mp4ParseError } from '../errors.js';
import { box, fullBox, moov, u32 } from '../test-support/mp4-builder.js';
import { parseMoov, primaryTrack } from './moov.js';

const trex = { sampleDescriptionIndex: 1, sampleDuration: 512, sampleSize: 99, sampleFlags: 0x01010000 };

describe('parseMoov', () => {
  test.each([0, 1] as const)('reads track id, handler, timescale (tkhd/mdhd v%i) and trex defaults', (version) => {
    const movie = parseMoov(
      moov([
        { trackId: 1, handler: 'vide', timescale: 15360, trex, version },
        { trackId: 2, handler: 'soun', timescale: 44100, version },
        { trackId: 5, handler: 'subt', timescale: 1000, version },
      ]),
    );
    expect(movie.fragmented).toBe(true);
    expect([...movie.tracks.values()]).toEqual([
      { trackId: 1, handler: 'vide', kind: 'video', timescale: 15360, defaults: trex },
      { trackId: 2, handler: 'soun', kind: 'audio', timescale: 44100, defaults: { sampleDescriptionIndex: 1, sampleDuration: 0, sampleSize: 0, sampleFlags: 0 } },
      { trackId: 5, handler: 'subt', kind: 'other', timescale: 1000, defaults: { sampleDescriptionIndex: 1, sampleDuration: 0, sampleSize: 0, sampleFlags: 0 } },
    ]);
  });

  it('knows a moov without mvex is not fragmented (defaults all 0)', () => {
    const movie = parseMoov(moov([{ trackId: 1, handler: 'vide', timescale: 90000 }], { mvex: false }));
    expect(movie.fragmented).toBe(false);
    expect(movie.tracks.get(1)?.defaults).toEqual({ sampleDescriptionIndex: 0, sampleDuration: 0, sampleSize: 0, sampleFlags: 0 });
  });

  test.each([
    { name: 'no tracks', bytes: moov([]) },
    { name: 'a trak without mdia', bytes: box('moov', box('trak', fullBox('tkhd', 0, 0, u32(0), u32(0), u32(1), Buffer.alloc(64)))) },
    { name: 'a truncated mdhd', bytes: box('moov', box('trak', fullBox('tkhd', 0, 0, u32(0), u32(0), u32(1)), box('mdia', fullBox('mdhd', 0, 0, u32(0)), fullBox('hdlr', 0, 0, u32(0), Buffer.from('vide'))))) },
    { name: 'track_ID 0', bytes: moov([{ trackId: 0, handler: 'vide', timescale: 1000 }]) },
    { name: 'timescale 0', bytes: moov([{ trackId: 1, handler: 'vide', timescale: 0 }]) },
    { name: 'two tracks with one id', bytes: moov([{ trackId: 1, handler: 'vide', timescale: 1 }, { trackId: 1, handler: 'soun', timescale: 1 }]) },
  ])('refuses $name', ({ bytes }) => {
    expect(() => parseMoov(bytes)).toThrow(Mp4ParseError);
    try {
      parseMoov(bytes);
    } catch (error) {
      expect((error as Mp4ParseError).code).toBe('ERR_MP4_MALFORMED');
    }
  });
});

describe('primaryTrack', () => {
  test.each([
    { handlers: ['soun', 'vide'], primary: 2 },
    { handlers: ['vide', 'vide'], primary: 1 },
    { handlers: ['subt', 'soun'], primary: 2 },
    { handlers: ['subt', 'text'], primary: 1 },
  ])('of $handlers is track $primary', ({ handlers, primary }) => {
    const movie = parseMoov(moov(handlers.map((handler, i) => ({ trackId: i + 1, handler, timescale: 1000 }))));
    expect(primaryTrack(movie).trackId).toBe(primary);
  });
});
