/**
 * The JobHost and its jobs, with real Chromium and real sockets: admission, sinks opened from
 * the host's deps and closed with the job, the recording ended early, the restart budget of a
 * job handed over, and the ingest endpoint on the host's own loopback listener. The composer
 * page is not served here (its server never answers), so jobs run without media until stopped.
 */
import { createServer, type AddressInfo, type Server } from 'node:net';
import { IngestCloseCode, type MediaJobEvents, type MediaJobSpec } from '@onair/protocol';
import { afterEach, beforeAll, describe, expect, test } from 'vitest';
import { WebSocket } from 'ws';
import { LocalDispatcher } from './dispatch/local-dispatcher.js';
import { MediaProcessorError } from './errors.js';
import { JobHost, type JobHostOptions } from './job-host.js';
import type { Sink } from './sinks/sink.js';

/** a server that takes connections and never answers: the page stays loading, the job running */
let SILENT = '';
let silent: Server;
const cleanup: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  silent = createServer(() => undefined);
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  SILENT = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
  return () => {
    silent.close();
  };
});

afterEach(async () => {
  await Promise.all(cleanup.splice(0).map((f) => f()));
});

const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

/** A sink that notes what happens to it. */
function noteSink(name: string, log: string[]): Sink {
  return {
    input: () => ({ write: () => undefined, end: async () => undefined }),
    close: async () => void log.push(`close ${name}`),
    detach: async () => void log.push(`detach ${name}`),
  };
}

async function openHost(over: Partial<JobHostOptions> = {}): Promise<JobHost> {
  const host = new JobHost({
    pageBaseUrl: () => SILENT,
    mintToken: async () => 'token',
    logger: quiet,
    standby: 0,
    maxJobs: 1,
    timings: { maxRestarts: 0, launchTimeoutMs: 10_000 },
    openOutput: async (o) => noteSink(o.streamerSid, []),
    openRecording: async (r) => noteSink(r.mediaRecordingSid, []),
    workerId: 'worker-1',
    ...over,
  });
  cleanup.push(() => host.close());
  await host.open();
  return host;
}

const spec = (sid: string, extra: Partial<MediaJobSpec> = {}): MediaJobSpec => ({
  processorSid: sid,
  room: 'r',
  identity: 'video-composer-v1',
  width: 320,
  height: 240,
  audioKbps: 64,
  hideParticipantIdentities: false,
  backgroundColor: '#000000',
  outputs: [{ streamerSid: 'VJ1', latencyMode: 'low' }],
  createdAt: Date.now(),
  ...extra,
});

/** Every event of a job, in order, with its arguments. */
function record(events: { on<E extends keyof MediaJobEvents>(e: E, l: MediaJobEvents[E]): unknown }): { log: string[]; closed: Promise<void> } {
  const log: string[] = [];
  let done!: () => void;
  const closed = new Promise<void>((r) => (done = r));
  for (const name of ['assigned', 'outputStarted', 'restarted', 'failed', 'recordingClosed'] as const) {
    events.on(name, ((...args: unknown[]) => void log.push(`${name} ${args.slice(0, 3).join(' ')}`)) as never);
  }
  events.on('closed', () => {
    log.push('closed');
    done();
  });
  return { log, closed };
}

describe('JobHost', () => {
  test('admission: refused before open and when full (ERR_CAPACITY through the LocalDispatcher); a slot frees when its job closes', async () => {
    const unopened = new JobHost({ pageBaseUrl: () => SILENT, mintToken: async () => 't', logger: quiet, standby: 0, openOutput: async () => noteSink('x', []), openRecording: async () => noteSink('y', []) });
    cleanup.push(() => unopened.close());
    expect(() => unopened.run(spec('ZXa'))).toThrow(expect.objectContaining({ code: 'ERR_STOPPED' }));

    const host = await openHost();
    const dispatcher = new LocalDispatcher(host);
    const first = await dispatcher.admit(spec('ZX1'));
    expect(first.workerId).toBe('worker-1');
    const refused = await dispatcher.admit(spec('ZX2')).then(() => undefined, (e: unknown) => e);
    expect(refused).toBeInstanceOf(MediaProcessorError);
    expect((refused as MediaProcessorError).code).toBe('ERR_CAPACITY');
    expect(await dispatcher.workers()).toEqual([expect.objectContaining({ id: 'worker-1', capacity: 1, running: 1 })]);
    expect(await dispatcher.attach('ZX1')).toBeUndefined();
    await first.stop();
    expect(host.running).toBe(0);
    expect(await dispatcher.outcome('ZX1')).toEqual({ state: 'completed' });
    const again = await dispatcher.admit(spec('ZX3'));
    await again.stop();
  }, 60_000);

  test('a sink that cannot be opened fails the job (internal-service-error); the sinks that opened are closed', async () => {
    const sinks: string[] = [];
    const host = await openHost({
      openOutput: async (o) => {
        if (o.streamerSid === 'VJbad') throw new Error('disk gone');
        return noteSink(o.streamerSid, sinks);
      },
      openRecording: async (r) => noteSink(r.mediaRecordingSid, sinks),
    });
    const job = host.run(
      spec('ZXsink', {
        outputs: [{ streamerSid: 'VJgood', latencyMode: 'low' }, { streamerSid: 'VJbad', latencyMode: 'standard' }],
        recording: { mediaRecordingSid: 'KV1', containerFormat: 'mp4' },
      }),
    );
    const { log, closed } = record(job.events);
    await closed;
    expect(log[0]).toBe('failed internal-service-error could not open the job\'s outputs: disk gone');
    expect(log).toContain('recordingClosed KV1 ');
    expect(log.at(-1)).toBe('closed');
    expect(sinks.sort()).toEqual(['close KV1', 'close VJgood']);
    expect(job.pids).toEqual({ chromium: undefined, ffmpeg: undefined });
    expect(host.running).toBe(0);
  }, 30_000);

  test('endRecording closes the recording at once (recordingClosed with the reason); the rest closes with the job, the recording once', async () => {
    const sinks: string[] = [];
    const host = await openHost({ openOutput: async (o) => noteSink(o.streamerSid, sinks), openRecording: async (r) => noteSink(r.mediaRecordingSid, sinks) });
    const job = host.run(spec('ZXrec', { recording: { mediaRecordingSid: 'KV2', containerFormat: 'mp4' } }));
    const { log, closed } = record(job.events);
    await new Promise((r) => setTimeout(r, 200)); // its sinks are open
    await job.endRecording('disk-space-low');
    expect(sinks).toEqual(['close KV2']);
    expect(log).toEqual(['recordingClosed KV2 disk-space-low']);
    expect(await job.endOutput('VJ1')).toBe(0);
    expect(sinks).toEqual(['close KV2', 'close VJ1']);
    await job.stop();
    await closed;
    expect(log.filter((l) => !l.startsWith('failed'))).toEqual(['recordingClosed KV2 disk-space-low', 'closed']);
  }, 30_000);

  test('a job handed over starts from the restarts its earlier worker spent; stopped for a hand-over, it detaches its sinks', async () => {
    const log: string[] = [];
    const host = await openHost({
      timings: { maxRestarts: 3, restartWindowMs: 60_000, launchTimeoutMs: 10_000 },
      openOutput: async (o) => noteSink(o.streamerSid, log),
      openRecording: async (r) => noteSink(r.mediaRecordingSid, log),
    });
    const now = Date.now();
    const handed = host.run({ ...spec('ZXhanded'), recording: { mediaRecordingSid: 'KV3', containerFormat: 'mp4' } }, { resume: true, previousRestarts: [now - 2_000, now - 1_000] });
    const b = record(handed.events);
    await new Promise((r) => setTimeout(r, 300));
    // the worker that took it over counted the hand-over (queue/worker-run.ts): the job itself adds nothing
    expect(handed.restartsUsed).toEqual([now - 2_000, now - 1_000]);
    expect(b.log.filter((l) => l.startsWith("failed"))).toEqual([]);
    await handed.stop({ handover: true });
    await b.closed;
    // detached, not ended: no EXT-X-ENDLIST, the recording not final, no recordingClosed
    expect(log.sort()).toEqual(['detach KV3', ...spec('x').outputs.map((o) => `detach ${o.streamerSid}`)].sort());
    expect(b.log.filter((l) => l.startsWith('recordingClosed'))).toEqual([]);
  }, 60_000);
});

describe('the ingest endpoint on the host\'s own loopback listener', () => {
  test('a registered job is reached at ws://127.0.0.1:<port>/internal/ingest/<sid> with its secret; other paths get 404', async () => {
    const host = await openHost();
    expect(host.ingestBaseUrl).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/);
    const listener = (host as unknown as { listener: import('./ingest-listener.js').IngestListener }).listener;
    const hellos: string[] = [];
    const reg = listener.register('ZXingest', 'secret-1', (socket) => {
      hellos.push(socket.hello.mimeType);
      socket.ready();
      return { chunk: () => undefined, status: () => undefined, closed: () => undefined };
    });
    cleanup.push(async () => reg.unregister());
    expect(reg.url).toBe(`${host.ingestBaseUrl}/internal/ingest/ZXingest`);

    const ws = new WebSocket(reg.url);
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    const ready = new Promise<string>((resolve) => ws.once('message', (data) => resolve(String(data))));
    ws.send(JSON.stringify({ type: 'hello', secret: 'secret-1', mimeType: 'video/mp4', videoCodec: 'h264', width: 320, height: 240, frameRate: 30 }));
    expect(JSON.parse(await ready)).toEqual({ type: 'ready' });
    expect(hellos).toEqual(['video/mp4']);
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    ws.close(IngestCloseCode.Stop);
    await closed;

    const other = new WebSocket(`${host.ingestBaseUrl}/signaling`);
    const status = await new Promise<number | undefined>((resolve) => {
      other.once('unexpected-response', (_req, res) => resolve(res.statusCode));
      other.once('open', () => resolve(undefined));
      other.once('error', () => undefined);
    });
    other.terminate();
    expect(status).toBe(404);
  });
});
