/**
 * Low-Latency HLS end to end, in real headless Chromium against a real `onair serve`: a test
 * source (ffmpeg test pattern, 200 ms fragments → the real packager in LL mode) plays
 * through `@onair/player` (hls.js low-latency mode: parts, blocking playlist reload), and a
 * standard-latency hls.js client plays the same playlist from whole segments only. A
 * `standard` PlayerStreamer tells the player so in its playback session.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { launchBrowser, newPage, pageLog, type Browser, type LoggedPage } from './support/browser.js';
import { createStreamer, playbackGrant, viewerToken } from './support/playback.js';
import { eventually, startServer, type RunningServer } from './support/server.js';
import { startTestStream, type TestStream } from './support/test-stream.js';

let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

type Viewer = LoggedPage & { requests: string[] };

/** A page on the server's origin that plays `token` with the IIFE player and records every /playback request. */
async function watch(token: string, options: object = {}): Promise<Viewer> {
  const page = (await newPage(browser)) as Viewer;
  const requests: string[] = [];
  Object.defineProperty(page, 'requests', { value: requests });
  page.on('request', (req) => {
    const url = new URL(req.url());
    if (url.pathname.startsWith('/playback/')) requests.push(`${url.pathname.split('/').at(-1)}${url.search}`);
  });
  await page.goto(`${server.url}/healthz`);
  const result = await page.evaluate(
    async (token, options) => {
      await new Promise((resolve, reject) => {
        const s = document.createElement('script');
        s.src = '/sdk/player.js';
        s.onload = resolve;
        s.onerror = () => reject(new Error('no /sdk/player.js'));
        document.head.append(s);
      });
      const w = window as unknown as { Onair: { Player: { connect(t: string, o: object): Promise<any> } }; player: any; __states: string[] };
      w.__states = [];
      try {
        const player = await w.Onair.Player.connect(token, options);
        w.player = player;
        w.__states.push(player.state);
        player.on('stateChanged', (s: string) => w.__states.push(s));
        player.setMuted(true);
        document.body.append(player.videoElement);
        await player.play();
        return { ok: true };
      } catch (e) {
        return { ok: false, message: String(e) };
      }
    },
    token,
    options,
  );
  expect(result, pageLog(page)).toEqual({ ok: true });
  return page;
}

const state = (page: LoggedPage) => page.evaluate('window.player.state') as Promise<string>;
const position = (page: LoggedPage) => page.evaluate('window.player.position') as Promise<number>;

describe('a low latency PlayerStreamer (the default)', () => {
  let stream: TestStream;
  let streamerSid: string;
  let ll: Viewer;
  let standard: Viewer;

  beforeAll(async () => {
    streamerSid = await createStreamer(server);
    stream = await startTestStream({ dataDir: server.dataDir, streamerSid, segmentSeconds: 1, partSeconds: 0.2, windowSegments: 8 });
    await stream.waitForSegments(2);
  }, 60_000);

  afterAll(async () => {
    await stream?.stop();
  });

  test('the playlist is LL-HLS: parts, preload hint, blocking reload, PART-HOLD-BACK', async () => {
    const text = await import('node:fs/promises').then((fs) => fs.readFile(stream.packager.playlistPath, 'utf8'));
    expect(text).toContain('#EXT-X-VERSION:9');
    expect(text).toMatch(/#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=0\.702\n/);
    expect(text).toMatch(/#EXT-X-PART-INF:PART-TARGET=0\.234\n/);
    expect(text).toMatch(/#EXT-X-PART:DURATION=0\.\d{3},URI="part-\d+\.m4s",INDEPENDENT=YES\n/);
    expect(text).toMatch(/#EXT-X-PRELOAD-HINT:TYPE=PART,URI="part-\d+\.m4s"\n$/);
    const durations = [...text.matchAll(/#EXT-X-PART:DURATION=([\d.]+)/g)].map((m) => Number(m[1]));
    expect(Math.max(...durations)).toBeLessThanOrEqual(0.234);
  });

  test('@onair/player plays it in low-latency mode: parts and blocking reloads, aiming at PART-HOLD-BACK', async () => {
    ll = await watch(viewerToken(server, await playbackGrant(server, streamerSid)));
    await eventually(async () => (await state(ll)) === 'playing', 30_000, 250).catch(async (err: Error) => {
      throw new Error(`${err.message}: ${await ll.evaluate('JSON.stringify(window.__states)')}\n${pageLog(ll)}`);
    });
    const before = await position(ll);
    await eventually(async () => (await position(ll)) > before + 1, 10_000, 200);
    expect(ll.requests.some((r) => /^part-\d+\.m4s$/.test(r))).toBe(true);
    expect(ll.requests.some((r) => /^index\.m3u8\?_HLS_msn=\d+&_HLS_part=\d+$/.test(r))).toBe(true);
    // the target is the playlist's PART-HOLD-BACK (0.702 s), moved back at most one target
    // duration (2 s) in 0.25 s steps by stalls on a busy machine
    const target = (await ll.evaluate('window.player.targetLatency')) as number;
    expect(target).toBeGreaterThanOrEqual(0.7);
    expect(target).toBeLessThanOrEqual(2.71);
    expect(await ll.evaluate('window.player.liveLatency')).toEqual(expect.any(Number));
  }, 60_000);

  test('a standard-latency client plays the same playlist from whole segments', async () => {
    standard = await watch(viewerToken(server, await playbackGrant(server, streamerSid)), { hlsConfig: { lowLatencyMode: false } });
    await eventually(async () => (await state(standard)) === 'playing', 30_000, 250);
    const before = await position(standard);
    await eventually(async () => (await position(standard)) > before + 1, 10_000, 200);
    expect(standard.requests.some((r) => /^seg-\d+\.m4s$/.test(r))).toBe(true);
    // (hls.js still uses blocking playlist reload outside its low-latency mode)
    expect(standard.requests.filter((r) => r.startsWith('part-'))).toEqual([]);
  }, 60_000);

  test('both play on across a new recording (EXT-X-DISCONTINUITY), as after the composer restarted', async () => {
    // media not yet played when the old recording stops: at most what lies between the play
    // head and the live edge, plus the part ffmpeg flushes on exit
    const oldMediaAhead = async (page: Viewer) => ((await page.evaluate('window.player.liveLatency')) as number) + 0.5;
    const from = await Promise.all([ll, standard].map(async (page) => ({ page, position: await position(page), ahead: await oldMediaAhead(page) })));
    const segmentsBefore = stream.segments.length;
    await stream.restart();
    await stream.waitForSegments(segmentsBefore + 3, 30_000);
    const text = await import('node:fs/promises').then((fs) => fs.readFile(stream.packager.playlistPath, 'utf8'));
    expect(text).toMatch(/#EXT-X-DISCONTINUITY\n#EXT-X-MAP:URI="init-1\.mp4"/);
    for (const { page, position: before, ahead } of from) {
      // played more than 1 s past the end of the old recording
      await eventually(async () => (await position(page)) > before + ahead + 1, 30_000, 250).catch(async (err: Error) => {
        throw new Error(`${err.message}: position ${await position(page)} from ${before} (+${ahead}), states ${await page.evaluate('JSON.stringify(window.__states)')}\n${pageLog(page)}`);
      });
      expect(await state(page)).not.toBe('ended');
    }
    expect(ll.requests.some((r) => /^init-1\.mp4$/.test(r))).toBe(true);
  }, 90_000);

  test('both end when the stream ends', async () => {
    await stream.stop();
    for (const page of [ll, standard]) {
      await eventually(async () => (await state(page)) === 'ended', 40_000, 250);
    }
  }, 90_000);
});

describe('a standard latency PlayerStreamer', () => {
  test('its playback session says so, and the player aims 3 s behind the edge', async () => {
    const streamerSid = await createStreamer(server, { LatencyMode: 'standard' });
    const stream = await startTestStream({ dataDir: server.dataDir, streamerSid, segmentSeconds: 2, windowSegments: 4 });
    try {
      await stream.waitForSegments(2);
      const page = await watch(viewerToken(server, await playbackGrant(server, streamerSid)));
      await eventually(async () => (await state(page)) === 'playing', 30_000, 250);
      expect(await page.evaluate('window.player.targetLatency')).toBeGreaterThanOrEqual(3);
      expect(page.requests.filter((r) => r.startsWith('part-'))).toEqual([]);
    } finally {
      await stream.stop();
    }
  }, 60_000);
});
