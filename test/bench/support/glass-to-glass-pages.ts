/**
 * The pages of `glass-to-glass.bench.ts`: the clock sender (a room-client SDK page) and a
 * viewer (a blank page of the server's origin running the real @onair/player ESM bundle,
 * `/sdk/player.mjs`, with the clock decoder on its video element).
 */
import type { Browser, LoggedPage } from '../../e2e/support/browser.js';
import { newPage, pageLog } from '../../e2e/support/browser.js';
import { DEFAULT_SENDER, senderScript, viewerDecoderScript, type SenderSize, type TileMapping } from './clock-pattern.js';

/** Opens the clock sender and joins `token`'s room with its canvas (`sender`, 640x360 by default) + oscillator tracks. */
export async function openClockSender(browser: Browser, base: string, token: string, sender: SenderSize = DEFAULT_SENDER): Promise<LoggedPage> {
  const page = await newPage(browser);
  await page.goto(`${base}/healthz`);
  await page.evaluate(`(${senderScript(sender)})(${JSON.stringify(token)})`);
  return page;
}

/**
 * Runs in the viewer page: `Player.connect(token, {hlsConfig})` (null values in hlsConfig
 * become undefined, so a player default can be unset), play(), counts `rebuffering` events
 * and state changes, and starts the decoder.
 */
const viewerScript = (sender: SenderSize) => String.raw`async (token, hlsConfigJson, mappings, composedWidth, videoProps) => {
  const hlsConfig = JSON.parse(hlsConfigJson);
  for (const k of Object.keys(hlsConfig)) if (hlsConfig[k] === null) hlsConfig[k] = undefined;
  const { Player } = await import('/sdk/player.mjs');
  window.__rebuffers = 0;
  window.__states = [];
  window.__errors = [];
  window.__trace = [];
  const player = await Player.connect(token, { hlsConfig });
  window.player = player;
  window.__states.push([Date.now(), player.state]);
  player.on('stateChanged', (s) => window.__states.push([Date.now(), s]));
  player.on('rebuffering', () => window.__rebuffers++);
  player.on('error', (e) => window.__errors.push(e.code + ': ' + e.message));
  const video = player.videoElement;
  video.muted = true;
  Object.assign(video, videoProps);
  video.style.width = '640px';
  document.body.append(video);
  (${viewerDecoderScript(sender)})(video, mappings, composedWidth);
  // every 250 ms: [wall ms, hls.js latency, target, buffered ahead, playback rate] (ONAIR_G2G_TRACE)
  // at each stall and each resume: [wall ms, event, currentTime, readyState, buffered ranges]
  window.__waits = [];
  const ranges = () => Array.from({ length: video.buffered.length }, (_, i) => [video.buffered.start(i), video.buffered.end(i)]);
  for (const e of ['waiting', 'playing', 'seeking', 'seeked'])
    video.addEventListener(e, () => window.__waits.push([Date.now(), e, video.currentTime, video.readyState, ranges()]));
  setInterval(() => window.__trace.push([Date.now(), player.liveLatency, player.targetLatency, player.stats.bufferedAhead, video.playbackRate]), 250);
  await player.play();
}`;

export async function openViewer(
  browser: Browser,
  base: string,
  token: string,
  hlsConfig: Record<string, unknown>,
  mappings: TileMapping[],
  composedWidth: number,
  /** set on the player's <video> before it plays, e.g. {preservesPitch: false} */
  videoProps: Record<string, unknown> = {},
  /** the clock sender's canvas the mappings were made for */
  sender: SenderSize = DEFAULT_SENDER,
): Promise<LoggedPage> {
  const page = await newPage(browser);
  await page.goto(`${base}/healthz`);
  const args = [token, JSON.stringify(hlsConfig), mappings, composedWidth, videoProps].map((a) => JSON.stringify(a)).join(', ');
  await page.evaluate(`(${viewerScript(sender)})(${args})`);
  return page;
}

/** Waits until the viewer shows a frame whose clock decodes; fails with what it saw and its log. */
export async function waitForClock(page: LoggedPage, name: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: ViewerSnapshot | undefined;
  while (Date.now() < deadline) {
    last = await readViewer(page);
    if (last.firstDecodedAt !== null) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(
    `${name}: no decodable clock within ${timeoutMs / 1000} s (frames ${last?.frames}, undecoded ${last?.undecoded}, ` +
      `states ${JSON.stringify(last?.states.map(([, s]) => s))}, errors ${JSON.stringify(last?.errors)})\n${pageLog(page)}`,
  );
}

/** What a viewer page has seen so far. */
export interface ViewerSnapshot {
  /** [display wall ms, latency ms] per decoded frame */
  samples: [number, number][];
  undecoded: number;
  frames: number;
  firstFrameAt: number | null;
  firstDecodedAt: number | null;
  rebuffers: number;
  /** [wall ms, state] */
  states: [number, string][];
  errors: string[];
  framesDropped: number;
  framesDecoded: number;
  quality: { total: number; dropped: number };
  hlsLatency: number | null;
  /** seconds buffered ahead of the play head (player.stats) */
  bufferedAhead: number | null;
  /** every 250 ms: [wall ms, hls.js latency, target, buffered ahead, playback rate] */
  trace: [number, number | null, number | null, number | null, number][];
  /** the element's stalls and resumes: [wall ms, event, currentTime, readyState, buffered ranges] */
  waits: [number, string, number, number, [number, number][]][];
}

export async function readViewer(page: LoggedPage): Promise<ViewerSnapshot> {
  return (await page.evaluate(`(() => {
    const g = window.__g2g || { samples: [], undecoded: 0, frames: 0, firstFrameAt: null, firstDecodedAt: null };
    const p = window.player;
    const q = p && p.videoElement.getVideoPlaybackQuality ? p.videoElement.getVideoPlaybackQuality() : null;
    return {
      ...g,
      samples: g.samples.slice(),
      rebuffers: window.__rebuffers || 0,
      states: (window.__states || []).slice(),
      errors: (window.__errors || []).slice(),
      trace: (window.__trace || []).slice(),
      waits: (window.__waits || []).slice(),
      framesDropped: p ? p.stats.framesDropped : 0,
      framesDecoded: p ? p.stats.framesDecoded : 0,
      quality: q ? { total: q.totalVideoFrames, dropped: q.droppedVideoFrames } : { total: 0, dropped: 0 },
      hlsLatency: p ? p.liveLatency : null,
      bufferedAhead: p ? p.stats.bufferedAhead : null,
    };
  })()`)) as ViewerSnapshot;
}
