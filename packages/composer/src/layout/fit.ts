/**
 * How a frame fills a tile. `cover` crops the frame to the tile's shape around the frame's
 * centre (camera tiles); `contain` shows all of it, centred, with bars (presentations).
 */
import type { Rect } from './rect.js';

/** The part of a `frameWidth`×`frameHeight` frame to draw so it covers `tile` without distortion, centred. */
export function coverSourceRect(frameWidth: number, frameHeight: number, tile: Pick<Rect, 'width' | 'height'>): Rect {
  if (!(frameWidth > 0 && frameHeight > 0 && tile.width > 0 && tile.height > 0)) {
    return { x: 0, y: 0, width: Math.max(0, frameWidth), height: Math.max(0, frameHeight) };
  }
  const tileAspect = tile.width / tile.height;
  if (frameWidth / frameHeight > tileAspect) {
    // the frame is wider than the tile: keep its full height, cut the sides
    const width = frameHeight * tileAspect;
    return { x: (frameWidth - width) / 2, y: 0, width, height: frameHeight };
  }
  const height = frameWidth / tileAspect;
  return { x: 0, y: (frameHeight - height) / 2, width: frameWidth, height };
}

/** Where a `frameWidth`×`frameHeight` frame goes inside `tile` when shown whole, centred. */
export function containDestRect(frameWidth: number, frameHeight: number, tile: Rect): Rect {
  if (!(frameWidth > 0 && frameHeight > 0 && tile.width > 0 && tile.height > 0)) return { ...tile, width: 0, height: 0 };
  const scale = Math.min(tile.width / frameWidth, tile.height / frameHeight);
  const width = frameWidth * scale;
  const height = frameHeight * scale;
  return { x: tile.x + (tile.width - width) / 2, y: tile.y + (tile.height - height) / 2, width, height };
}
