/**
 * The composer's layouts as pure functions: canvas size + ordered tiles (+ a presentation)
 * → one rectangle per tile. No DOM; the page draws what this returns.
 *
 * Grid: up to `maxTiles` tiles in the columns × rows that give each tile the most area,
 * every tile the same size, its shape kept between `minTileAspect` and `maxTileAspect`
 * (cover-cropping a camera into a sliver loses the face); the block is centred, a shorter
 * last row too. Presentation: the presentation takes the canvas except a strip along the
 * long side's end (right in landscape, bottom in portrait) holding up to `maxSidebarTiles`
 * speakers; with no speakers it takes the whole canvas.
 */
import { layoutDefaults, type LayoutOptions } from '../defaults.js';
import type { Rect } from './rect.js';

/** A camera tile, or a name tile (audio-only, camera off or not rendering yet). */
export type TileKind = 'video' | 'name';

export interface LayoutTile {
  id: string;
  kind: TileKind;
}

export interface LayoutInput {
  width: number;
  height: number;
  /** in display order; tiles past the capacity are left out */
  tiles: readonly LayoutTile[];
  /** switches to the presentation layout */
  presentation?: { id: string } | null;
}

export type TileRole = 'grid' | 'presentation' | 'sidebar';

export interface PlacedTile extends Rect {
  id: string;
  role: TileRole;
  kind: TileKind | 'presentation';
  /** how the frame fills the rect */
  fit: 'cover' | 'contain';
}

export interface GridShape {
  cols: number;
  rows: number;
  tileWidth: number;
  tileHeight: number;
}

/** Gap between tiles and around the edge, px. */
export function gapFor(width: number, height: number, options: LayoutOptions = layoutDefaults): number {
  return Math.max(options.minGap, Math.round(Math.min(width, height) * options.gapRatio));
}

/** The largest tile of an allowed shape inside a `cellWidth`×`cellHeight` cell. */
export function clampAspect(
  cellWidth: number,
  cellHeight: number,
  options: Pick<LayoutOptions, 'minTileAspect' | 'maxTileAspect'> = layoutDefaults,
): { width: number; height: number } {
  if (!(cellWidth > 0 && cellHeight > 0)) return { width: 0, height: 0 };
  const aspect = cellWidth / cellHeight;
  if (aspect > options.maxTileAspect) return { width: cellHeight * options.maxTileAspect, height: cellHeight };
  if (aspect < options.minTileAspect) return { width: cellWidth, height: cellWidth / options.minTileAspect };
  return { width: cellWidth, height: cellHeight };
}

/**
 * Columns × rows for `count` tiles in an `areaWidth`×`areaHeight` area: the shape whose
 * tiles are largest; on a tie, fewer empty cells, then tiles closer to `maxTileAspect`.
 */
export function chooseGrid(
  count: number,
  areaWidth: number,
  areaHeight: number,
  gap: number,
  options: Pick<LayoutOptions, 'minTileAspect' | 'maxTileAspect'> = layoutDefaults,
): GridShape {
  let best: (GridShape & { area: number; empty: number; skew: number }) | undefined;
  for (let cols = 1; cols <= Math.max(1, count); cols++) {
    const rows = Math.max(1, Math.ceil(count / cols));
    const cellW = (areaWidth - (cols - 1) * gap) / cols;
    const cellH = (areaHeight - (rows - 1) * gap) / rows;
    const tile = clampAspect(cellW, cellH, options);
    const candidate = {
      cols,
      rows,
      tileWidth: tile.width,
      tileHeight: tile.height,
      area: tile.width * tile.height,
      empty: cols * rows - count,
      skew: tile.height > 0 ? Math.abs(tile.width / tile.height - options.maxTileAspect) : Infinity,
    };
    if (!best || better(candidate, best)) best = candidate;
  }
  const { cols, rows, tileWidth, tileHeight } = best ?? { cols: 1, rows: 1, tileWidth: 0, tileHeight: 0 };
  return { cols, rows, tileWidth, tileHeight };
}

function better(a: { area: number; empty: number; skew: number }, b: { area: number; empty: number; skew: number }): boolean {
  const tolerance = 1e-6 * Math.max(a.area, b.area, 1);
  if (Math.abs(a.area - b.area) > tolerance) return a.area > b.area;
  if (a.empty !== b.empty) return a.empty < b.empty;
  return a.skew < b.skew;
}

/** Places the tiles (and the presentation, if any) on a `width`×`height` canvas. */
export function computeLayout(input: LayoutInput, overrides: Partial<LayoutOptions> = {}): PlacedTile[] {
  const options: LayoutOptions = { ...layoutDefaults, ...overrides };
  const { width, height } = input;
  if (!(width > 0 && height > 0)) return [];
  const gap = gapFor(width, height, options);
  const area: Rect = { x: gap, y: gap, width: width - 2 * gap, height: height - 2 * gap };
  if (area.width <= 0 || area.height <= 0) return [];
  if (input.presentation) return presentationLayout(input.presentation.id, input.tiles, area, gap, options);
  return gridLayout(input.tiles.slice(0, options.maxTiles), area, gap, options);
}

function gridLayout(tiles: readonly LayoutTile[], area: Rect, gap: number, options: LayoutOptions): PlacedTile[] {
  if (tiles.length === 0) return [];
  const shape = chooseGrid(tiles.length, area.width, area.height, gap, options);
  const { cols, rows } = shape;
  // whole pixels first, so every tile has exactly the same size and every gap is `gap`
  const tileWidth = Math.floor(shape.tileWidth);
  const tileHeight = Math.floor(shape.tileHeight);
  const top = Math.round(area.y + (area.height - (rows * tileHeight + (rows - 1) * gap)) / 2);
  return tiles.map((tile, index) => {
    const row = Math.floor(index / cols);
    const inRow = Math.min(cols, tiles.length - row * cols);
    const left = Math.round(area.x + (area.width - (inRow * tileWidth + (inRow - 1) * gap)) / 2);
    const col = index - row * cols;
    return {
      id: tile.id,
      role: 'grid',
      kind: tile.kind,
      fit: 'cover',
      x: left + col * (tileWidth + gap),
      y: top + row * (tileHeight + gap),
      width: tileWidth,
      height: tileHeight,
    };
  });
}

function presentationLayout(
  presentationId: string,
  tiles: readonly LayoutTile[],
  area: Rect,
  gap: number,
  options: LayoutOptions,
): PlacedTile[] {
  const speakers = tiles.slice(0, options.maxSidebarTiles);
  if (speakers.length === 0) {
    return [{ id: presentationId, role: 'presentation', kind: 'presentation', fit: 'contain', ...snap(area) }];
  }
  const landscape = area.width >= area.height;
  const strip: Rect = landscape
    ? { x: 0, y: area.y, width: Math.round((area.width + 2 * gap) * options.sidebarRatio), height: area.height }
    : { x: area.x, y: 0, width: area.width, height: Math.round((area.height + 2 * gap) * options.sidebarRatio) };
  if (landscape) strip.x = area.x + area.width - strip.width;
  else strip.y = area.y + area.height - strip.height;
  const stage: Rect = landscape
    ? { x: area.x, y: area.y, width: area.width - strip.width - gap, height: area.height }
    : { x: area.x, y: area.y, width: area.width, height: area.height - strip.height - gap };
  const placed: PlacedTile[] = [
    { id: presentationId, role: 'presentation', kind: 'presentation', fit: 'contain', ...snap(stage) },
  ];
  const k = speakers.length;
  const along = landscape ? strip.height : strip.width;
  const cellAlong = (along - (k - 1) * gap) / k;
  const fitted = landscape ? clampAspect(strip.width, cellAlong, options) : clampAspect(cellAlong, strip.height, options);
  const tile = { width: Math.floor(fitted.width), height: Math.floor(fitted.height) };
  const tileAlong = landscape ? tile.height : tile.width;
  const start = Math.round((landscape ? strip.y : strip.x) + (along - (k * tileAlong + (k - 1) * gap)) / 2);
  const across = landscape
    ? Math.round(strip.x + (strip.width - tile.width) / 2)
    : Math.round(strip.y + (strip.height - tile.height) / 2);
  speakers.forEach((speaker, i) => {
    const offset = start + i * (tileAlong + gap);
    const position = landscape ? { x: across, y: offset } : { x: offset, y: across };
    placed.push({ id: speaker.id, role: 'sidebar', kind: speaker.kind, fit: 'cover', ...position, ...tile });
  });
  return placed;
}

/** Whole pixels, without gaps or overlaps between neighbours from rounding. */
function snap(rect: Rect): Rect {
  const x = Math.round(rect.x);
  const y = Math.round(rect.y);
  return { x, y, width: Math.round(rect.x + rect.width) - x, height: Math.round(rect.y + rect.height) - y };
}
