/**
 * The wall clock drawn as pixels, for `glass-to-glass.bench.ts`: the sender's canvas shows
 * its clock (ms since the epoch, modulo 2^32) as black/white blocks; a viewer reads them
 * back from each displayed frame.
 *
 * Pattern (sender canvas 640x360 by default, mid-grey background): a 8 × 9 grid of 16 px
 * blocks in the canvas centre (128 × 144 px, inside any cover crop of a square or wider
 * tile); a larger canvas (`SenderSize`, e.g. 1280x720 as webcams send) scales the blocks
 * with its width, so the pattern covers the same share of the frame. The speakers stand in
 * for browsers on other machines; at 640x360 the clock sender's encoder takes a quarter of
 * what a 1280x720 one took from the 2 cores it shares with the composer and the viewers. Row 0
 * is a sync row (white, black, …). Rows 1–8 hold 32 bits, most significant first, four per
 * row, each as a pair (bit, complement): a bit reads as "left brighter than right", and a
 * frame is dropped unless every sync block and every pair differs clearly (so a frame of
 * the other speaker, a half-updated or smeared frame never decodes to a wrong clock).
 *
 * The composer cover-crops the sender's frame into its tile and scales it: the viewer gets
 * each candidate tile as a mapping (tile rect + the crop of the sender frame drawn there)
 * and tries each, so the tile order the composer picks does not matter.
 */
import { computeLayout, coverSourceRect } from '@onair/composer';

export const SENDER_WIDTH = 640;
export const SENDER_HEIGHT = 360;
export const BLOCK = 16;
export const COLS = 8;
export const ROWS = 9;

/** The clock sender's canvas. */
export interface SenderSize {
  width: number;
  height: number;
}

export const DEFAULT_SENDER: SenderSize = { width: SENDER_WIDTH, height: SENDER_HEIGHT };

/** The block size on a canvas `width` wide: BLOCK at SENDER_WIDTH, scaled with the width. */
export const blockFor = (width: number) => Math.round((BLOCK * width) / SENDER_WIDTH);

/** Where a sender-frame point lands in the composed frame, for one tile. */
export interface TileMapping {
  /** the tile on the composed canvas */
  tile: { x: number; y: number; width: number; height: number };
  /** the part of the sender's frame drawn into it */
  crop: { x: number; y: number; width: number; height: number };
}

/** The composer's grid for `tiles` camera tiles on a `width`×`height` canvas (packages/composer). */
export function tileMappings(width: number, height: number, tiles: number, sender: SenderSize = DEFAULT_SENDER): TileMapping[] {
  const placed = computeLayout({ width, height, tiles: Array.from({ length: tiles }, (_, i) => ({ id: `t${i}`, kind: 'video' as const })) });
  return placed.map((tile) => ({
    tile: { x: tile.x, y: tile.y, width: tile.width, height: tile.height },
    crop: coverSourceRect(sender.width, sender.height, tile),
  }));
}

const geometry = (sender: SenderSize) => `const W = ${sender.width}, H = ${sender.height}, B = ${blockFor(sender.width)}, COLS = ${COLS}, ROWS = ${ROWS};
  const X0 = (W - COLS * B) / 2, Y0 = (H - ROWS * B) / 2;
  /** the block's colour: true = white */
  const blockWhite = (value, col, row) => {
    if (row === 0) return col % 2 === 0;
    const bit = (row - 1) * 4 + (col >> 1);
    const on = Math.floor(value / 2 ** (31 - bit)) % 2 === 1;
    return col % 2 === 0 ? on : !on;
  };`;

/**
 * Runs in a blank page of the server's origin: a canvas (`sender`) that redraws the clock on every
 * animation frame, captured at 30 fps, plus a 440 Hz oscillator (WebAudio), published with
 * the room-client bundle (`connect(token, {tracks})`). Returns the participant SID.
 */
export const senderScript = (sender: SenderSize = DEFAULT_SENDER) => String.raw`async (token) => {
  ${geometry(sender)}
  const canvas = document.createElement('canvas');
  canvas.width = W;
  canvas.height = H;
  document.body.append(canvas);
  const ctx = canvas.getContext('2d');
  window.__draws = 0;
  const draw = () => {
    const value = Math.round(performance.timeOrigin + performance.now()) % 4294967296;
    ctx.fillStyle = '#808080';
    ctx.fillRect(0, 0, W, H);
    for (let row = 0; row < ROWS; row++)
      for (let col = 0; col < COLS; col++) {
        ctx.fillStyle = blockWhite(value, col, row) ? '#ffffff' : '#000000';
        ctx.fillRect(X0 + col * B, Y0 + row * B, B, B);
      }
    window.__draws++;
    requestAnimationFrame(draw);
  };
  draw();
  const [video] = canvas.captureStream(30).getVideoTracks();
  const audioCtx = new AudioContext();
  const osc = audioCtx.createOscillator();
  osc.frequency.value = 440;
  const gain = audioCtx.createGain();
  gain.gain.value = 0.2;
  const dest = audioCtx.createMediaStreamDestination();
  osc.connect(gain).connect(dest);
  osc.start();
  await audioCtx.resume();
  const [audio] = dest.stream.getAudioTracks();
  const sdk = await import('/demo/room-client.js');
  const room = await sdk.connect(token, { tracks: [video, audio] });
  window.room = room;
  return room.localParticipant.sid;
}`;

/**
 * Runs in the viewer page, given the candidate tiles of the composed frame (in composed
 * pixels at `composedWidth`) of a clock drawn on a `sender` canvas: installs a requestVideoFrameCallback loop on `video` that
 * reads the clock of every displayed frame. `window.__g2g` holds the samples
 * ([display wall ms, latency ms]), undecodable frames and the first frame's wall time.
 */
export const viewerDecoderScript = (sender: SenderSize = DEFAULT_SENDER) => String.raw`(video, mappings, composedWidth) => {
  ${geometry(sender)}
  const state = (window.__g2g = { samples: [], undecoded: 0, frames: 0, firstFrameAt: null, firstDecodedAt: null });
  const canvas = document.createElement('canvas');
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  // each candidate: the composed-frame rect covering the pattern, and the block centres in it
  const candidates = mappings.map(({ tile, crop }) => {
    const sx = tile.width / crop.width, sy = tile.height / crop.height;
    const map = (x, y) => [tile.x + (x - crop.x) * sx, tile.y + (y - crop.y) * sy];
    const [ax, ay] = map(X0, Y0);
    const [bx, by] = map(X0 + COLS * B, Y0 + ROWS * B);
    const centres = [];
    for (let row = 0; row < ROWS; row++)
      for (let col = 0; col < COLS; col++) centres.push(map(X0 + (col + 0.5) * B, Y0 + (row + 0.5) * B));
    return { ax, ay, bx, by, centres, half: Math.max(1, Math.floor(B * sx * 0.25)) };
  });
  const luma = (img, w, x, y, half) => {
    let sum = 0, n = 0;
    for (let j = -half; j <= half; j++)
      for (let i = -half; i <= half; i++) {
        const o = ((y + j) * w + (x + i)) * 4;
        sum += 0.299 * img[o] + 0.587 * img[o + 1] + 0.114 * img[o + 2];
        n++;
      }
    return sum / n;
  };
  const MIN_CONTRAST = 60;
  const decode = (c, scale) => {
    const x = Math.floor(c.ax * scale) - 2, y = Math.floor(c.ay * scale) - 2;
    const w = Math.ceil(c.bx * scale) - x + 2, h = Math.ceil(c.by * scale) - y + 2;
    if (canvas.width !== w || canvas.height !== h) { canvas.width = w; canvas.height = h; }
    ctx.drawImage(video, x, y, w, h, 0, 0, w, h);
    const img = ctx.getImageData(0, 0, w, h).data;
    const half = Math.max(1, Math.floor(c.half * scale));
    const l = c.centres.map(([cx, cy]) => luma(img, w, Math.round(cx * scale) - x, Math.round(cy * scale) - y, half));
    for (let col = 0; col < COLS; col += 2) if (l[col] - l[col + 1] < MIN_CONTRAST) return null;
    let value = 0;
    for (let row = 1; row < ROWS; row++)
      for (let col = 0; col < COLS; col += 2) {
        const d = l[row * COLS + col] - l[row * COLS + col + 1];
        if (Math.abs(d) < MIN_CONTRAST) return null;
        value = value * 2 + (d > 0 ? 1 : 0);
      }
    return value;
  };
  const onFrame = (now, meta) => {
    const at = performance.timeOrigin + (meta.expectedDisplayTime || now);
    state.frames++;
    if (state.firstFrameAt === null) state.firstFrameAt = at;
    const scale = video.videoWidth / composedWidth;
    let value = null;
    for (const c of candidates) if ((value = decode(c, scale)) !== null) break;
    if (value === null) state.undecoded++;
    else {
      const wall = Math.round(at);
      const diff = (((wall % 4294967296) - value) % 4294967296 + 4294967296) % 4294967296;
      if (state.firstDecodedAt === null) state.firstDecodedAt = at;
      state.samples.push([at, at - (wall - diff)]);
    }
    video.requestVideoFrameCallback(onFrame);
  };
  video.requestVideoFrameCallback(onFrame);
}`;
