/**
 * The video-composer-v1 page on its own, in real Chromium against the real server: it joins
 * a room of fake-camera speakers as a hidden participant, draws the grid, and streams its
 * MediaRecorder output to an ingest WebSocket of the test's own (no MediaProcessor job).
 * The recording is checked with ffprobe and on decoded pixels.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { computeLayout } from '@onair/composer';
import type { ComposerConfig } from '@onair/protocol';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { launchBrowser, newPage, pageLog, type Browser, type LoggedPage } from './support/browser.js';
import { startIngestSink, type IngestSink, type SinkConnection } from './support/ingest-sink.js';
import { audioLevels, EBML_MAGIC, frameRgb, probe, regionStats } from './support/recording.js';
import { eventually, startServer, type RunningServer } from './support/server.js';
import { hiddenToken, videoToken } from './support/signaling.js';
import { openSpeaker, waitForState } from './support/speakers.js';
import { tcpProxy, type TcpProxy } from './support/tcp-proxy.js';

const ROOM = 'composer-room';
const SECRET = 'ingest-secret-for-the-test';
const WIDTH = 640;
const HEIGHT = 360;
/** a colour no tile has, to tell the background apart */
const BACKGROUND = { css: '#1e50c8', r: 0x1e, g: 0x50, b: 0xc8 };

let server: RunningServer;
let browser: Browser;
let sink: IngestSink;
/** the composer's signaling goes through it, so a test can cut it */
let proxy: TcpProxy;
let composer: LoggedPage;
const speakers: LoggedPage[] = [];
const tmp = mkdtempSync(join(tmpdir(), 'onair-composer-page-test-'));

/** Records every data-state the page's <body> takes, in `window.__states`. */
const RECORD_STATES = `(() => {
  window.__states = [];
  new MutationObserver(() => {
    const s = document.body && document.body.dataset.state;
    if (s && window.__states[window.__states.length - 1] !== s) window.__states.push(s);
  }).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-state'] });
})()`;

async function openComposer(identity: string, overrides: Partial<ComposerConfig> = {}): Promise<LoggedPage> {
  const config: ComposerConfig = {
    token: await hiddenToken(server, identity, ROOM),
    room: ROOM,
    serverUrl: proxy.url,
    ingestUrl: sink.url,
    ingestSecret: SECRET,
    width: WIDTH,
    height: HEIGHT,
    frameRate: 30,
    videoCodec: 'h264',
    keyFrameIntervalMs: 1000,
    timesliceMs: 250,
    videoBitsPerSecond: 1_000_000,
    audioBitsPerSecond: 64_000,
    hideParticipantIdentities: false,
    backgroundColor: BACKGROUND.css,
    ...overrides,
  };
  const page = await newPage(browser);
  await page.evaluateOnNewDocument(RECORD_STATES);
  await page.goto(`${server.url}/composer/#${encodeURIComponent(JSON.stringify(config))}`);
  return page;
}

const data = (page: LoggedPage) =>
  page.evaluate(() => ({ ...document.body.dataset })) as Promise<Record<string, string | undefined>>;

async function waitForData(page: LoggedPage, want: Record<string, string>, timeoutMs = 15_000): Promise<void> {
  try {
    await eventually(async () => {
      const d = await data(page);
      return Object.entries(want).every(([k, v]) => d[k] === v);
    }, timeoutMs);
  } catch (err) {
    throw new Error(`composer never had ${JSON.stringify(want)}: ${JSON.stringify(await data(page))}\n${pageLog(page)}\n${(err as Error).message}`);
  }
}

/** The page's connections to the sink carrying `SECRET`, in order. */
const accepted = () => sink.connections.filter((c) => c.accepted);

async function waitForChunks(conn: SinkConnection, count: number, timeoutMs = 15_000): Promise<void> {
  await eventually(async () => conn.chunks.length >= count, timeoutMs, 50);
}

beforeAll(async () => {
  [server, browser, sink] = await Promise.all([startServer(), launchBrowser(), startIngestSink(SECRET)]);
  proxy = await tcpProxy(server.url);
  for (const who of ['ada', 'grace']) speakers.push(await openSpeaker(browser, server.url, videoToken(server, who, ROOM)));
  await Promise.all(speakers.map((page) => waitForState(page, 'connected')));
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await Promise.all([server?.stop(), sink?.close(), proxy?.close()]);
  rmSync(tmp, { recursive: true, force: true });
});

describe('composer page (video-composer-v1)', () => {
  test('joins hidden, draws both speakers and streams a recording from the start', async () => {
    composer = await openComposer('video-composer-v1');
    // recording does not wait for the room: the first connection carries a Matroska stream
    await eventually(async () => accepted().length >= 1, 10_000);
    const first = accepted()[0]!;
    expect(first.hello).toMatchObject({
      type: 'hello',
      mimeType: 'video/x-matroska;codecs=avc1,opus',
      videoCodec: 'h264',
      width: WIDTH,
      height: HEIGHT,
      frameRate: 30,
    });
    await waitForChunks(first, 2);
    expect(first.bytes().subarray(0, 4)).toEqual(EBML_MAGIC);

    await waitForData(composer, { state: 'composing', participants: '2', tiles: '2', videoTiles: '2' });
    const d = await data(composer);
    expect(d.recorder).toBe('video/x-matroska;codecs=avc1,opus');
    expect(d.errorCode).toBeUndefined();
    // the speakers do not see the hidden composer
    for (const page of speakers) {
      expect(await page.$$eval('li.tile[data-identity]', (tiles) => tiles.map((t) => t.getAttribute('data-identity')))).not.toContain(
        'video-composer-v1',
      );
    }
  }, 40_000);

  test('4010 starts a fresh recording on a new connection without rejoining; the recording is H.264 + Opus with the tiles drawn', async () => {
    const before = accepted().length;
    const previous = accepted()[before - 1]!;
    previous.ws.close(4010, 'ffmpeg restarted');
    await eventually(async () => accepted().length === before + 1, 5_000, 50);
    const conn = accepted()[before]!;
    expect(conn.hello?.mimeType).toBe('video/x-matroska;codecs=avc1,opus');
    await waitForChunks(conn, 2, 5_000);
    expect(conn.bytes().subarray(0, 4)).toEqual(EBML_MAGIC);
    // ~3 s of recording (timeslice 250 ms)
    await waitForChunks(conn, 13, 15_000);
    const file = join(tmp, 'recording.mkv');
    writeFileSync(file, conn.bytes());
    // the first recording (it began before the page had joined: frames flow with nobody to draw) is readable too
    const firstFile = join(tmp, 'first.mkv');
    writeFileSync(firstFile, previous.bytes());
    expect((await probe(firstFile)).streams.map((s) => s.codec_name).sort()).toEqual(['h264', 'opus']);

    const probed = await probe(file);
    expect(probed.format.format_name).toContain('matroska');
    const video = probed.streams.find((s) => s.codec_type === 'video');
    const audio = probed.streams.find((s) => s.codec_type === 'audio');
    expect(video).toMatchObject({ codec_name: 'h264', width: WIDTH, height: HEIGHT });
    expect(audio).toMatchObject({ codec_name: 'opus' });
    // the speakers' fake microphones beep: the mix carries them
    const levels = await audioLevels(file);
    expect(levels.seconds).toBeGreaterThan(2);
    expect(levels.peak, JSON.stringify(levels)).toBeGreaterThan(0.05);

    // pixels: the two tiles where the layout puts them, the background around them
    const rgb = await frameRgb(file, 2, WIDTH, HEIGHT);
    const layout = computeLayout({ width: WIDTH, height: HEIGHT, tiles: [{ id: 'a', kind: 'video' }, { id: 'b', kind: 'video' }] });
    expect(layout).toHaveLength(2);
    for (const tile of layout) {
      // inside the tile, clear of its name label: the fake camera's green frame, neither the
      // grey of a name tile nor the blue background
      const inner = { x: tile.x + 20, y: tile.y + 20, width: tile.width - 40, height: tile.height - 80 };
      const stats = regionStats(rgb, WIDTH, inner);
      expect(stats.luma, `tile ${JSON.stringify(tile)}: ${JSON.stringify(stats)}`).toBeGreaterThan(30);
      expect(stats.g - Math.max(stats.r, stats.b), `tile ${JSON.stringify(tile)}: ${JSON.stringify(stats)}`).toBeGreaterThan(40);
    }
    const band = { x: 20, y: 2, width: WIDTH - 40, height: layout[0]!.y - 6 };
    expect(band.height).toBeGreaterThan(8);
    const bg = regionStats(rgb, WIDTH, band);
    expect(Math.abs(bg.r - BACKGROUND.r), JSON.stringify(bg)).toBeLessThan(20);
    expect(Math.abs(bg.g - BACKGROUND.g), JSON.stringify(bg)).toBeLessThan(20);
    expect(Math.abs(bg.b - BACKGROUND.b), JSON.stringify(bg)).toBeLessThan(20);

    // the room connection stayed as it was
    expect(await composer.evaluate('window.__states')).toEqual(['joining', 'composing']);
    // progress reports about once a second
    await eventually(async () => conn.statuses.length >= 3, 6_000);
    const last = conn.statuses.at(-1)!;
    expect(last).toMatchObject({ type: 'status', participants: 2, tiles: 2 });
    // frames are being drawn, never above the configured rate; how close to it the page gets
    // is a speed figure, measured by the composer benchmark, not asserted here
    const fps = conn.statuses.map((s) => s.fps);
    expect(Math.max(...fps)).toBeLessThanOrEqual(31);
    expect(Math.max(...fps)).toBeGreaterThan(0);
    console.log(`composer fps at ${WIDTH}x${HEIGHT} with 2 speakers: ${fps.join(', ')}`);
  }, 40_000);

  test('a signaling blip: the room resumes by itself and the recording carries on', async () => {
    const conn = accepted().at(-1)!;
    const chunks = conn.chunks.length;
    expect(proxy.drop(/^GET \/signaling/)).toBe(1);
    await new Promise((r) => setTimeout(r, 2_000));
    await waitForData(composer, { state: 'composing', participants: '2', tiles: '2', videoTiles: '2' }, 10_000);
    expect(conn.closeCode).toBeUndefined();
    expect(accepted().at(-1)).toBe(conn);
    expect(conn.chunks.length).toBeGreaterThan(chunks + 4);
    expect(await composer.evaluate('window.__states')).toEqual(['joining', 'composing']);
  }, 20_000);

  test('a third speaker gets a tile within a few seconds and loses it on leaving', async () => {
    const cal = await openSpeaker(browser, server.url, videoToken(server, 'cal', ROOM));
    await waitForState(cal, 'connected');
    const joinedAt = Date.now();
    await waitForData(composer, { participants: '3', tiles: '3' }, 6_000);
    const appearedMs = Date.now() - joinedAt;
    await cal.click('#leave');
    const leftAt = Date.now();
    await waitForData(composer, { participants: '2', tiles: '2' }, 6_000);
    await cal.close();
    console.log(`third tile appeared ${appearedMs} ms after the speaker connected; gone ${Date.now() - leftAt} ms after it left`);
    expect(await composer.evaluate('window.__states')).toEqual(['joining', 'composing']);
  }, 30_000);

  test('a track named video-composer-presentation switches to the presentation layout and back', async () => {
    // a presenter without camera or microphone, sharing a red "screen" drawn on a canvas
    const presenter = await newPage(browser);
    try {
      await presenter.goto(`${server.url}/healthz`);
      await presenter.evaluate(`(async () => {
        const sdk = await import('/demo/room-client.js');
        const canvas = document.createElement('canvas');
        canvas.width = 640; canvas.height = 360;
        const ctx = canvas.getContext('2d');
        const paint = () => { ctx.fillStyle = '#d01010'; ctx.fillRect(0, 0, 640, 360); };
        paint(); setInterval(paint, 100);
        const track = canvas.captureStream(10).getVideoTracks()[0];
        window.room = await sdk.connect(${JSON.stringify(videoToken(server, 'presenter', ROOM))}, {
          tracks: [new sdk.LocalVideoTrack(track, { name: 'video-composer-presentation' })],
        });
      })()`);
      // the presentation plus both speakers beside it; the presenter has no speaker tile of its own
      await waitForData(composer, { participants: '3', tiles: '3', videoTiles: '3' }, 15_000);
      const layout = computeLayout({
        width: WIDTH,
        height: HEIGHT,
        tiles: [{ id: 'a', kind: 'video' }, { id: 'b', kind: 'video' }],
        presentation: { id: 'p' },
      });
      const mean = (r: { x: number; y: number; width: number; height: number }) =>
        composer.evaluate(
          `(() => {
            const d = document.getElementById('stage').getContext('2d').getImageData(${r.x + 10}, ${r.y + 10}, ${r.width - 20}, ${r.height - 40}).data;
            let s = [0, 0, 0];
            for (let i = 0; i < d.length; i += 4) { s[0] += d[i]; s[1] += d[i + 1]; s[2] += d[i + 2]; }
            return s.map((v) => v / (d.length / 4));
          })()`,
        ) as Promise<[number, number, number]>;
      const [stage, ...sidebar] = layout;
      expect(stage!.role).toBe('presentation');
      const [r, g, b] = await mean(stage!);
      expect(r - Math.max(g, b), `presentation ${[r, g, b]}`).toBeGreaterThan(80); // red
      for (const tile of sidebar) {
        const [tr, tg, tb] = await mean(tile);
        expect(tg - Math.max(tr, tb), `sidebar ${[tr, tg, tb]}`).toBeGreaterThan(40); // the green fake cameras
      }
      await presenter.evaluate('window.room.disconnect()');
      await waitForData(composer, { participants: '2', tiles: '2', videoTiles: '2' }, 6_000);
    } finally {
      await presenter.close();
    }
  }, 30_000);

  test('a wrong ingest secret is refused with 4003: nothing is recorded and the page stops retrying', async () => {
    const before = sink.connections.length;
    const page = await openComposer('composer-wrong-secret', { ingestSecret: 'not-the-secret' });
    try {
      await waitForData(page, { state: 'error', errorName: 'ERR_INGEST_UNAUTHORIZED', errorCode: '53000' }, 10_000);
      const refused = sink.connections.slice(before).filter((c) => c.hello?.secret === 'not-the-secret');
      expect(refused).toHaveLength(1);
      expect(refused[0]).toMatchObject({ accepted: false, closeCode: 4003 });
      expect(refused[0]!.chunks).toHaveLength(0);
      await new Promise((r) => setTimeout(r, 1_500));
      expect(sink.connections.slice(before).filter((c) => c.hello?.secret === 'not-the-secret')).toHaveLength(1);
      expect((await data(page)).recorder).toBeUndefined();
    } finally {
      await page.close();
    }
  }, 30_000);

  test('1000 stops the page for good', async () => {
    const conns = accepted();
    const current = conns.at(-1)!;
    expect(current.closeCode).toBeUndefined();
    current.ws.close(1000, 'stop');
    await waitForData(composer, { state: 'stopped' }, 5_000);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(accepted()).toHaveLength(conns.length);
    expect((await data(composer)).recorder).toBeUndefined();
    // nothing the page logged holds the secret or a token
    expect(pageLog(composer)).not.toContain(SECRET);
    expect(pageLog(composer)).not.toMatch(/eyJ[\w-]+\.eyJ/);
  }, 20_000);
});
