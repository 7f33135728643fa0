import { describe, expect, test } from 'vitest';
import { layoutDefaults } from '../defaults.js';
import { chooseGrid, clampAspect, computeLayout, gapFor, type LayoutTile, type PlacedTile } from './grid-layout.js';
import type { Rect } from './rect.js';

const tiles = (n: number): LayoutTile[] =>
  Array.from({ length: n }, (_, i) => ({ id: `PA${i}`, kind: i % 3 === 2 ? 'name' : 'video' }));

const overlaps = (a: Rect, b: Rect) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

/** Distance between two rects that do not overlap (the gap along the axis that separates them). */
const separation = (a: Rect, b: Rect) =>
  Math.max(b.x - (a.x + a.width), a.x - (b.x + b.width), b.y - (a.y + a.height), a.y - (b.y + b.height));

function expectSane(placed: readonly PlacedTile[], width: number, height: number): void {
  const gap = gapFor(width, height);
  for (const t of placed) {
    expect(Number.isInteger(t.x) && Number.isInteger(t.y) && Number.isInteger(t.width) && Number.isInteger(t.height)).toBe(true);
    expect(t.width).toBeGreaterThan(0);
    expect(t.height).toBeGreaterThan(0);
    // inside the canvas, with at least the gap as margin
    expect(t.x).toBeGreaterThanOrEqual(gap);
    expect(t.y).toBeGreaterThanOrEqual(gap);
    expect(t.x + t.width).toBeLessThanOrEqual(width - gap);
    expect(t.y + t.height).toBeLessThanOrEqual(height - gap);
  }
  for (let i = 0; i < placed.length; i++) {
    for (let j = i + 1; j < placed.length; j++) {
      const [a, b] = [placed[i]!, placed[j]!];
      expect(overlaps(a, b), `${a.id} overlaps ${b.id}`).toBe(false);
      expect(separation(a, b)).toBeGreaterThanOrEqual(gap - 1); // rounding may take one pixel
    }
  }
}

describe('grid layout', () => {
  // count, canvas, expected columns × rows
  test.each([
    [1, 1280, 720, 1, 1],
    [2, 1280, 720, 2, 1],
    [3, 1280, 720, 2, 2],
    [4, 1280, 720, 2, 2],
    [5, 1280, 720, 3, 2],
    [6, 1280, 720, 3, 2],
    [7, 1280, 720, 4, 2],
    [8, 1280, 720, 4, 2],
    [9, 1280, 720, 3, 3],
    [1, 720, 1280, 1, 1],
    [2, 720, 1280, 1, 2],
    [3, 720, 1280, 1, 3],
    [4, 720, 1280, 1, 4],
    [5, 720, 1280, 2, 3],
    [9, 720, 1280, 2, 5],
    [2, 640, 360, 2, 1],
    [4, 1920, 1080, 2, 2],
  ])('%i tiles on %ix%i → %i columns × %i rows', (n, width, height, cols, rows) => {
    const gap = gapFor(width, height);
    const shape = chooseGrid(n, width - 2 * gap, height - 2 * gap, gap);
    expect({ cols: shape.cols, rows: shape.rows }).toEqual({ cols, rows });
    const placed = computeLayout({ width, height, tiles: tiles(n) });
    expect(placed.map((t) => t.id)).toEqual(tiles(n).map((t) => t.id));
    expect(placed.every((t) => t.role === 'grid' && t.fit === 'cover')).toBe(true);
    expectSane(placed, width, height);
    // every tile the same size, of an allowed shape
    const sizes = new Set(placed.map((t) => `${t.width}x${t.height}`));
    expect(sizes.size).toBe(1);
    for (const t of placed) {
      expect(t.width / t.height).toBeGreaterThanOrEqual(layoutDefaults.minTileAspect - 0.02);
      expect(t.width / t.height).toBeLessThanOrEqual(layoutDefaults.maxTileAspect + 0.02);
    }
    // distinct rows hold the tiles in order: row by row, left to right
    const rowsSeen = [...new Set(placed.map((t) => t.y))];
    expect(rowsSeen).toHaveLength(rows);
  });

  test('no tiles → nothing placed', () => {
    expect(computeLayout({ width: 1280, height: 720, tiles: [] })).toEqual([]);
  });

  test.each([10, 12, 30])('%i tiles → the first 9 only', (n) => {
    const placed = computeLayout({ width: 1280, height: 720, tiles: tiles(n) });
    expect(placed.map((t) => t.id)).toEqual(tiles(9).map((t) => t.id));
  });

  test('one tile at 1280x720 fills the canvas but for the gap', () => {
    const gap = gapFor(1280, 720);
    expect(gap).toBe(9);
    expect(computeLayout({ width: 1280, height: 720, tiles: tiles(1) })).toEqual([
      { id: 'PA0', role: 'grid', kind: 'video', fit: 'cover', x: 9, y: 9, width: 1262, height: 702 },
    ]);
  });

  test('two tiles at 640x360: side by side squares, centred, background above and below', () => {
    const placed = computeLayout({ width: 640, height: 360, tiles: tiles(2) });
    expect(placed.map(({ x, y, width, height }) => ({ x, y, width, height }))).toEqual([
      { x: 6, y: 24, width: 312, height: 312 },
      { x: 323, y: 24, width: 312, height: 312 },
    ]);
  });

  test('a shorter last row is centred', () => {
    const placed = computeLayout({ width: 1280, height: 720, tiles: tiles(5) });
    const [top, bottom] = [placed.slice(0, 3), placed.slice(3)];
    const centre = (row: PlacedTile[]) => (row[0]!.x + row.at(-1)!.x + row.at(-1)!.width) / 2;
    expect(Math.abs(centre(top) - 640)).toBeLessThanOrEqual(1);
    expect(Math.abs(centre(bottom) - 640)).toBeLessThanOrEqual(1);
    expect(bottom[0]!.y).toBeGreaterThan(top[0]!.y);
  });

  test('the gap grows with the canvas and never goes below the minimum', () => {
    expect(gapFor(1920, 1080)).toBe(14);
    expect(gapFor(1280, 720)).toBe(9);
    expect(gapFor(720, 1280)).toBe(9);
    expect(gapFor(64, 64)).toBe(layoutDefaults.minGap);
    expect(gapFor(1280, 720, { ...layoutDefaults, gapRatio: 0 })).toBe(layoutDefaults.minGap);
  });

  test.each([
    [1000, 100, { width: 100 * layoutDefaults.maxTileAspect, height: 100 }],
    [100, 1000, { width: 100, height: 100 }],
    [160, 100, { width: 160, height: 100 }],
    [0, 100, { width: 0, height: 0 }],
  ])('clampAspect(%i, %i)', (w, h, want) => {
    const got = clampAspect(w, h);
    expect(got.width).toBeCloseTo(want.width, 6);
    expect(got.height).toBeCloseTo(want.height, 6);
  });

  test('options override the defaults', () => {
    const placed = computeLayout({ width: 1280, height: 720, tiles: tiles(6) }, { maxTiles: 4 });
    expect(placed).toHaveLength(4);
  });

  test('a canvas too small for anything places nothing', () => {
    expect(computeLayout({ width: 0, height: 720, tiles: tiles(2) })).toEqual([]);
    expect(computeLayout({ width: 3, height: 3, tiles: tiles(2) })).toEqual([]);
  });
});

describe('presentation layout', () => {
  const landscape = { width: 1280, height: 720 };
  const portrait = { width: 720, height: 1280 };

  test.each([
    ['landscape', 0, landscape],
    ['landscape', 1, landscape],
    ['landscape', 2, landscape],
    ['landscape', 3, landscape],
    ['landscape', 4, landscape],
    ['landscape', 5, landscape],
    ['landscape', 6, landscape],
    ['landscape', 7, landscape],
    ['portrait', 0, portrait],
    ['portrait', 1, portrait],
    ['portrait', 3, portrait],
    ['portrait', 5, portrait],
    ['portrait', 7, portrait],
  ])('%s with %i speakers', (orientation, speakers, canvas) => {
    const placed = computeLayout({ ...canvas, tiles: tiles(speakers), presentation: { id: 'MTscreen' } });
    const [stage, ...sidebar] = placed;
    expect(stage).toMatchObject({ id: 'MTscreen', role: 'presentation', kind: 'presentation', fit: 'contain' });
    expect(sidebar.map((t) => t.id)).toEqual(tiles(Math.min(speakers, 5)).map((t) => t.id));
    expect(sidebar.every((t) => t.role === 'sidebar' && t.fit === 'cover')).toBe(true);
    expectSane(placed, canvas.width, canvas.height);
    const gap = gapFor(canvas.width, canvas.height);
    if (speakers === 0) {
      expect(stage).toMatchObject({ x: gap, y: gap, width: canvas.width - 2 * gap, height: canvas.height - 2 * gap });
      return;
    }
    // the presentation gets most of the canvas; the speakers line up beside it (right) or below it
    expect(stage!.width * stage!.height).toBeGreaterThan(0.6 * canvas.width * canvas.height);
    for (const t of sidebar) {
      if (orientation === 'landscape') expect(t.x).toBeGreaterThan(stage!.x + stage!.width);
      else expect(t.y).toBeGreaterThan(stage!.y + stage!.height);
    }
    // the presentation does not move when speakers come and go
    const one = computeLayout({ ...canvas, tiles: tiles(1), presentation: { id: 'MTscreen' } })[0];
    expect(stage).toEqual(one);
  });

  test('landscape 1280x720 with 5 speakers: exact geometry', () => {
    const placed = computeLayout({ width: 1280, height: 720, tiles: tiles(5), presentation: { id: 'MTscreen' } });
    expect(placed[0]).toMatchObject({ x: 9, y: 9, width: 997, height: 702 });
    // a 256 px strip (20 %) on the right: five 16:9 tiles, stacked and centred
    expect(placed.slice(1).map((t) => [t.x, t.y, t.width, t.height])).toEqual([
      [1024, 10, 239, 133],
      [1024, 152, 239, 133],
      [1024, 294, 239, 133],
      [1024, 436, 239, 133],
      [1024, 578, 239, 133],
    ]);
  });

  test('portrait 720x1280 with 3 speakers: a row of squares below the presentation', () => {
    const placed = computeLayout({ width: 720, height: 1280, tiles: tiles(3), presentation: { id: 'MTscreen' } });
    expect(placed.map((t) => [t.x, t.y, t.width, t.height])).toEqual([
      [9, 9, 702, 997],
      [9, 1029, 228, 228],
      [246, 1029, 228, 228],
      [483, 1029, 228, 228],
    ]);
  });
});
