import { describe, expect, test } from 'vitest';
import { rankSpeakers, selectTiles, type ShownTile, type SpeakerCandidate } from './tile-selection.js';

/** Candidates in join order; `spoke` = when each was last dominant (null = never). */
function people(spoke: Record<string, number | null>, extra: Partial<Record<string, Partial<SpeakerCandidate>>> = {}): SpeakerCandidate[] {
  return Object.entries(spoke).map(([id, lastDominantAt], joinOrder) => ({
    id,
    joinOrder,
    lastDominantAt,
    dominant: false,
    ready: true,
    ...extra[id],
  }));
}

const ids = (tiles: readonly { id: string }[]) => tiles.map((t) => t.id);

describe('rankSpeakers', () => {
  test.each([
    ['nobody spoke: join order', { a: null, b: null, c: null }, {}, ['a', 'b', 'c']],
    ['most recent speakers first, then join order', { a: null, b: 100, c: 300, d: null }, {}, ['c', 'b', 'a', 'd']],
    ['the current dominant speaker before everyone', { a: 500, b: 100, c: null }, { c: { dominant: true } }, ['c', 'a', 'b']],
    ['equal recency: join order', { a: 100, b: 100 }, {}, ['a', 'b']],
  ] as const)('%s', (_name, spoke, extra, want) => {
    expect(ids(rankSpeakers(people(spoke, extra)))).toEqual(want);
  });

  test('does not reorder its input', () => {
    const input = people({ a: null, b: 5 });
    rankSpeakers(input);
    expect(ids(input)).toEqual(['a', 'b']);
  });
});

describe('selectTiles', () => {
  const NOW = 100_000;
  const old = (id: string): ShownTile => ({ id, shownAt: 0 });

  test('first frame: ranked order, up to the capacity', () => {
    const tiles = selectTiles(people({ a: null, b: 50, c: 90, d: null }), [], NOW, 3);
    expect(ids(tiles)).toEqual(['c', 'b', 'a']);
    expect(tiles.every((t) => t.shownAt === NOW)).toBe(true);
  });

  test('tiles keep their places when the dominant speaker changes', () => {
    const previous = [old('a'), old('b'), old('c')];
    const tiles = selectTiles(people({ a: 10, b: 20, c: 30 }, { c: { dominant: true } }), previous, NOW, 9);
    expect(tiles).toEqual(previous);
  });

  test('a newcomer is appended; one who left loses the tile at once, the others close up', () => {
    expect(ids(selectTiles(people({ a: null, b: null, c: null }), [old('a'), old('b')], NOW, 9))).toEqual(['a', 'b', 'c']);
    expect(ids(selectTiles(people({ a: null, c: null }), [old('a'), old('b'), old('c')], NOW, 9))).toEqual(['a', 'c']);
  });

  test('a newcomer takes the place of the tile that left in the same frame', () => {
    const tiles = selectTiles(people({ a: null, c: null, d: null }), [old('a'), old('b'), old('c')], NOW, 9);
    expect(ids(tiles)).toEqual(['a', 'd', 'c']);
    expect(tiles[1]!.shownAt).toBe(NOW);
  });

  test('a full grid: a recent speaker replaces the least recent, in its place', () => {
    const previous = [old('a'), old('b'), old('c')];
    const tiles = selectTiles(people({ a: 50, b: 10, c: 40, d: 90 }), previous, NOW, 3);
    expect(ids(tiles)).toEqual(['a', 'd', 'c']);
  });

  test('a tile shown less than minShownMs is not pushed out (no thrash)', () => {
    const previous = [old('a'), { id: 'b', shownAt: NOW - 1_000 }, old('c')];
    const candidates = people({ a: 50, b: 10, c: 40, d: 90 });
    expect(ids(selectTiles(candidates, previous, NOW, 3, { minShownMs: 3_000 }))).toEqual(['a', 'b', 'd']);
    // later it may go
    expect(ids(selectTiles(candidates, previous, NOW + 2_500, 3, { minShownMs: 3_000 }))).toEqual(['a', 'd', 'c']);
  });

  test('not ready: no tile yet; once shown, a tile stays even when its media stalls', () => {
    const candidates = people({ a: null, b: null }, { b: { ready: false } });
    expect(ids(selectTiles(candidates, [], NOW, 9))).toEqual(['a']);
    expect(ids(selectTiles(candidates, [old('a'), old('b')], NOW, 9))).toEqual(['a', 'b']);
  });

  test.each([
    [10, 9],
    [9, 9],
    [7, 5],
    [2, 5],
  ])('%i candidates, capacity %i', (n, capacity) => {
    const spoke = Object.fromEntries(Array.from({ length: n }, (_, i) => [`p${i}`, null]));
    expect(selectTiles(people(spoke), [], NOW, capacity)).toHaveLength(Math.min(n, capacity));
  });

  test('a smaller capacity (presentation) keeps the highest ranked, in their places', () => {
    const previous = ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map(old);
    const candidates = people({ a: 1, b: 7, c: 2, d: 6, e: 3, f: 5, g: 4 });
    expect(ids(selectTiles(candidates, previous, NOW, 5))).toEqual(['b', 'd', 'e', 'f', 'g']);
  });

  test('capacity 0 shows nothing', () => {
    expect(selectTiles(people({ a: null }), [old('a')], NOW, 0)).toEqual([]);
  });
});
