/**
 * A room becomes a live stream: two fake-camera speakers in real Chromium, a MediaProcessor
 * started with the official twilio client, and the real job (headless Chromium on the
 * composer page → MediaRecorder → ffmpeg → HLS) checked on its output with ffprobe and
 * decoded pixels; then stopping, crashes of the job's Chromium, and MaxDuration.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { launchBrowser, type Browser, type LoggedPage } from './support/browser.js';
import { callbackReceiver } from './support/callback-receiver.js';
import { audioPackets, firstFrameRgb, meanLuma, probe, readPlaylist, standalone, streamDir, type Playlist } from './support/hls.js';
import { composerJobOf, composerProcessesOf, mediaProcesses } from './support/processes.js';
import { api, eventually, startServer, type RunningServer, endRunningProcessors } from './support/server.js';
import { videoToken } from './support/signaling.js';
import { openSpeaker, waitForState } from './support/speakers.js';
import { twilioClient } from './support/twilio-client.js';

const SEGMENT = 1; // s: the default segment target
let server: RunningServer;
let browser: Browser;
let hooks: Awaited<ReturnType<typeof callbackReceiver>>;
const speakers: LoggedPage[] = [];

beforeAll(async () => {
  // as the CLI runs by default: one standby Chromium kept ready for the next processor
  [server, browser, hooks] = await Promise.all([startServer({ env: { ONAIR_COMPOSER_STANDBY: '1' } }), launchBrowser(), callbackReceiver()]);
  for (const who of ['ada', 'grace']) {
    const page = await openSpeaker(browser, server.url, videoToken(server, who, 'show'));
    speakers.push(page);
  }
  await Promise.all(speakers.map((p) => waitForState(p, 'connected')));
}, 60_000);

afterEach(() => endRunningProcessors(server));

afterAll(async () => {
  await browser?.close();
  await Promise.all([server?.stop(), hooks?.close()]);
});

async function startStream(extra: { maxDuration?: number; resolution?: string } = {}) {
  const client = twilioClient(server);
  const streamer = await client.media.v1.playerStreamer.create({ statusCallback: hooks.url });
  const processor = await client.media.v1.mediaProcessor.create({
    extension: 'video-composer-v1',
    extensionContext: JSON.stringify({
      room: { name: 'show' },
      outputs: [streamer.sid],
      ...(extra.resolution ? { resolution: extra.resolution } : {}),
    }),
    statusCallback: hooks.url,
    ...(extra.maxDuration ? { maxDuration: extra.maxDuration } : {}),
  });
  return { client, streamer, processor, dir: streamDir(server.dataDir, streamer.sid) };
}

const fetchJson = async (path: string) => (await api(server, 'GET', path)).json;

async function waitForPlaylist(dir: string, pred: (p: Playlist) => boolean, timeoutMs = 30_000): Promise<Playlist> {
  return eventually(async () => {
    const p = readPlaylist(dir);
    return p && pred(p) ? p : undefined;
  }, timeoutMs, 200);
}

/**
 * The server's Chromium and ffmpeg, less its idle standby: a standby Chromium that no job
 * has taken (its profile names no job) is waiting for the next one.
 */
async function jobMediaProcesses() {
  const { chromium, ffmpeg } = mediaProcesses(server.proc.pid!);
  const jobs = chromium.filter((p) => !/onair-composer-standby-/.test(p.cmdline) || composerJobOf(p) !== undefined);
  return { chromium: jobs, ffmpeg };
}

async function noMediaProcessesFor(processorSid: string) {
  const { chromium, ffmpeg } = await jobMediaProcesses();
  expect(chromium.map((p) => p.cmdline.slice(0, 120))).toEqual([]);
  expect(ffmpeg.map((p) => p.cmdline.slice(0, 120))).toEqual([]);
  expect(composerProcessesOf(processorSid)).toEqual([]);
}

/** The main process of the job's Chromium (leader of its process group). */
function jobChromium(processorSid: string) {
  return composerProcessesOf(processorSid).find((p) => p.pgid === p.pid);
}

describe('MediaProcessor video-composer-v1', () => {
  test('turns a room of two into HLS: started, H.264/AAC keyframe-led segments of the target length, two tiles; stop finalises', async () => {
    const { client, streamer, processor, dir } = await startStream();
    expect(processor.status).toBe('started');

    // the streamer turns started once its first segment exists
    await eventually(async () => (await fetchJson(`/v1/PlayerStreamers/${streamer.sid}`)).status === 'started', 30_000, 200);
    const playlist = await waitForPlaylist(dir, (p) => p.segments.length >= 5);
    expect(playlist.text.startsWith('#EXTM3U')).toBe(true);
    expect(playlist.ended).toBe(false);
    expect(playlist.targetDuration).toBeGreaterThanOrEqual(SEGMENT);

    // every segment but the first (the recorder's start) is checked on its own media; a
    // segment lasts from its first frame to the next segment's first frame
    const probed = await Promise.all(playlist.segments.slice(1, 5).map((seg) => probe(standalone(dir, seg))));
    for (let i = 0; i < 3; i++) {
      const seg = playlist.segments[i + 1]!;
      const media = probed[i]!;
      const kinds = media.streams.map((s) => `${s.codec_type}:${s.codec_name}`).sort();
      expect(kinds).toEqual(['audio:aac', 'video:h264']);
      expect(media.streams.find((s) => s.codec_type === 'video')).toMatchObject({ width: 1280, height: 720 });
      expect(media.video[0]?.key, `${seg.uri} starts with a keyframe`).toBe(true);
      expect(media.video.filter((v) => v.key)).toHaveLength(1);
      const duration = probed[i + 1]!.video[0]!.pts - media.video[0]!.pts;
      expect(Math.abs(duration - SEGMENT) / SEGMENT, `${seg.uri} lasts ${duration} s\n${playlist.text}`).toBeLessThanOrEqual(0.1);
      expect(Math.abs(seg.duration - duration), 'EXTINF').toBeLessThan(0.05);
    }

    // the audio is continuous: every AAC frame (1024 samples) starts where the one before it
    // ended, within and across segments. Holes in the recorder's audio would put a player's
    // audio clock behind its buffer until its decoded audio ran dry (ffmpeg-args.ts)
    const audio = (await Promise.all(playlist.segments.slice(1, 5).map((seg) => audioPackets(standalone(dir, seg))))).flat();
    expect(audio.length).toBeGreaterThan(100); // ~47 frames per second
    const holes = audio.slice(1).filter((p, i) => p.pts !== audio[i]!.pts + 1024).map((p, i) => `${audio[i]!.pts} → ${p.pts}`);
    expect(holes, 'audio frames that do not follow on').toEqual([]);
    expect(audio.every((p) => p.duration === 1024)).toBe(true);

    // a sampled frame shows two non-black tiles on the background (2 tiles side by side)
    const W = 320;
    const H = 180;
    const rgb = await firstFrameRgb(standalone(dir, playlist.segments.at(-1)!), W, H);
    const left = meanLuma(rgb, W, { x: 20, y: 60, w: 100, h: 60 });
    const right = meanLuma(rgb, W, { x: 200, y: 60, w: 100, h: 60 });
    expect(left, 'left tile').toBeGreaterThan(16);
    expect(right, 'right tile').toBeGreaterThan(16);

    // stop via REST: EXT-X-ENDLIST, both statuses ended with their reasons, no processes left
    const stoppedAt = Date.now();
    const ended = await client.media.v1.mediaProcessor(processor.sid).update({ status: 'ended' });
    expect(ended).toMatchObject({ status: 'ended', endedReason: 'ended-via-api' });
    const final = await waitForPlaylist(dir, (p) => p.ended, 10_000);
    expect(Date.now() - stoppedAt).toBeLessThan(7_000);
    expect(final.segments.length).toBeGreaterThanOrEqual(playlist.segments.length);
    expect(await fetchJson(`/v1/PlayerStreamers/${streamer.sid}`)).toMatchObject({
      status: 'ended',
      ended_reason: 'stream-disconnected-by-source',
    });
    await eventually(async () => {
      const { chromium, ffmpeg } = await jobMediaProcesses();
      return chromium.length + ffmpeg.length === 0;
    }, 7_000);
    await noMediaProcessesFor(processor.sid);

    const seen = () => hooks.received.map((c) => `${c.params.StatusCallbackEvent}:${c.params.MediaProcessorSid ?? c.params.PlayerStreamerSid}`);
    const expected = [
      `media-processor-started:${processor.sid}`,
      `media-processor-ended:${processor.sid}`,
      `player-streamer-started:${streamer.sid}`,
      `player-streamer-ended:${streamer.sid}`,
    ];
    await eventually(async () => expected.every((e) => seen().includes(e)), 10_000).catch(() => undefined);
    expect(seen().filter((e) => expected.includes(e)).sort()).toEqual([...expected].sort());
  }, 90_000);

  test('survives its Chromium being killed (discontinuity, stream goes on); fails after 4 kills; never leaves orphans', async () => {
    const { streamer, processor, dir } = await startStream({ resolution: '640x360' });
    await waitForPlaylist(dir, (p) => p.segments.length >= 2);

    const kill = async () => {
      const main = await eventually(async () => jobChromium(processor.sid), 30_000, 100);
      process.kill(-main.pgid, 'SIGKILL');
      await eventually(async () => (jobChromium(processor.sid)?.pid ?? main.pid) !== main.pid, 30_000, 100).catch(() => undefined);
    };

    await kill();
    // a new recording continues the same playlist after a discontinuity, and keeps going
    const after = await waitForPlaylist(dir, (p) => p.discontinuities >= 1 && !p.segments.at(-1)!.discontinuity, 40_000);
    expect(after.ended).toBe(false);
    const firstNew = after.segments.findIndex((s) => s.discontinuity);
    expect(after.segments[firstNew]!.map).not.toBe(after.segments[firstNew - 1]?.map ?? '');
    expect(await fetchJson(`/v1/MediaProcessors/${processor.sid}`)).toMatchObject({ status: 'started' });
    expect(await fetchJson(`/v1/PlayerStreamers/${streamer.sid}`)).toMatchObject({ status: 'started' });

    // three more kills spend the restart budget (3 within 5 minutes): the 4th fails the job
    for (let i = 0; i < 3; i++) await kill();
    const failed = await eventually(async () => {
      const p = await fetchJson(`/v1/MediaProcessors/${processor.sid}`);
      return p.status === 'failed' ? p : undefined;
    }, 30_000);
    expect(failed.ended_reason).toBe('error-streaming-media');
    expect((await waitForPlaylist(dir, (p) => p.ended, 10_000)).ended).toBe(true);
    expect(await fetchJson(`/v1/PlayerStreamers/${streamer.sid}`)).toMatchObject({ status: 'ended' });
    await eventually(async () => composerProcessesOf(processor.sid).length === 0, 7_000);
    await noMediaProcessesFor(processor.sid);
    const cb = await eventually(async () =>
      hooks.received.find((c) => c.params.MediaProcessorSid === processor.sid && c.params.StatusCallbackEvent === 'media-processor-failed'),
    );
    expect(cb.params.EndedReason).toBe('error-streaming-media');
  }, 180_000);

  test('ending its only PlayerStreamer via the API finalises the playlist and ends the processor', async () => {
    const { client, streamer, processor, dir } = await startStream({ resolution: '640x360' });
    await waitForPlaylist(dir, (p) => p.segments.length >= 1);
    await client.media.v1.playerStreamer(streamer.sid).update({ status: 'ended' });
    expect((await waitForPlaylist(dir, (p) => p.ended, 10_000)).ended).toBe(true);
    const ended = await eventually(async () => {
      const p = await fetchJson(`/v1/MediaProcessors/${processor.sid}`);
      return p.status !== 'started' ? p : undefined;
    }, 10_000);
    expect(ended).toMatchObject({ status: 'ended', ended_reason: 'ended-via-api' });
    expect(await fetchJson(`/v1/PlayerStreamers/${streamer.sid}`)).toMatchObject({ status: 'ended', ended_reason: 'ended-via-api' });
    await eventually(async () => composerProcessesOf(processor.sid).length === 0, 7_000);
    await noMediaProcessesFor(processor.sid);
  }, 60_000);

  test('a speaker who vanishes and comes back within seconds does not end or restart the stream', async () => {
    const { processor, streamer, dir } = await startStream({ resolution: '640x360' });
    const before = await waitForPlaylist(dir, (p) => p.segments.length >= 2);
    const map = before.segments[0]!.map;
    const graceSid = async (status: string) =>
      ((await fetchJson(`/v1/Rooms/show/Participants?Identity=grace&Status=${status}`)).participants as { sid: string }[])[0]?.sid;
    const firstSid = await graceSid('connected');

    // grace's tab crashes (its sockets are reset, nothing says goodbye); she is back 2 s later
    const old = speakers[1]!;
    await old.createCDPSession().then((cdp) => cdp.send('Page.crash')).catch(() => undefined);
    await eventually(async () => (await graceSid('disconnected')) === firstSid, 15_000, 200);
    await new Promise((r) => setTimeout(r, 2_000));
    await old.close().catch(() => undefined);
    speakers[1] = await openSpeaker(browser, server.url, videoToken(server, 'grace', 'show'));
    await waitForState(speakers[1], 'connected', 30_000);

    // the stream went on: same recording (same init, no discontinuity), segments kept coming
    const after = await waitForPlaylist(dir, (p) => p.mediaSequence + p.segments.length >= before.mediaSequence + before.segments.length + 6, 40_000);
    expect(after.discontinuities).toBe(0);
    expect(after.text).not.toMatch(/#EXT-X-DISCONTINUITY-SEQUENCE:[1-9]/);
    expect(after.segments.every((s) => s.map === map), after.text).toBe(true);
    expect(after.ended).toBe(false);
    expect(await fetchJson(`/v1/MediaProcessors/${processor.sid}`)).toMatchObject({ status: 'started' });
    expect(await fetchJson(`/v1/PlayerStreamers/${streamer.sid}`)).toMatchObject({ status: 'started' });

    // and shows both speakers again (640x360 scaled to 320x180: tiles side by side)
    const W = 320;
    const H = 180;
    const bothTiles = await eventually(async () => {
      const p = readPlaylist(dir)!;
      const rgb = await firstFrameRgb(standalone(dir, p.segments.at(-1)!), W, H);
      const lumas = [meanLuma(rgb, W, { x: 20, y: 60, w: 100, h: 60 }), meanLuma(rgb, W, { x: 200, y: 60, w: 100, h: 60 })];
      return lumas.every((l) => l > 16) ? lumas : undefined;
    }, 20_000, 1_000);
    expect(bothTiles).toHaveLength(2);
  }, 120_000);

  test('MaxDuration=10 ends the job with max-duration-exceeded', async () => {
    const { streamer, processor, dir } = await startStream({ maxDuration: 10, resolution: '640x360' });
    const ended = await eventually(async () => {
      const p = await fetchJson(`/v1/MediaProcessors/${processor.sid}`);
      return p.status !== 'started' ? p : undefined;
    }, 25_000, 250);
    expect(ended).toMatchObject({ status: 'ended', ended_reason: 'max-duration-exceeded' });
    expect((await waitForPlaylist(dir, (p) => p.ended, 10_000)).ended).toBe(true);
    expect(await fetchJson(`/v1/PlayerStreamers/${streamer.sid}`)).toMatchObject({
      status: 'ended',
      ended_reason: 'stream-disconnected-by-source',
    });
    await eventually(async () => composerProcessesOf(processor.sid).length === 0, 7_000);
    await noMediaProcessesFor(processor.sid);
  }, 60_000);
});
