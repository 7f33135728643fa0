/**
 * Draws one frame on the canvas: the background, then each placed tile — a camera frame
 * cover-cropped around its centre, a presentation shown whole, or a name tile (avatar and
 * name) — with the dominant speaker outlined and names unless identities are hidden. With
 * no tiles it draws a short message, so the recording never lacks frames.
 */
import { containDestRect, coverSourceRect } from '../layout/fit.js';
import type { PlacedTile } from '../layout/grid-layout.js';
import type { Rect } from '../layout/rect.js';

export interface RendererOptions {
  width: number;
  height: number;
  backgroundColor: string;
  hideParticipantIdentities: boolean;
}

/** What a placed tile shows (undefined: the tile's participant is gone; nothing is drawn). */
export interface TileContent {
  identity: string;
  video: HTMLVideoElement | null;
  dominant: boolean;
}

export interface FrameStats {
  tiles: number;
  /** tiles that drew a video frame */
  videoTiles: number;
}

const NAME_TILE_COLOR = '#2d2f33';
const HIGHLIGHT_COLOR = '#3ea6ff';
const LABEL_BACKDROP = 'rgba(0, 0, 0, 0.55)';
const TEXT_COLOR = '#ffffff';
const MESSAGE_COLOR = '#9aa0a6';
const FONT_FAMILY = 'system-ui, "DejaVu Sans", "Liberation Sans", Arial, sans-serif';
const LABEL_CACHE_LIMIT = 256;

export class Renderer {
  readonly #ctx: CanvasRenderingContext2D;
  readonly #options: RendererOptions;
  readonly #labels = new Map<string, string>();
  readonly #highlightWidth: number;

  constructor(canvas: HTMLCanvasElement, options: RendererOptions) {
    canvas.width = options.width;
    canvas.height = options.height;
    const ctx = canvas.getContext('2d', { alpha: false });
    if (!ctx) throw new Error('canvas 2D context unavailable');
    this.#ctx = ctx;
    this.#options = options;
    this.#highlightWidth = Math.max(2, Math.round(Math.min(options.width, options.height) / 180));
    ctx.imageSmoothingEnabled = true;
    // 'low' is plain bilinear; 'medium' also builds mipmaps of every frame it scales down, which
    // costs CPU for no visible gain at tile sizes close to the cameras' own
    ctx.imageSmoothingQuality = 'low';
  }

  draw(tiles: readonly PlacedTile[], content: (tile: PlacedTile) => TileContent | undefined, message: string | null): FrameStats {
    const ctx = this.#ctx;
    const { width, height, backgroundColor } = this.#options;
    ctx.fillStyle = backgroundColor;
    ctx.fillRect(0, 0, width, height);
    let drawn = 0;
    let videoTiles = 0;
    for (const tile of tiles) {
      const c = content(tile);
      if (!c) continue;
      drawn++;
      if (c.video && this.#drawVideo(c.video, tile)) videoTiles++;
      else this.#drawNameTile(tile, c.identity);
      if (!this.#options.hideParticipantIdentities) this.#drawLabel(tile, c.identity);
      if (c.dominant) this.#drawHighlight(tile);
    }
    if (drawn === 0 && message) this.#drawMessage(message);
    return { tiles: drawn, videoTiles };
  }

  #drawVideo(video: HTMLVideoElement, tile: PlacedTile): boolean {
    const { videoWidth: w, videoHeight: h } = video;
    if (!(w > 0 && h > 0)) return false;
    if (tile.fit === 'contain') {
      const dest = containDestRect(w, h, tile);
      this.#ctx.drawImage(video, dest.x, dest.y, dest.width, dest.height);
    } else {
      const src = coverSourceRect(w, h, tile);
      this.#ctx.drawImage(video, src.x, src.y, src.width, src.height, tile.x, tile.y, tile.width, tile.height);
    }
    return true;
  }

  #drawNameTile(tile: Rect, identity: string): void {
    const ctx = this.#ctx;
    ctx.fillStyle = NAME_TILE_COLOR;
    ctx.fillRect(tile.x, tile.y, tile.width, tile.height);
    const radius = Math.min(tile.width, tile.height) * 0.18;
    const cx = tile.x + tile.width / 2;
    const cy = tile.y + tile.height / 2;
    ctx.beginPath();
    ctx.arc(cx, cy, radius, 0, 2 * Math.PI);
    if (this.#options.hideParticipantIdentities) {
      ctx.fillStyle = '#5f6368';
      ctx.fill();
      // a neutral head-and-shoulders glyph instead of initials
      ctx.fillStyle = NAME_TILE_COLOR;
      ctx.beginPath();
      ctx.arc(cx, cy - radius * 0.25, radius * 0.35, 0, 2 * Math.PI);
      ctx.fill();
      ctx.beginPath();
      ctx.ellipse(cx, cy + radius * 0.55, radius * 0.6, radius * 0.35, 0, Math.PI, 2 * Math.PI);
      ctx.fill();
      return;
    }
    ctx.fillStyle = avatarColor(identity);
    ctx.fill();
    ctx.fillStyle = TEXT_COLOR;
    ctx.font = `600 ${Math.round(radius * 0.8)}px ${FONT_FAMILY}`;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.fillText(initials(identity), cx, cy);
  }

  #drawLabel(tile: Rect, identity: string): void {
    const ctx = this.#ctx;
    const size = Math.max(10, Math.min(24, Math.round(tile.height * 0.07)));
    const pad = Math.round(size * 0.4);
    ctx.font = `${size}px ${FONT_FAMILY}`;
    const text = this.#fit(identity, tile.width - 4 * pad, size);
    if (text === '') return;
    const textWidth = ctx.measureText(text).width;
    const boxHeight = size + 2 * pad * 0.6;
    const x = tile.x + pad;
    const y = tile.y + tile.height - pad - boxHeight;
    ctx.fillStyle = LABEL_BACKDROP;
    ctx.fillRect(x, y, textWidth + 2 * pad, boxHeight);
    ctx.fillStyle = TEXT_COLOR;
    ctx.textAlign = 'left';
    ctx.textBaseline = 'middle';
    ctx.fillText(text, x + pad, y + boxHeight / 2);
  }

  #drawHighlight(tile: Rect): void {
    const ctx = this.#ctx;
    const w = this.#highlightWidth;
    ctx.strokeStyle = HIGHLIGHT_COLOR;
    ctx.lineWidth = w;
    ctx.strokeRect(tile.x + w / 2, tile.y + w / 2, tile.width - w, tile.height - w);
  }

  #drawMessage(message: string): void {
    const ctx = this.#ctx;
    const { width, height } = this.#options;
    ctx.fillStyle = MESSAGE_COLOR;
    ctx.font = `${Math.max(12, Math.round(Math.min(width, height) * 0.04))}px ${FONT_FAMILY}`;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.fillText(message, width / 2, height / 2);
  }

  /** `text` shortened with an ellipsis to fit `maxWidth` in the current font (cached). */
  #fit(text: string, maxWidth: number, size: number): string {
    const key = `${size}|${Math.round(maxWidth)}|${text}`;
    const cached = this.#labels.get(key);
    if (cached !== undefined) return cached;
    const ctx = this.#ctx;
    let fitted = text;
    if (maxWidth <= 0) fitted = '';
    else if (ctx.measureText(text).width > maxWidth) {
      let chars = [...text];
      while (chars.length > 0 && ctx.measureText(`${chars.join('')}…`).width > maxWidth) chars = chars.slice(0, -1);
      fitted = chars.length > 0 ? `${chars.join('')}…` : '';
    }
    if (this.#labels.size >= LABEL_CACHE_LIMIT) this.#labels.clear();
    this.#labels.set(key, fitted);
    return fitted;
  }
}

function initials(identity: string): string {
  const words = identity.split(/[\s._@-]+/).filter(Boolean);
  const letters = (words.length > 1 ? [words[0], words[1]] : [identity]).map((w) => [...(w ?? '')][0] ?? '');
  return letters.join('').toUpperCase() || '?';
}

function avatarColor(identity: string): string {
  let hash = 0;
  for (const ch of identity) hash = (hash * 31 + (ch.codePointAt(0) ?? 0)) >>> 0;
  return `hsl(${hash % 360}, 45%, 42%)`;
}
