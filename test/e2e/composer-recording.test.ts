/**
 * A MediaProcessor started with `recordings: [{containerFormat: 'mp4'}]` keeps its whole
 * stream: two fake-camera speakers in real Chromium, the real job (Chromium composer page →
 * MediaRecorder → ffmpeg), the MediaRecording read, downloaded and deleted with the official
 * twilio client and plain HTTP, and the MP4 checked with ffprobe. A crash of the job's
 * Chromium mid-recording still ends in one MP4 covering both recordings.
 */
import { existsSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { launchBrowser, type Browser, type LoggedPage } from './support/browser.js';
import { callbackReceiver } from './support/callback-receiver.js';
import { probe } from './support/hls.js';
import { composerProcessesOf } from './support/processes.js';
import { api, eventually, startServer, type RunningServer, endRunningProcessors } from './support/server.js';
import { videoToken } from './support/signaling.js';
import { openSpeaker, waitForState } from './support/speakers.js';
import { twilio, twilioClient } from './support/twilio-client.js';

const ROOM = 'recorded-show';
let server: RunningServer;
let browser: Browser;
let hooks: Awaited<ReturnType<typeof callbackReceiver>>;
const speakers: LoggedPage[] = [];

beforeAll(async () => {
  [server, browser, hooks] = await Promise.all([startServer(), launchBrowser(), callbackReceiver()]);
  for (const who of ['ada', 'grace']) speakers.push(await openSpeaker(browser, server.url, videoToken(server, who, ROOM)));
  await Promise.all(speakers.map((p) => waitForState(p, 'connected')));
}, 60_000);

afterEach(() => endRunningProcessors(server));

afterAll(async () => {
  await browser?.close();
  await Promise.all([server?.stop(), hooks?.close()]);
});

const recordingDir = (sid: string) => join(server.dataDir, 'recordings', sid);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const basic = () => `Basic ${Buffer.from(`${server.creds.apiKeySid}:${server.creds.apiSecret}`).toString('base64')}`;

/** Bytes written to a piece of the recording so far (0 when it does not exist yet). */
const pieceBytes = (sid: string, index: number) => {
  const file = join(recordingDir(sid), `piece-${String(index).padStart(6, '0')}.mp4`);
  return existsSync(file) ? statSync(file).size : 0;
};

/** Waits until a piece holds its first media fragment (past ftyp+moov); resolves with the time. */
async function pieceRecording(sid: string, index: number): Promise<number> {
  await eventually(async () => pieceBytes(sid, index) > 0, 40_000, 100);
  return Date.now();
}

async function startRecordedStream(resolution: string) {
  const client = twilioClient(server);
  const streamer = await client.media.v1.playerStreamer.create();
  const processor = await client.media.v1.mediaProcessor.create({
    extension: 'video-composer-v1',
    extensionContext: JSON.stringify({ room: { name: ROOM }, outputs: [streamer.sid], resolution, recordings: [{ containerFormat: 'mp4' }] }),
    statusCallback: hooks.url,
  });
  const [recording] = await client.media.v1.mediaRecording.list({ processorSid: processor.sid });
  expect(recording, 'a MediaRecording exists as soon as the processor does').toBeDefined();
  return { client, processor, recording: recording! };
}

async function completed(client: ReturnType<typeof twilioClient>, sid: string) {
  return eventually(async () => {
    const r = await client.media.v1.mediaRecording(sid).fetch();
    return r.status !== 'processing' ? r : undefined;
  }, 30_000, 250);
}

async function download(url: string): Promise<{ res: Response; file: string; bytes: number }> {
  const res = await fetch(url, { headers: { authorization: basic() } });
  const body = Buffer.from(await res.arrayBuffer());
  const file = join(mkdtempSync(join(tmpdir(), 'onair-rec-dl-')), 'recording.mp4');
  writeFileSync(file, body);
  return { res, file, bytes: body.length };
}

describe('MediaProcessor recordings', () => {
  test.each([
    ['a string', 'mp4', 'recordings: must be an array'],
    ['webm', [{ containerFormat: 'webm' }], 'recordings.0.containerFormat: must be "mp4"'],
    ['two', [{ containerFormat: 'mp4' }, { containerFormat: 'mp4' }], 'recordings: may name at most one recording'],
    ['an unknown key', [{ containerFormat: 'mp4', path: '../../etc' }], 'recordings.0: has unknown key(s) path'],
  ])('refuses recordings as %s with 400 (20001), creating nothing', async (_name, recordings, message) => {
    const client = twilioClient(server);
    const streamer = await client.media.v1.playerStreamer.create();
    const err = await client.media.v1.mediaProcessor
      .create({
        extension: 'video-composer-v1',
        extensionContext: JSON.stringify({ room: { name: ROOM }, outputs: [streamer.sid], recordings }),
      })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 400, code: 20001 });
    expect((err as Error).message).toContain(`Invalid parameter ExtensionContext: ${message}`);
    expect(await client.media.v1.mediaProcessor.list({ status: 'started' })).toEqual([]);
    expect(await client.media.v1.mediaRecording.list({ status: 'processing' })).toEqual([]);
  });

  test('keeps the stream as one MP4: processing → completed, downloadable with Range, listed by processor, deleted with its file', async () => {
    const { client, processor, recording } = await startRecordedStream('640x360');
    const room = await client.video.v1.rooms(ROOM).fetch();
    expect(recording).toMatchObject({
      status: 'processing',
      processorSid: processor.sid,
      sourceSid: room.sid,
      format: 'mp4',
      resolution: '640x360',
      duration: null,
      mediaSize: null,
      statusCallback: hooks.url,
      statusCallbackMethod: 'POST',
    });
    expect(recording.sid).toMatch(/^KV[0-9a-f]{32}$/);
    expect(recording.links.media).toBe(`${server.url}/v1/MediaRecordings/${recording.sid}/Media`);

    // while it records: no media yet, and it cannot be deleted
    const early = await api(server, 'GET', `/v1/MediaRecordings/${recording.sid}/Media`);
    expect(early.status).toBe(409);
    expect(early.json).toMatchObject({ code: 20409, status: 409 });
    expect(early.json.message).toMatch(/still processing/);
    const del = await client.media.v1.mediaRecording(recording.sid).remove().catch((e: unknown) => e);
    expect(del).toMatchObject({ status: 409, code: 20409 });

    const startedAt = await pieceRecording(recording.sid, 1);
    await sleep(8_000);
    const endedAt = Date.now();
    await client.media.v1.mediaProcessor(processor.sid).update({ status: 'ended' });
    const recordedSec = (endedAt - startedAt) / 1000;

    const done = await completed(client, recording.sid);
    expect(done.status).toBe('completed');
    expect(Number.isInteger(done.duration)).toBe(true);
    expect(Math.abs(done.duration - recordedSec), `duration ${done.duration} s for ~${recordedSec} s recorded`).toBeLessThanOrEqual(2.5);
    expect(done.resolution).toBe('640x360');
    expect(readdirSync(recordingDir(recording.sid))).toEqual(['media.mp4']);
    expect(done.mediaSize).toBe(statSync(join(recordingDir(recording.sid), 'media.mp4')).size);

    // download via the media link (Basic auth like all /v1), then check the media itself
    const { res, file, bytes } = await download(done.links.media!);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('video/mp4');
    expect(Number(res.headers.get('content-length'))).toBe(done.mediaSize);
    expect(res.headers.get('accept-ranges')).toBe('bytes');
    expect(bytes).toBe(done.mediaSize);
    const media = await probe(file);
    expect(media.streams.map((s) => `${s.codec_type}:${s.codec_name}`).sort()).toEqual(['audio:aac', 'video:h264']);
    expect(media.streams.find((s) => s.codec_type === 'video')).toMatchObject({ width: 640, height: 360 });
    expect(media.video[0]?.key, 'starts with a keyframe').toBe(true);
    expect(Math.abs(media.videoDuration - recordedSec), `video lasts ${media.videoDuration} s`).toBeLessThanOrEqual(2.5);
    expect(Math.abs(media.videoDuration - done.duration)).toBeLessThanOrEqual(1);

    const range = await fetch(done.links.media!, { headers: { authorization: basic(), range: 'bytes=0-99' } });
    expect(range.status).toBe(206);
    expect(range.headers.get('content-range')).toBe(`bytes 0-99/${done.mediaSize}`);
    expect((await range.arrayBuffer()).byteLength).toBe(100);
    expect((await fetch(done.links.media!)).status, 'no auth').toBe(401);

    // status callbacks, signed like every other
    const events = await eventually(async () => {
      const mine = hooks.received.filter((c) => c.params.MediaRecordingSid === recording.sid);
      return mine.length >= 2 ? mine : undefined;
    });
    expect(events.map((e) => `${e.params.StatusCallbackEvent}:${e.params.Status}`)).toEqual([
      'media-recording-started:processing',
      'media-recording-completed:completed',
    ]);
    expect(events[1]!.params).toMatchObject({
      MediaProcessorSid: processor.sid,
      SourceSid: room.sid,
      Duration: String(done.duration),
      MediaSize: String(done.mediaSize),
      MediaUri: `/v1/MediaRecordings/${recording.sid}/Media`,
    });
    for (const e of events) expect(twilio.validateRequest(server.creds.authToken, e.signature!, e.url, e.params)).toBe(true);

    // listing by ProcessorSid through the library finds exactly this one; another SID finds none
    const byProcessor = await client.media.v1.mediaRecording.list({ processorSid: processor.sid });
    expect(byProcessor.map((r) => r.sid)).toEqual([recording.sid]);
    expect(await client.media.v1.mediaRecording.list({ processorSid: 'ZX' + '0'.repeat(32) })).toEqual([]);
    expect((await client.media.v1.mediaRecording.list({ sourceSid: room.sid, status: 'completed' })).map((r) => r.sid)).toContain(
      recording.sid,
    );

    // delete: 204 (true), files gone, then 404 everywhere
    expect(await client.media.v1.mediaRecording(recording.sid).remove()).toBe(true);
    expect(existsSync(recordingDir(recording.sid))).toBe(false);
    expect(await client.media.v1.mediaRecording(recording.sid).fetch().catch((e: unknown) => e)).toMatchObject({ status: 404, code: 20404 });
    const gone = await api(server, 'GET', `/v1/MediaRecordings/${recording.sid}/Media`);
    expect(gone.status).toBe(404);
    expect(gone.json).toMatchObject({ code: 20404 });
    expect(await client.media.v1.mediaRecording.list({ processorSid: processor.sid })).toEqual([]);
  }, 90_000);

  test("a crash of the job's Chromium mid-recording: the MP4 covers both recordings", async () => {
    const { client, processor, recording } = await startRecordedStream('640x360');
    const firstAt = await pieceRecording(recording.sid, 1);
    await sleep(5_000);

    const main = await eventually(async () => composerProcessesOf(processor.sid).find((p) => p.pgid === p.pid), 10_000);
    const killedAt = Date.now();
    process.kill(-main.pgid, 'SIGKILL');
    const secondAt = await pieceRecording(recording.sid, 2);
    await sleep(5_000);
    const endedAt = Date.now();
    await client.media.v1.mediaProcessor(processor.sid).update({ status: 'ended' });
    expect((await client.media.v1.mediaProcessor(processor.sid).fetch()).status).toBe('ended');

    const done = await completed(client, recording.sid);
    expect(done.status).toBe('completed');
    const covered = (killedAt - firstAt + (endedAt - secondAt)) / 1000;
    const { file } = await download(done.links.media!);
    const media = await probe(file);
    expect(media.streams.map((s) => `${s.codec_type}:${s.codec_name}`).sort()).toEqual(['audio:aac', 'video:h264']);
    expect(media.streams.find((s) => s.codec_type === 'video')).toMatchObject({ width: 640, height: 360 });
    // both pieces are in: longer than either alone, about as long as both together
    expect(Math.abs(media.videoDuration - covered), `video lasts ${media.videoDuration} s, pieces ~${covered} s`).toBeLessThanOrEqual(3);
    expect(Math.abs(done.duration - covered)).toBeLessThanOrEqual(3);
    // timestamps run on across the join: never back, and no hole of seconds (a recording's
    // first frame may stand ~1.3 s before the next: MediaRecorder's start, in every piece)
    const pts = media.video.map((v) => v.pts);
    const steps = pts.slice(1).map((p, i) => p - pts[i]!);
    expect(Math.min(...steps), 'pts increase in decode order').toBeGreaterThan(0);
    expect(Math.max(...steps), 'largest hole in the timeline').toBeLessThan(2);
    expect(media.video.filter((v) => v.key).length).toBeGreaterThanOrEqual(2);
    expect(readdirSync(recordingDir(recording.sid))).toEqual(['media.mp4']);
  }, 90_000);

  test('a server killed mid-recording: the next start turns the pieces into the MP4', async () => {
    const crashing = await startServer();
    let restarted: RunningServer | undefined;
    try {
      const client = twilioClient(crashing);
      const streamer = await client.media.v1.playerStreamer.create();
      const processor = await client.media.v1.mediaProcessor.create({
        extension: 'video-composer-v1',
        extensionContext: JSON.stringify({ room: { name: 'crash-room' }, outputs: [streamer.sid], resolution: '320x180', recordings: [{ containerFormat: 'mp4' }] }),
      });
      const [recording] = await client.media.v1.mediaRecording.list({ processorSid: processor.sid });
      const dir = join(crashing.dataDir, 'recordings', recording!.sid);
      const piece = join(dir, 'piece-000001.mp4');
      await eventually(async () => existsSync(piece) && statSync(piece).size > 0, 40_000, 100);
      await sleep(4_000);
      await crashing.kill(); // SIGKILL: no graceful stop, no finalisation
      expect((await api(crashing, 'GET', '/healthz').catch(() => undefined))?.status).toBeUndefined();
      expect(readdirSync(dir)).toContain('piece-000001.mp4');
      await eventually(async () => composerProcessesOf(processor.sid).length === 0, 15_000, 200);

      restarted = await startServer({ dataDir: crashing.dataDir });
      const rec = (await api(restarted, 'GET', `/v1/MediaRecordings/${recording!.sid}`)).json;
      expect(rec).toMatchObject({ status: 'completed', resolution: '320x180', processor_sid: processor.sid });
      expect(rec.duration).toBeGreaterThanOrEqual(3);
      expect(readdirSync(dir)).toEqual(['media.mp4']);
      expect(rec.media_size).toBe(statSync(join(dir, 'media.mp4')).size);
      const media = await probe(join(dir, 'media.mp4'));
      expect(media.streams.find((s) => s.codec_type === 'video')).toMatchObject({ codec_name: 'h264', width: 320, height: 180 });
      expect(Math.abs(media.videoDuration - rec.duration)).toBeLessThanOrEqual(1);
      expect((await api(restarted, 'GET', `/v1/MediaProcessors/${processor.sid}`)).json.status).not.toBe('started');

      // a graceful stop (SIGTERM) finalises a running recording before the server exits
      const again = twilioClient(restarted);
      const processor2 = await again.media.v1.mediaProcessor.create({
        extension: 'video-composer-v1',
        extensionContext: JSON.stringify({
          room: { name: 'crash-room' },
          outputs: [(await again.media.v1.playerStreamer.create()).sid],
          resolution: '320x180',
          recordings: [{ containerFormat: 'mp4' }],
        }),
      });
      const [recording2] = await again.media.v1.mediaRecording.list({ processorSid: processor2.sid });
      const dir2 = join(restarted.dataDir, 'recordings', recording2!.sid);
      await eventually(async () => existsSync(join(dir2, 'piece-000001.mp4')) && statSync(join(dir2, 'piece-000001.mp4')).size > 0, 40_000, 100);
      await sleep(3_000);
      expect(await restarted.stop()).toBe(0);
      expect(readdirSync(dir2)).toEqual(['media.mp4']);
      expect((await probe(join(dir2, 'media.mp4'))).videoDuration).toBeGreaterThan(2);
    } finally {
      await crashing.kill();
      await restarted?.stop();
    }
  }, 90_000);
});
