import { describe, expect, test } from 'vitest';
import { containDestRect, coverSourceRect } from './fit.js';

describe('coverSourceRect: the part of a frame that fills a tile, centred', () => {
  test.each([
    // frame, tile → source rect
    ['same shape: all of it', 1280, 720, 640, 360, { x: 0, y: 0, width: 1280, height: 720 }],
    ['16:9 frame, square tile: cut the sides', 1280, 720, 300, 300, { x: 280, y: 0, width: 720, height: 720 }],
    ['4:3 frame, 16:9 tile: cut top and bottom', 640, 480, 1280, 720, { x: 0, y: 60, width: 640, height: 360 }],
    ['portrait frame, landscape tile', 720, 1280, 1600, 900, { x: 0, y: 437.5, width: 720, height: 405 }],
    ['landscape frame, portrait tile', 1920, 1080, 540, 960, { x: 656.25, y: 0, width: 607.5, height: 1080 }],
    ['tiny frame, huge tile: scaled up, still centred', 160, 120, 1920, 1080, { x: 0, y: 15, width: 160, height: 90 }],
  ])('%s', (_name, fw, fh, tw, th, want) => {
    const got = coverSourceRect(fw, fh, { width: tw, height: th });
    expect(got.x).toBeCloseTo(want.x, 6);
    expect(got.y).toBeCloseTo(want.y, 6);
    expect(got.width).toBeCloseTo(want.width, 6);
    expect(got.height).toBeCloseTo(want.height, 6);
    // the crop has the tile's shape, lies inside the frame and shares its centre
    expect(got.width / got.height).toBeCloseTo(tw / th, 6);
    expect(got.x).toBeGreaterThanOrEqual(0);
    expect(got.y).toBeGreaterThanOrEqual(0);
    expect(got.x + got.width).toBeLessThanOrEqual(fw + 1e-9);
    expect(got.y + got.height).toBeLessThanOrEqual(fh + 1e-9);
    expect(got.x + got.width / 2).toBeCloseTo(fw / 2, 6);
    expect(got.y + got.height / 2).toBeCloseTo(fh / 2, 6);
  });

  test('a frame without size yet gives an empty source', () => {
    expect(coverSourceRect(0, 0, { width: 100, height: 100 })).toEqual({ x: 0, y: 0, width: 0, height: 0 });
  });
});

describe('containDestRect: where a whole frame goes inside a tile', () => {
  test.each([
    ['16:9 into 4:3: bars above and below', 1920, 1080, { x: 10, y: 20, width: 400, height: 300 }, { x: 10, y: 57.5, width: 400, height: 225 }],
    ['4:3 into 16:9: bars left and right', 1024, 768, { x: 0, y: 0, width: 1600, height: 900 }, { x: 200, y: 0, width: 1200, height: 900 }],
    ['same shape: the whole tile', 1280, 720, { x: 5, y: 5, width: 640, height: 360 }, { x: 5, y: 5, width: 640, height: 360 }],
  ])('%s', (_name, fw, fh, tile, want) => {
    expect(containDestRect(fw, fh, tile)).toEqual(want);
  });

  test('no frame yet: nothing drawn', () => {
    expect(containDestRect(0, 0, { x: 1, y: 2, width: 3, height: 4 })).toEqual({ x: 1, y: 2, width: 0, height: 0 });
  });
});
