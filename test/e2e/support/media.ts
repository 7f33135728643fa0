/**
 * Assertions on real decoded media, measured inside the page: which <video> elements are
 * decoding frames, and whether what they show is more than black.
 *
 * The in-page code is a plain JavaScript string rather than a TypeScript function passed
 * to `page.evaluate`: test transpilers may wrap named functions in helpers (`__name`)
 * that do not exist in the page.
 */
import type { Page } from 'puppeteer-core';
import { pageLog } from './browser.js';

export interface VideoStats {
  /** stable per element for the page's lifetime (lets two samples be compared) */
  key: number;
  /** `video#id.class` and, when inside a tile, the tile's data-identity */
  element: string;
  identity: string | null;
  participantSid: string | null;
  videoWidth: number;
  videoHeight: number;
  currentTime: number;
  paused: boolean;
  readyState: number;
  /** getVideoPlaybackQuality().totalVideoFrames */
  totalVideoFrames: number;
  droppedVideoFrames: number;
  /** mean luma (BT.601, 0–255) of the current frame; -1 when it could not be read */
  meanLuma: number;
  /** meanLuma > 16 and the frame has a width */
  nonBlack: boolean;
  /** why the frame could not be read (e.g. a tainted canvas), if so */
  error?: string;
}

/** Runs in the page: stats of every <video> matching `selector`, light DOM and open shadow roots. */
const COLLECT = String.raw`(selector) => {
  const w = window;
  if (!w.__onairVideoKeys) { w.__onairVideoKeys = new WeakMap(); w.__onairVideoNext = 1; }
  const keys = w.__onairVideoKeys;
  const found = [];
  const seen = new Set();
  const roots = [document];
  while (roots.length) {
    const root = roots.shift();
    for (const el of root.querySelectorAll(selector)) {
      if (el instanceof HTMLVideoElement && !seen.has(el)) { seen.add(el); found.push(el); }
    }
    for (const el of root.querySelectorAll('*')) { if (el.shadowRoot) roots.push(el.shadowRoot); }
  }
  const canvas = w.__onairLumaCanvas || (w.__onairLumaCanvas = document.createElement('canvas'));
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  return found.map((v) => {
    if (!keys.has(v)) keys.set(v, w.__onairVideoNext++);
    const q = typeof v.getVideoPlaybackQuality === 'function' ? v.getVideoPlaybackQuality() : null;
    const tile = v.closest('[data-identity],[data-participant-sid]');
    const s = {
      key: keys.get(v),
      element: 'video' + (v.id ? '#' + v.id : '') + (v.classList.length ? '.' + [...v.classList].join('.') : ''),
      identity: tile ? tile.getAttribute('data-identity') : null,
      participantSid: tile ? tile.getAttribute('data-participant-sid') : null,
      videoWidth: v.videoWidth,
      videoHeight: v.videoHeight,
      currentTime: v.currentTime,
      paused: v.paused,
      readyState: v.readyState,
      totalVideoFrames: q ? q.totalVideoFrames : 0,
      droppedVideoFrames: q ? q.droppedVideoFrames : 0,
      meanLuma: -1,
      nonBlack: false,
    };
    if (v.videoWidth > 0 && v.videoHeight > 0 && v.readyState >= 2) {
      try {
        const cw = Math.max(1, Math.min(160, v.videoWidth));
        const ch = Math.max(1, Math.round((cw * v.videoHeight) / v.videoWidth));
        canvas.width = cw;
        canvas.height = ch;
        ctx.drawImage(v, 0, 0, cw, ch);
        const d = ctx.getImageData(0, 0, cw, ch).data;
        let sum = 0;
        for (let i = 0; i < d.length; i += 4) sum += 0.299 * d[i] + 0.587 * d[i + 1] + 0.114 * d[i + 2];
        s.meanLuma = Math.round((sum / (d.length / 4)) * 100) / 100;
      } catch (e) {
        s.error = String(e && e.message ? e.message : e);
      }
    }
    s.nonBlack = s.meanLuma > 16 && s.videoWidth > 0;
    return s;
  });
}`;

/** Stats for each <video> matching `selector` (light DOM and open shadow roots), in document order. */
export async function videoStats(page: Page, selector = 'video'): Promise<VideoStats[]> {
  return (await page.evaluate(`(${COLLECT})(${JSON.stringify(selector)})`)) as VideoStats[];
}

export interface WaitOptions {
  /** time between samples; frames must advance across samples at least 300 ms apart (default 350) */
  intervalMs?: number;
}

/**
 * Waits until at least `count` videos matching `selector` are decoding frames
 * (totalVideoFrames grows between two samples at least 300 ms apart) and show a non-black
 * frame. Resolves with their latest stats; on timeout, rejects with what it saw.
 */
export async function waitForPlayingVideos(
  page: Page,
  selector: string,
  count: number,
  timeoutMs = 15_000,
  opts: WaitOptions = {},
): Promise<VideoStats[]> {
  const interval = Math.max(50, opts.intervalMs ?? 350);
  const deadline = Date.now() + timeoutMs;
  const history: { at: number; byKey: Map<number, VideoStats> }[] = [];
  let last: VideoStats[] = [];
  let playing: VideoStats[] = [];
  for (;;) {
    const at = Date.now();
    last = await videoStats(page, selector);
    // compare with the newest earlier sample that is at least 300 ms old
    const old = history.filter((h) => at - h.at >= 300);
    const base = old[old.length - 1];
    if (base) {
      playing = last.filter((s) => {
        const before = base.byKey.get(s.key);
        return before !== undefined && s.totalVideoFrames > before.totalVideoFrames && s.nonBlack;
      });
      if (playing.length >= count) return playing;
      history.splice(0, old.length - 1);
    }
    history.push({ at, byKey: new Map(last.map((s) => [s.key, s])) });
    if (Date.now() + interval > deadline) break;
    await new Promise((r) => setTimeout(r, interval));
  }
  throw new Error(
    `expected ${count} playing, non-black video(s) matching ${JSON.stringify(selector)} within ${timeoutMs} ms; ` +
      `${playing.length} playing. Last stats:\n${JSON.stringify(last, null, 2)}\nPage log:\n${pageLog(page)}`,
  );
}
