/**
 * Media jobs on workers (issue 15), everything real: a private `redis-server`, `onair serve
 * --no-worker --redis-url …` (the API and the origin only) and two `onair worker`
 * processes that take the jobs from Redis and push what they package to the origin over
 * HTTP. Two rooms of one light speaker each (640x360, two 720p composites are more than
 * two cores carry) are streamed and watched in `/embed/player`.
 *
 * - SIGKILL of the worker that runs stream A: A moves to the other worker, its viewer shows
 *   fresh frames again within 10 s, its processor never leaves `started`, and nothing the
 *   killed worker started is left running.
 * - SIGKILL of `onair serve` and a restart on the same data dir and port while both streams
 *   run: both processors are still `started`, both viewers show fresh frames within 10 s of
 *   `/healthz` answering, and the run's status callbacks carry no duplicates.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { launchBrowser, newPage, pageLog, type Browser, type LoggedPage } from './support/browser.js';
import { callbackReceiver } from './support/callback-receiver.js';
import { readPlaylist, streamDir } from './support/hls.js';
import { probe } from './support/recording.js';
import { allProcesses, descendants, type ProcInfo } from './support/processes.js';
import { playbackGrant, viewerToken } from './support/playback.js';
import { startRedis, type RedisServer } from './support/redis.js';
import { api, eventually, startServer, type RunningServer } from './support/server.js';
import { videoToken } from './support/signaling.js';
import { joinWithSdk } from './support/speakers.js';
import { twilioClient } from './support/twilio-client.js';
import { startWorker, type RunningWorker } from './support/worker.js';

/** the issue's bound: fresh frames again within this long */
const FRESH_WITHIN_MS = 10_000;
/** the recorded stream's MaxDuration, s */
const MAX_DURATION_S = 30;
/** a viewer shows fresh frames when its video plays this much further than where it was, s */
const FRESH_ADVANCE_S = 2;

let redis: RedisServer;
let server: RunningServer;
let browser: Browser;
let hooks: Awaited<ReturnType<typeof callbackReceiver>>;
const workers: RunningWorker[] = [];
const pages: LoggedPage[] = [];

interface Show {
  room: string;
  streamerSid: string;
  processorSid: string;
  viewer: LoggedPage;
}
const shows: Show[] = [];

const serverArgs = () => ['--redis-url', redis.url, '--no-worker'];

beforeAll(async () => {
  [redis, browser, hooks] = await Promise.all([startRedis(), launchBrowser(), callbackReceiver()]);
  server = await startServer({ args: serverArgs() });
}, 90_000);

afterAll(async () => {
  if (server) {
    const running = (await api(server, 'GET', '/v1/MediaProcessors?Status=started').catch(() => undefined))?.json?.media_processors ?? [];
    await Promise.all(running.map((p: { sid: string }) => api(server, 'POST', `/v1/MediaProcessors/${p.sid}`, { Status: 'ended' }).catch(() => undefined)));
  }
  await Promise.all(pages.map((p) => p.close().catch(() => undefined)));
  await browser?.close();
  await Promise.all(workers.map((w) => w.stop()));
  await server?.stop();
  await Promise.all([redis?.stop(), hooks?.close()]);
}, 120_000);

/** every worker's --drain-timeout */
const DRAIN_TIMEOUT_MS = 5_000;

const startedWorker = async (capacity: number) => {
  // as `onair worker` runs by default: one standby Chromium kept ready for the next job
  const w = await startWorker({
    redisUrl: redis.url,
    originUrl: server.url,
    creds: server.creds,
    capacity,
    drainTimeout: `${DRAIN_TIMEOUT_MS}ms`,
    env: { ONAIR_COMPOSER_STANDBY: '1' },
  });
  workers.push(w);
  return w;
};

const bodyState = (page: LoggedPage) => page.evaluate('JSON.stringify(document.body.dataset)') as Promise<string>;

/** The embed page's <video>: where it plays now. */
const playhead = (page: LoggedPage) =>
  page.evaluate(`(() => {
    const find = (root) => root.querySelector('video') || [...root.querySelectorAll('*')].map((e) => e.shadowRoot && find(e.shadowRoot)).find(Boolean);
    const v = find(document);
    return v ? v.currentTime : -1;
  })()`) as Promise<number>;

/** Resolves with how long (ms after `since`) the viewer took to play FRESH_ADVANCE_S past where it was at `since`. */
async function freshFramesAfter(page: LoggedPage, since: number, at: number): Promise<number> {
  const deadline = since + FRESH_WITHIN_MS + 20_000;
  let now = at;
  while (Date.now() < deadline) {
    now = await playhead(page).catch(() => now);
    if (now >= at + FRESH_ADVANCE_S) return Date.now() - since;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the viewer never played on (at ${at} s, now ${now} s; ${await bodyState(page)})\n${pageLog(page)}`);
}

/** One light speaker (640x360 camera, and a microphone) in `room`. */
async function lightSpeaker(room: string): Promise<void> {
  const { page } = await joinWithSdk(browser, server.url, videoToken(server, `host-${room}`, room), {
    video: { width: 640, height: 360, frameRate: 24 },
    audio: true,
  });
  pages.push(page);
}

/** One room with one light speaker, streamed by a processor and watched in /embed/player. */
async function startShow(room: string): Promise<Show> {
  await lightSpeaker(room);
  const client = twilioClient(server);
  const streamer = await client.media.v1.playerStreamer.create({ statusCallback: hooks.url });
  const processor = await client.media.v1.mediaProcessor.create({
    extension: 'video-composer-v1',
    extensionContext: JSON.stringify({ room: { name: room }, outputs: [streamer.sid], resolution: '640x360' }),
    statusCallback: hooks.url,
  });
  expect(processor.status).toBe('started');
  await eventually(async () => (await api(server, 'GET', `/v1/PlayerStreamers/${streamer.sid}`)).json.status === 'started', 40_000, 250);
  const viewer = await newPage(browser);
  pages.push(viewer);
  const token = viewerToken(server, await playbackGrant(server, streamer.sid, { Ttl: '60' }));
  await viewer.goto(`${server.url}/embed/player?token=${encodeURIComponent(token)}`);
  await viewer.waitForSelector('body[data-state="playing"]', { timeout: 60_000 }).catch(async (err: Error) => {
    throw new Error(`${err.message}: ${await bodyState(viewer)}\n${pageLog(viewer)}`);
  });
  const show = { room, streamerSid: streamer.sid, processorSid: processor.sid, viewer };
  shows.push(show);
  return show;
}

/** Polls the processors' statuses until stopped; resolves with every status seen. */
function watchStatuses(sids: string[]) {
  const seen = new Map<string, Set<string>>(sids.map((s) => [s, new Set<string>()]));
  let running = true;
  const loop = (async () => {
    while (running) {
      for (const sid of sids) {
        const r = await api(server, 'GET', `/v1/MediaProcessors/${sid}`).catch(() => undefined);
        if (r?.status === 200) seen.get(sid)!.add(r.json.status as string);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  })();
  return async () => {
    running = false;
    await loop;
    return Object.fromEntries([...seen].map(([sid, set]) => [sid, [...set]]));
  };
}

const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const alive = (procs: ProcInfo[]) => {
  const now = new Set(allProcesses().map((p) => `${p.pid} ${p.cmdline}`));
  return procs.filter((p) => now.has(`${p.pid} ${p.cmdline}`)).map((p) => `${p.pid} ${p.comm} ${p.cmdline.slice(0, 100)}`);
};

/** Which worker runs a processor, as the API tells it (`/metrics`' per-worker load is checked elsewhere). */
const workerOf = async (processorSid: string) => {
  const metrics = await api(server, 'GET', '/metrics');
  return new RegExp(`onair_media_processor_worker\\{[^}]*media_processor_sid="${processorSid}"[^}]*worker="([^"]+)"`).exec(metrics.text)?.[1];
};

describe('media jobs on two onair worker processes, through Redis', () => {
  test('two rooms stream through the workers; SIGKILL of the worker running A moves A to the other one', async () => {
    // A lands on the first worker (the only one, room for one job); B on the second
    const first = await startedWorker(1);
    const a = await startShow('room-a');
    expect(await workerOf(a.processorSid)).toBe(first.id);
    const second = await startedWorker(2);
    const b = await startShow('room-b');
    expect(await workerOf(b.processorSid)).toBe(second.id);
    // the server runs no media: every Chromium and ffmpeg belongs to a worker
    expect(descendants(server.proc.pid!).filter((p) => /chrom|ffmpeg/.test(p.comm)).map((p) => p.comm)).toEqual([]);

    const killedProcesses = descendants(first.proc.pid!);
    expect(killedProcesses.some((p) => /chrom/.test(p.comm)), 'the first worker runs a Chromium').toBe(true);
    expect(killedProcesses.some((p) => /ffmpeg/.test(p.comm)), 'the first worker runs an ffmpeg').toBe(true);
    const statuses = watchStatuses([a.processorSid, b.processorSid]);
    const at = await playhead(a.viewer);
    const killedAt = Date.now();
    await first.kill();

    const fresh = await freshFramesAfter(a.viewer, killedAt, at);
    console.log(`worker SIGKILL → stream A's viewer plays fresh frames after ${fresh} ms`);
    expect(fresh).toBeLessThanOrEqual(FRESH_WITHIN_MS);
    await eventually(async () => (await workerOf(a.processorSid)) === second.id, 10_000, 250);
    // the dashboard shows where each processor runs now
    const dashboard = (await (await fetch(`${server.url}/demo/api/dashboard`)).json()) as { processors: { sid: string; worker: string | null }[] };
    expect(dashboard.processors.filter((p) => p.sid === a.processorSid || p.sid === b.processorSid).map((p) => p.worker)).toEqual([second.id, second.id]);
    // and /metrics each worker's capacity and load, the queue and the hand-over
    const metrics = (await api(server, 'GET', '/metrics')).text;
    expect(metrics).toMatch(new RegExp(`onair_media_worker_capacity\\{worker="${escaped(second.id)}"[^}]*\\} 2`));
    expect(metrics).toMatch(new RegExp(`onair_media_worker_running\\{worker="${escaped(second.id)}"[^}]*\\} 2`));
    expect(metrics).not.toContain(`worker="${first.id}"`);
    expect(metrics).toMatch(/onair_media_queue_waiting 0/);
    expect(metrics).toMatch(/onair_media_job_handovers 1/);
    const seen = await statuses();
    expect(seen).toEqual({ [a.processorSid]: ['started'], [b.processorSid]: ['started'] });
    // the playlist goes on after a discontinuity, and B was not disturbed
    const playlist = readPlaylist(streamDir(server.dataDir, a.streamerSid));
    expect(playlist?.text).toContain('#EXT-X-DISCONTINUITY');
    expect(playlist?.ended).toBe(false);
    // nothing the killed worker started outlives it
    await eventually(async () => alive(killedProcesses).length === 0, 5_000, 200).catch(() => undefined);
    expect(alive(killedProcesses)).toEqual([]);
  }, 240_000);

  test('SIGKILL of onair serve and a restart on the same data dir: both streams go on, their viewers play fresh frames, no callback twice', async () => {
    expect(shows).toHaveLength(2);
    const before = await Promise.all(shows.map((s) => playhead(s.viewer)));
    const callbacksBefore = hooks.received.length;
    const port = new URL(server.url).port;
    const serverProcesses = descendants(server.proc.pid!);
    await server.kill();
    server = await startServer({ dataDir: server.dataDir, args: [...serverArgs(), '--port', port] });
    const answeredAt = Date.now(); // startServer resolves once it answers; /healthz confirms
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);

    const fresh = await Promise.all(shows.map((s, i) => freshFramesAfter(s.viewer, answeredAt, before[i]!)));
    console.log(`serve SIGKILL + restart → viewers play fresh frames ${fresh.join(' ms, ')} ms after /healthz answered`);
    for (const ms of fresh) expect(ms).toBeLessThanOrEqual(FRESH_WITHIN_MS);
    for (const s of shows) {
      expect((await api(server, 'GET', `/v1/MediaProcessors/${s.processorSid}`)).json).toMatchObject({ status: 'started', ended_reason: null });
      expect((await api(server, 'GET', `/v1/PlayerStreamers/${s.streamerSid}`)).json).toMatchObject({ status: 'started' });
    }
    expect(alive(serverProcesses)).toEqual([]);

    // the run ends normally, and every callback of it came once
    for (const s of shows) await api(server, 'POST', `/v1/MediaProcessors/${s.processorSid}`, { Status: 'ended' });
    await eventually(async () => {
      const r = await Promise.all(shows.map((s) => api(server, 'GET', `/v1/PlayerStreamers/${s.streamerSid}`)));
      return r.every((x) => x.json.status === 'ended');
    }, 40_000, 250);
    await new Promise((r) => setTimeout(r, 1_000));
    const keys = hooks.received.map((c) => `${c.params.MediaProcessorSid ?? c.params.PlayerStreamerSid} ${c.params.StatusCallbackEvent}`);
    const twice = keys.filter((k, i) => keys.indexOf(k) !== i);
    expect(twice, `callbacks: ${keys.join(', ')}`).toEqual([]);
    expect(keys).toEqual(expect.arrayContaining(shows.flatMap((s) => [`${s.processorSid} media-processor-started`, `${s.processorSid} media-processor-ended`])));
    expect(hooks.received.length).toBeGreaterThan(callbacksBefore);
  }, 240_000);

  test('a recorded stream on a worker, across a server restart: MaxDuration ends it once, and the server serves its MP4', async () => {
    if (!workers.some((w) => w.proc.exitCode === null && w.proc.signalCode === null)) await startedWorker(2);
    const room = 'room-c';
    await lightSpeaker(room);
    const client = twilioClient(server);
    const streamer = await client.media.v1.playerStreamer.create({ statusCallback: hooks.url });
    const processor = await client.media.v1.mediaProcessor.create({
      extension: 'video-composer-v1',
      extensionContext: JSON.stringify({ room: { name: room }, outputs: [streamer.sid], resolution: '640x360', recordings: [{ containerFormat: 'mp4' }] }),
      statusCallback: hooks.url,
      maxDuration: MAX_DURATION_S,
    });
    const createdAt = Date.now();
    await eventually(async () => (await api(server, 'GET', `/v1/PlayerStreamers/${streamer.sid}`)).json.status === 'started', 40_000, 250);

    // the server dies and comes back while the job records on its worker
    const port = new URL(server.url).port;
    await server.kill();
    server = await startServer({ dataDir: server.dataDir, args: [...serverArgs(), '--port', port] });

    const ended = await eventually(async () => {
      const p = (await api(server, 'GET', `/v1/MediaProcessors/${processor.sid}`)).json;
      return p.status !== 'started' ? p : undefined;
    }, MAX_DURATION_S * 1000 + 30_000, 500);
    expect(ended).toMatchObject({ status: 'ended', ended_reason: 'max-duration-exceeded' });
    expect(Date.now() - createdAt).toBeGreaterThanOrEqual(MAX_DURATION_S * 1000 - 1_000);

    const [listed] = await twilioClient(server).media.v1.mediaRecording.list({ processorSid: processor.sid });
    expect(listed).toBeDefined();
    const done = await eventually(async () => {
      const r = (await api(server, 'GET', `/v1/MediaRecordings/${listed!.sid}`)).json;
      return r.status !== 'processing' ? r : undefined;
    }, 60_000, 500);
    expect(done, `${JSON.stringify(done)}\nserver:\n${server.stderr().slice(-3000)}\nworkers:\n${workers.map((w) => w.stderr().slice(-3000)).join('\n')}`).toMatchObject({ status: 'completed' });
    // recorded on the worker before and after the restart: most of the run is in it
    expect(done.duration).toBeGreaterThanOrEqual(MAX_DURATION_S - 12);
    const media = await fetch(`${server.url}/v1/MediaRecordings/${listed!.sid}/Media`, {
      headers: { authorization: `Basic ${Buffer.from(`${server.creds.apiKeySid}:${server.creds.apiSecret}`).toString('base64')}` },
    });
    expect(media.status).toBe(200);
    const file = join(server.dataDir, `download-${listed!.sid}.mp4`);
    writeFileSync(file, Buffer.from(await media.arrayBuffer()));
    const probed = await probe(file);
    expect(probed.streams.map((x) => `${x.codec_type}:${x.codec_name}`).sort()).toEqual(['audio:aac', 'video:h264']);

    // MaxDuration fired once: one ended callback for the processor, one completed for the recording
    await new Promise((r) => setTimeout(r, 1_000));
    const events = (sid: string) => hooks.received.filter((c) => (c.params.MediaRecordingSid ?? c.params.MediaProcessorSid ?? c.params.PlayerStreamerSid) === sid).map((c) => c.params.StatusCallbackEvent);
    expect(events(processor.sid).sort()).toEqual(['media-processor-ended', 'media-processor-started']);
    expect(events(listed!.sid).filter((e) => e === 'media-recording-completed')).toHaveLength(1);
  }, 240_000);

  test('SIGTERM drains a worker: its job moves to the other one after --drain-timeout, it exits 0 and leaves nothing running', async () => {
    const live = () => workers.filter((w) => w.proc.exitCode === null && w.proc.signalCode === null);
    while (live().length < 2) await startedWorker(2);
    const d = await startShow('room-d');
    const where = await eventually(async () => workerOf(d.processorSid), 10_000, 250);
    const draining = live().find((w) => w.id === where)!;
    const other = live().find((w) => w.id !== where)!;
    expect(draining, `the job runs on ${where}`).toBeDefined();
    const itsProcesses = descendants(draining.proc.pid!);
    const statuses = watchStatuses([d.processorSid]);
    const termAt = Date.now();
    const exited = draining.stop();
    // the job runs on through the drain timeout (5 s), then moves at once: the worker exits
    expect(await exited).toBe(0);
    const movedAt = Date.now();
    expect(movedAt - termAt).toBeGreaterThanOrEqual(DRAIN_TIMEOUT_MS - 500);
    const at = await playhead(d.viewer);
    const fresh = await freshFramesAfter(d.viewer, movedAt, at);
    console.log(`worker SIGTERM (drain timeout 5 s) → exited after ${movedAt - termAt} ms; stream D's viewer plays fresh frames ${fresh} ms later`);
    expect(fresh).toBeLessThanOrEqual(FRESH_WITHIN_MS);
    await eventually(async () => (await workerOf(d.processorSid)) === other.id, 10_000, 250);
    expect(await statuses()).toEqual({ [d.processorSid]: ['started'] });
    expect(alive(itsProcesses)).toEqual([]);
    await api(server, 'POST', `/v1/MediaProcessors/${d.processorSid}`, { Status: 'ended' });
  }, 240_000);
});
