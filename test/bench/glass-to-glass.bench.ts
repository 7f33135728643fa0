/**
 * Glass-to-glass latency of a live stream, on the real path:
 *
 *   clock sender (canvas whose pixels encode its wall clock + a WebAudio oscillator,
 *   published with @onair/room-client) + a fake-camera speaker (/demo/speaker)
 *   → the real CLI (`onair serve`, one standby Chromium as by default)
 *   → REST: PlayerStreamer, then MediaProcessor video-composer-v1 (1280x720, 2 tiles)
 *   → composer Chromium → MediaRecorder H.264 → ffmpeg (copy, 200 ms fMP4 fragments) → two
 *     PlayerStreamers of the one processor: `low` latency (LL-HLS: 1 s segments, 200 ms parts,
 *     blocking reload) and `standard` (2 s segments, no parts)
 *   → playback origin → the real @onair/player (/sdk/player.mjs, hls.js) in headless Chromium.
 *
 * Every page runs on this machine, so the sender's and the viewers' clocks are one
 * (`performance.timeOrigin + performance.now()`). Each viewer reads the clock back from
 * every displayed frame (requestVideoFrameCallback → drawImage of the pattern's area of
 * each candidate tile → blocks → ms), latency = expected display time − decoded clock;
 * frames whose pattern fails its checks are counted and dropped (support/clock-pattern.ts).
 *
 * Rows: viewers of the same composition, in the same run: the `standard` streamer (baseline)
 * and the `low` latency one, each with the player as shipped; then, on the low latency
 * viewer, an induced stall (3 s offline) and how long its latency takes to come back.
 *
 * Env: ONAIR_G2G_SECONDS (window, default 60), ONAIR_G2G_SETTLE_SECONDS (default 5),
 * ONAIR_G2G_TUNED (JSON array of [name, hlsConfig, videoProps?] of extra rows on the low latency
 * stream, e.g. [["1.2 s", {"liveSyncDuration": 1.2}], ["pitch", {}, {"preservesPitch": false}]];
 * videoProps are set on the player's <video>), ONAIR_G2G_VIEWER_CPU_SHARE (diagnostic: the viewers
 * in their own Chromium with this many times the default CPU weight, support/cpu-favour.ts;
 * root only), ONAIR_G2G_TRACE (a file: every row's samples,
 * states, a 250 ms trace of the player's latency, target, buffer and playback rate, and
 * Chromium's media log of its page, as JSON).
 *
 * `npm run bench -- test/bench/glass-to-glass.bench.ts`
 */
import { rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { afterAll, beforeAll, bench, describe } from 'vitest';
import { launchBrowser, type Browser, type LoggedPage } from '../e2e/support/browser.js';
import { api, startServer, type RunningServer } from '../e2e/support/server.js';
import { videoToken } from '../e2e/support/signaling.js';
import { openSpeaker, waitForState } from '../e2e/support/speakers.js';
import { twilio, twilioClient } from '../e2e/support/twilio-client.js';
import { tileMappings } from './support/clock-pattern.js';
import { openClockSender, openViewer, readViewer, waitForClock, type ViewerSnapshot } from './support/glass-to-glass-pages.js';
import { report, type ViewerRow } from './support/glass-to-glass-report.js';
import { favourCpu } from './support/cpu-favour.js';
import { recordMediaLog, type MediaLogEntry } from './support/media-log.js';
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

type Mode = 'low' | 'standard';
type ViewerSpec = [name: string, hlsConfig: Record<string, unknown>, mode: Mode, videoProps?: Record<string, unknown>];
const TUNED: ViewerSpec[] = process.env.ONAIR_G2G_TUNED
  ? (JSON.parse(process.env.ONAIR_G2G_TUNED) as [string, Record<string, unknown>, Record<string, unknown>?][]).map(([n, c, v]) => [n, c, 'low', v])
  : [];
/** connects right after POST /v1/MediaProcessors: create → first frame, and the latency of a viewer there from the start */
const EARLY: ViewerSpec = ['low latency, from the start', {}, 'low'];
/** join once the early viewer has been measured (LATE_JOIN_SECONDS), the stream's playlist full */
const LATE: ViewerSpec[] = [
  ['baseline: standard mode (2 s segments)', {}, 'standard'],
  ['low latency (LL-HLS, default)', {}, 'low'],
  ...TUNED,
];
/** the induced stall on the low latency viewer: offline this long, then watched this long */
const STALL_MS = 3_000;
const RECOVERY_WATCH_MS = 20_000;
/** latency back within this of the target counts as recovered, s */
const RECOVERED_WITHIN = 0.3;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const opts = { iterations: 1, time: 0, warmupIterations: 0, warmupTime: 0 };

let server: RunningServer | undefined;
let browser: Browser | undefined;
/** the viewers' own browser, with a larger CPU share, when ONAIR_G2G_VIEWER_CPU_SHARE is set (else `browser`) */
let viewerBrowser: Browser | undefined;
let releaseViewerCpu: (() => void) | undefined;
const VIEWER_CPU_SHARE = process.env.ONAIR_G2G_VIEWER_CPU_SHARE ? Number(process.env.ONAIR_G2G_VIEWER_CPU_SHARE) : undefined;
let browserVersion = '';
const rows: ViewerRow[] = [];
/** the low latency viewer once the stall has been watched (ONAIR_G2G_TRACE) */
let afterStall: ViewerSnapshot | undefined;
const notes: string[] = [];
/** Chromium's media log of each row's page (ONAIR_G2G_TRACE) */
const mediaLogs = new Map<string, MediaLogEntry[]>();
const load: { before: number[]; after: number[]; machineCores?: number } = { before: [], after: [] };

beforeAll(async () => {
  [server, browser, viewerBrowser] = await Promise.all([
    startServer({ env: { ONAIR_COMPOSER_STANDBY: '1' } }),
    launchBrowser(),
    VIEWER_CPU_SHARE === undefined ? undefined : launchBrowser({ fakeMedia: false }),
  ]);
  if (viewerBrowser && VIEWER_CPU_SHARE !== undefined) releaseViewerCpu = favourCpu(viewerBrowser.process()!.pid!, VIEWER_CPU_SHARE);
  viewerBrowser ??= browser;
  browserVersion = await browser.version();
}, 60_000);

afterAll(async () => {
  if (process.env.ONAIR_G2G_TRACE) {
    const trace = rows.map((r) => ({ name: r.name, windowStart: r.windowStart, windowEnd: r.windowEnd, after: r.after, mediaLog: mediaLogs.get(r.name) }));
    if (afterStall) trace.push({ name: 'stall', windowStart: rows.find((r) => r.name === LATE[1]![0])?.windowEnd ?? 0, windowEnd: Date.now(), after: afterStall });
    writeFileSync(process.env.ONAIR_G2G_TRACE, JSON.stringify(trace));
  }
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
  if (viewerBrowser !== browser) await viewerBrowser?.close().catch(() => undefined);
  releaseViewerCpu?.();
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

/**
 * Takes the viewer offline for STALL_MS (CDP network emulation), then reports how long after
 * it came back its latency (hls.js's, to the live edge) was again within RECOVERED_WITHIN of
 * the target it had before the stall.
 */
async function stallRecovery(page: LoggedPage): Promise<string> {
  const read = async () => (await page.evaluate('[window.player.liveLatency, window.player.targetLatency, window.__rebuffers]')) as [number | null, number | null, number];
  const [latencyBefore, target, rebuffersBefore] = await read();
  if (target === null) return 'stall: no target latency before the stall';
  const cdp = await page.createCDPSession();
  const network = (offline: boolean) => cdp.send('Network.emulateNetworkConditions', { offline, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
  await cdp.send('Network.enable');
  await network(true);
  await sleep(STALL_MS);
  await network(false);
  const online = Date.now();
  let worst = 0;
  let recoveredAfter: number | null = null;
  let last: [number | null, number | null, number] = [null, null, 0];
  while (Date.now() - online < RECOVERY_WATCH_MS) {
    last = await read();
    const [latency] = last;
    if (latency !== null) {
      worst = Math.max(worst, latency);
      if (latency <= target + RECOVERED_WITHIN && worst > target + RECOVERED_WITHIN) {
        recoveredAfter = Date.now() - online;
        break;
      }
    }
    await sleep(200);
  }
  await cdp.detach().catch(() => undefined);
  const fmt = (v: number | null) => (v === null ? '–' : `${v.toFixed(2)} s`);
  return (
    `stall on "${LATE[1]![0]}": offline ${STALL_MS / 1000} s; latency before ${fmt(latencyBefore)}, target ${fmt(target)}, worst after ${fmt(worst)}; ` +
    (recoveredAfter === null
      ? `not back within ${RECOVERED_WITHIN} s of the target ${RECOVERY_WATCH_MS / 1000} s after (latency ${fmt(last[0])}, target now ${fmt(last[1])})`
      : `back within ${RECOVERED_WITHIN} s of the target ${(recoveredAfter / 1000).toFixed(1)} s after the network returned (target now ${fmt(last[1])})`) +
    `; rebuffer events ${last[2] - rebuffersBefore}`
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
  const low = await client.media.v1.playerStreamer.create({ maxDuration: 900 }); // LatencyMode low is the default
  const standardRes = await api(s, 'POST', '/v1/PlayerStreamers', { MaxDuration: '900', LatencyMode: 'standard' });
  if (standardRes.status >= 300) throw new Error(`PlayerStreamer: ${standardRes.status} ${standardRes.text}`);
  const streamers: Record<Mode, string> = { low: low.sid, standard: standardRes.json.sid as string };
  // grants live at most 60 s: each viewer gets its own, minted just before it connects
  const token = async (mode: Mode) => {
    const res = await api(s, 'POST', `/v1/PlayerStreamers/${streamers[mode]}/PlaybackGrant`, { Ttl: '60' });
    if (res.status >= 300) throw new Error(`PlaybackGrant: ${res.status} ${res.text}`);
    return viewerToken(s, res.json.grant as object);
  };
  const earlyToken = await token(EARLY[2]);
  const mappings = tileMappings(WIDTH, HEIGHT, 2);
  const open = async ([name, config, mode, videoProps]: ViewerSpec, token: string, t0: number, from: 'create' | 'join') => {
    const props = videoProps ? `, <video> ${JSON.stringify(videoProps)}` : '';
    const r: ViewerRow = { name, config: `${mode} streamer, hlsConfig ${JSON.stringify(config)}${props}`, t0, from, windowStart: 0, windowEnd: 0 };
    rows.push(r);
    const page = await openViewer(viewerBrowser!, s.url, token, config, mappings, WIDTH, videoProps);
    if (process.env.ONAIR_G2G_TRACE) mediaLogs.set(name, await recordMediaLog(page));
    return { r, page };
  };
  const t0 = Date.now();
  const processor = await client.media.v1.mediaProcessor.create({
    extension: 'video-composer-v1',
    extensionContext: JSON.stringify({ room: { name: ROOM }, outputs: [streamers.low, streamers.standard], resolution: `${WIDTH}x${HEIGHT}` }),
    extensionEnvironment: JSON.stringify({ hideParticipantIdentities: true }),
    maxDuration: 900, // the viewers are measured one after another
  });
  try {
    // the early viewer connects right after the POST (Player.connect waits for the first segment)
    const early = await open(EARLY, earlyToken, t0, 'create');
    await waitForClock(early.page, early.r.name, FIRST_FRAME_TIMEOUT_MS);
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
      const { r, page } = await open(viewer, await token(viewer[2]), joinedAt, 'join');
      await waitForClock(page, r.name, FIRST_FRAME_TIMEOUT_MS);
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
      if (viewer === LATE[1]) {
        notes.push(await stallRecovery(page));
        if (process.env.ONAIR_G2G_TRACE) afterStall = await readViewer(page);
      }
      await page.close();
    }
    load.after = loadavg();
    load.machineCores = busy / measured;
    const draws = (await sender.evaluate('window.__draws')) as number;
    if (VIEWER_CPU_SHARE !== undefined) notes.push(`viewers in their own Chromium, in a cgroup with ${VIEWER_CPU_SHARE}× the default CPU weight (diagnostic)`);
    notes.push(`sender canvas redraws over the whole run: ${draws}; processor ${processor.sid}, streamers ${JSON.stringify(streamers)}`);
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
