/**
 * Glass-to-glass latency of a live stream, on the real path:
 *
 *   clock sender (canvas whose pixels encode its wall clock + a WebAudio oscillator,
 *   published with @onair/room-client) + a fake-camera speaker (/demo/speaker)
 *   → the real CLI (`onair serve`, one standby Chromium as by default)
 *   → REST: PlayerStreamer, then MediaProcessor video-composer-v1 (1280x720, 2 tiles)
 *   → composer Chromium → MediaRecorder H.264 → ffmpeg (copy) → HLS packager (1 s segments)
 *   → playback origin → the real @onair/player (/sdk/player.mjs, hls.js) in headless Chromium.
 *
 * Every page runs on this machine, so the sender's and the viewers' clocks are one
 * (`performance.timeOrigin + performance.now()`). Each viewer reads the clock back from
 * every displayed frame (requestVideoFrameCallback → drawImage of the pattern's area of
 * each candidate tile → blocks → ms), latency = expected display time − decoded clock;
 * frames whose pattern fails its checks are counted and dropped (support/clock-pattern.ts).
 *
 * Rows: viewers of the same stream, side by side in the same run: hls.js's count-based
 * live sync (baseline), the player as shipped (1.5 s behind the edge) and a lower setting. The server side
 * (segment duration, MediaRecorder timeslice, keyframe interval) has no setting today, so
 * every row shares the default 1 s segments.
 *
 * Env: ONAIR_G2G_SECONDS (window, default 60), ONAIR_G2G_SETTLE_SECONDS (default 5),
 * ONAIR_G2G_TUNED (JSON array of [name, hlsConfig] replacing the tuned rows, e.g.
 * [["1.2 s", {"liveSyncDuration": 1.2}]]).
 *
 * `npm run bench -- test/bench/glass-to-glass.bench.ts`
 */
import { rmSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { afterAll, beforeAll, bench, describe } from 'vitest';
import { launchBrowser, pageLog, type Browser, type LoggedPage } from '../e2e/support/browser.js';
import { api, startServer, type RunningServer } from '../e2e/support/server.js';
import { videoToken } from '../e2e/support/signaling.js';
import { openSpeaker, waitForState } from '../e2e/support/speakers.js';
import { twilio, twilioClient } from '../e2e/support/twilio-client.js';
import { tileMappings } from './support/clock-pattern.js';
import { openClockSender, openViewer, readViewer, type ViewerSnapshot } from './support/glass-to-glass-pages.js';
import { report, type ViewerRow } from './support/glass-to-glass-report.js';
import { machineCpu } from './support/proc-usage.js';

const SECONDS = Number(process.env.ONAIR_G2G_SECONDS ?? 60);
const SETTLE_SECONDS = Number(process.env.ONAIR_G2G_SETTLE_SECONDS ?? 5);
/** the early viewer's own window, which ends when the late viewers join */
const LATE_JOIN_SECONDS = Number(process.env.ONAIR_G2G_LATE_JOIN_SECONDS ?? 15);
const EARLY_SETTLE_MS = 2_000;
const FIRST_FRAME_TIMEOUT_MS = 60_000;
const WIDTH = 1280;
const HEIGHT = 720;
const ROOM = 'bench-g2g';

/** hls.js's seconds-based live sync (the player drops its own target when an app sets one) */
const sync = (seconds: number) => ({ liveSyncDuration: seconds, liveMaxLatencyDuration: seconds + 4 });
const TUNED: [string, Record<string, unknown>][] = process.env.ONAIR_G2G_TUNED
  ? (JSON.parse(process.env.ONAIR_G2G_TUNED) as [string, Record<string, unknown>][])
  : [['liveSyncDuration 1.0', sync(1.0)]];
/** connects right after POST /v1/MediaProcessors: create → first frame, and the latency of a viewer there from the start */
const EARLY: [string, Record<string, unknown>] = ['default, from the start', {}];
/**
 * join once the early viewer has been measured (LATE_JOIN_SECONDS), the stream's playlist full:
 * hls.js's own count-based target (2 × EXT-X-TARGETDURATION, the player's setting until
 * 2026-12-03) as the baseline, the player as shipped (1.5 s behind the edge), and lower
 */
const LATE: [string, Record<string, unknown>][] = [
  ['baseline: liveSyncDurationCount 2', { liveSyncDurationCount: 2 }],
  ['default (liveSyncDuration 1.5)', {}],
  ...TUNED,
];

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const opts = { iterations: 1, time: 0, warmupIterations: 0, warmupTime: 0 };

let server: RunningServer | undefined;
let browser: Browser | undefined;
let browserVersion = '';
const rows: ViewerRow[] = [];
const notes: string[] = [];
const load: { before: number[]; after: number[]; machineCores?: number } = { before: [], after: [] };

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer({ env: { ONAIR_COMPOSER_STANDBY: '1' } }), launchBrowser()]);
  browserVersion = await browser.version();
}, 60_000);

afterAll(async () => {
  process.stdout.write(
    report(rows, {
      cores: cpus().length,
      browserVersion,
      loadBefore: load.before,
      loadAfter: load.after,
      machineCores: load.machineCores,
      seconds: SECONDS,
      settleSeconds: SETTLE_SECONDS,
      lateJoinSeconds: LATE_JOIN_SECONDS,
      notes,
    }),
  );
  await browser?.close().catch(() => undefined);
  if (server) {
    const stopped = await Promise.race([server.stop().then(() => true), sleep(15_000).then(() => false)]);
    if (!stopped) await server.kill();
    rmSync(server.dataDir, { recursive: true, force: true });
  }
  const failed = rows.filter((r) => r.error);
  if (failed.length) throw new Error(failed.map((r) => `${r.name}: ${r.error}`).join('\n'));
}, 60_000);

/** A viewer's access token wrapping a playback grant, minted by the official twilio library. */
function viewerToken(s: RunningServer, grant: object): string {
  const { AccessToken } = twilio.jwt;
  const token = new AccessToken(s.creds.accountSid, s.creds.apiKeySid, s.creds.apiSecret, { identity: `viewer-${Math.random().toString(36).slice(2, 8)}` });
  token.addGrant(new AccessToken.PlaybackGrant({ grant }));
  return token.toJwt();
}

async function waitForClock(page: LoggedPage, name: string): Promise<void> {
  const deadline = Date.now() + FIRST_FRAME_TIMEOUT_MS;
  let last: ViewerSnapshot | undefined;
  while (Date.now() < deadline) {
    last = await readViewer(page);
    if (last.firstDecodedAt !== null) return;
    await sleep(250);
  }
  throw new Error(
    `${name}: no decodable clock within ${FIRST_FRAME_TIMEOUT_MS / 1000} s (frames ${last?.frames}, undecoded ${last?.undecoded}, ` +
      `states ${JSON.stringify(last?.states.map(([, s]) => s))}, errors ${JSON.stringify(last?.errors)})\n${pageLog(page)}`,
  );
}

async function run(): Promise<void> {
  const s = server!;
  const b = browser!;
  const speaker = await openSpeaker(b, s.url, videoToken(s, 'camera', ROOM));
  const sender = await openClockSender(b, s.url, videoToken(s, 'clock', ROOM));
  await waitForState(speaker, 'connected', 30_000);
  await sleep(2_000); // the standby Chromium is up (it launches with the server) and the two speakers see each other
  const client = twilioClient(s);
  const streamer = await client.media.v1.playerStreamer.create({ maxDuration: 900 });
  // grants live at most 60 s: each viewer gets its own, minted just before it connects
  const token = async () => {
    const res = await api(s, 'POST', `/v1/PlayerStreamers/${streamer.sid}/PlaybackGrant`, { Ttl: '60' });
    if (res.status >= 300) throw new Error(`PlaybackGrant: ${res.status} ${res.text}`);
    return viewerToken(s, res.json.grant as object);
  };
  const earlyToken = await token();
  const mappings = tileMappings(WIDTH, HEIGHT, 2);
  const open = async ([name, config]: [string, Record<string, unknown>], token: string, t0: number, from: 'create' | 'join') => {
    const r: ViewerRow = { name, config: JSON.stringify(config), t0, from, windowStart: 0, windowEnd: 0 };
    rows.push(r);
    return { r, page: await openViewer(b, s.url, token, config, mappings, WIDTH) };
  };
  const t0 = Date.now();
  const processor = await client.media.v1.mediaProcessor.create({
    extension: 'video-composer-v1',
    extensionContext: JSON.stringify({ room: { name: ROOM }, outputs: [streamer.sid], resolution: `${WIDTH}x${HEIGHT}` }),
    extensionEnvironment: JSON.stringify({ hideParticipantIdentities: true }),
    maxDuration: 900, // the viewers are measured one after another
  });
  try {
    // the early viewer connects right after the POST (Player.connect waits for the first segment)
    const early = await open(EARLY, earlyToken, t0, 'create');
    await waitForClock(early.page, early.r.name);
    // its own window, until the late viewers join; then it is closed (fewer decoders on the shared cores)
    await sleep(EARLY_SETTLE_MS);
    const earlyBefore = await readViewer(early.page);
    const earlyStart = Date.now();
    await sleep(LATE_JOIN_SECONDS * 1000);
    Object.assign(early.r, { windowStart: earlyStart, windowEnd: Date.now(), before: earlyBefore, after: await readViewer(early.page) });
    await early.page.close();
    // the late viewers join a stream whose playlist is full, as most viewers do; one at a
    // time, so that each has the cores a real viewer's own machine would give it (three
    // decoders beside the speakers and the composer starve all of them on 2 cores)
    let busy = 0;
    let measured = 0;
    load.before = loadavg();
    for (const viewer of LATE) {
      const joinedAt = Date.now();
      const { r, page } = await open(viewer, await token(), joinedAt, 'join');
      await waitForClock(page, r.name);
      await sleep(SETTLE_SECONDS * 1000);
      const cpu0 = machineCpu();
      const start = Date.now();
      const before = await readViewer(page);
      await sleep(SECONDS * 1000);
      const end = Date.now();
      const after = await readViewer(page);
      busy += machineCpu().busy - cpu0.busy;
      measured += (end - start) / 1000;
      Object.assign(r, { windowStart: start, windowEnd: end, before, after });
      await page.close();
    }
    load.after = loadavg();
    load.machineCores = busy / measured;
    const draws = (await sender.evaluate('window.__draws')) as number;
    notes.push(`sender canvas redraws over the whole run: ${draws}; processor ${processor.sid}, streamer ${streamer.sid}`);
  } catch (err) {
    const message = (err as Error).message.split('\n')[0]!;
    if (!rows.length) rows.push({ name: 'setup', config: '', t0, from: 'create', windowStart: 0, windowEnd: 0, error: message });
    for (const r of rows) r.error ??= message;
    notes.push((err as Error).message);
  } finally {
    await processor.update({ status: 'ended' }).catch(() => undefined);
  }
}

describe('glass to glass, 720p, 2 tiles', () => {
  bench(
    `sender canvas → composer → HLS → @onair/player, ${SECONDS} s`,
    async () => {
      await run();
    },
    opts,
  );
});
