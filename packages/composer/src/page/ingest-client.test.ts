/**
 * The ingest client against a scripted WebSocket: the order of messages, one recording per
 * connection, chunks in order although reading Blobs is async, and what each close code does.
 */
import type { IngestHello, IngestStatus } from '@onair/protocol';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { ComposerErrorCode, type ComposerError } from '../errors.js';
import { IngestClient, type IngestClientOptions } from './ingest-client.js';

type Listener = (event: { data?: unknown; code?: number; reason?: string }) => void;

/** Just enough of a browser WebSocket, driven by the test. */
class FakeSocket {
  static readonly all: FakeSocket[] = [];
  readonly CONNECTING = 0;
  readonly OPEN = 1;
  readonly CLOSING = 2;
  readonly CLOSED = 3;
  readyState = 0;
  binaryType = 'blob';
  bufferedAmount = 0;
  readonly sent: Array<string | ArrayBuffer> = [];
  closedWith: { code: number; reason: string } | undefined;
  readonly #listeners = new Map<string, Listener[]>();

  constructor(readonly url: string) {
    FakeSocket.all.push(this);
  }

  addEventListener(type: string, listener: Listener): void {
    this.#listeners.set(type, [...(this.#listeners.get(type) ?? []), listener]);
  }

  send(data: string | ArrayBuffer): void {
    if (this.readyState !== this.OPEN) throw new Error('not open');
    this.sent.push(data);
  }

  close(code: number, reason: string): void {
    this.closedWith = { code, reason };
    this.readyState = this.CLOSING;
  }

  // ---- the test's side
  open(): void {
    this.readyState = this.OPEN;
    this.#emit('open', {});
  }
  receive(data: string): void {
    this.#emit('message', { data });
  }
  serverClose(code: number, reason = ''): void {
    this.readyState = this.CLOSED;
    this.#emit('close', { code, reason });
  }
  get texts(): Array<{ type: string }> {
    return this.sent.filter((m): m is string => typeof m === 'string').map((m) => JSON.parse(m) as { type: string });
  }
  get binaries(): string[] {
    return this.sent.filter((m): m is ArrayBuffer => typeof m !== 'string').map((m) => new TextDecoder().decode(m));
  }
  #emit(type: string, event: Parameters<Listener>[0]): void {
    for (const l of this.#listeners.get(type) ?? []) l(event);
  }
}

/** A Blob whose arrayBuffer() resolves when the test says so. */
function slowBlob(text: string): { blob: Blob; release: () => void } {
  let release!: () => void;
  const ready = new Promise<void>((resolve) => (release = resolve));
  const blob = {
    size: text.length,
    arrayBuffer: async () => {
      await ready;
      return new TextEncoder().encode(text).buffer;
    },
  } as unknown as Blob;
  return { blob, release };
}

const hello: IngestHello = {
  type: 'hello',
  secret: 's3cret',
  mimeType: 'video/x-matroska;codecs=avc1,opus',
  videoCodec: 'h264',
  width: 640,
  height: 360,
  frameRate: 30,
};

interface Harness {
  client: IngestClient;
  recordings: Array<{ send: (chunk: Blob) => void; fail: (e: unknown) => void; stopped: boolean }>;
  events: string[];
  fatal: ComposerError[];
}

function harness(overrides: Partial<IngestClientOptions> = {}): Harness {
  const recordings: Harness['recordings'] = [];
  const events: string[] = [];
  const fatal: ComposerError[] = [];
  const client = new IngestClient({
    url: 'ws://127.0.0.1:1/ingest',
    hello,
    statusIntervalMs: 1_000,
    reconnectMs: 400,
    reconnectMaxMs: 3_000,
    readyTimeoutMs: 10_000,
    maxBufferedBytes: 1_000_000,
    startRecording: (send, fail) => {
      const rec = { send, fail, stopped: false };
      recordings.push(rec);
      return { stop: () => void (rec.stopped = true) };
    },
    status: (): IngestStatus => ({ type: 'status', participants: 2, tiles: 2, fps: 30 }),
    onRecording: (active) => events.push(active ? 'recording' : 'not-recording'),
    onStopped: () => events.push('stopped'),
    onFatal: (error) => fatal.push(error),
    WebSocket: FakeSocket as unknown as typeof WebSocket,
    ...overrides,
  });
  return { client, recordings, events, fatal };
}

const last = () => FakeSocket.all.at(-1)!;

beforeEach(() => {
  FakeSocket.all.length = 0;
  vi.useFakeTimers();
  vi.spyOn(console, 'warn').mockImplementation(() => undefined);
  vi.spyOn(console, 'error').mockImplementation(() => undefined);
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('IngestClient', () => {
  test('hello first; recording only after ready; chunks in order though their reads finish out of order', async () => {
    const h = harness();
    h.client.start();
    const ws = last();
    expect(ws.binaryType).toBe('arraybuffer');
    ws.open();
    expect(ws.texts).toEqual([hello]);
    expect(h.recordings).toHaveLength(0);

    ws.receive(JSON.stringify({ type: 'ready' }));
    expect(h.recordings).toHaveLength(1);
    expect(h.events).toEqual(['recording']);
    const chunks = ['header', 'one', 'two'].map(slowBlob);
    for (const c of chunks) h.recordings[0]!.send(c.blob);
    chunks[2]!.release();
    chunks[1]!.release();
    await vi.advanceTimersByTimeAsync(0);
    expect(ws.binaries).toEqual([]); // 'header' is not read yet: nothing may overtake it
    chunks[0]!.release();
    await vi.advanceTimersByTimeAsync(0);
    expect(ws.binaries).toEqual(['header', 'one', 'two']);

    // a second ready changes nothing
    ws.receive(JSON.stringify({ type: 'ready' }));
    expect(h.recordings).toHaveLength(1);
  });

  test('an IngestStatus about once a second while recording', async () => {
    const h = harness();
    h.client.start();
    last().open();
    await vi.advanceTimersByTimeAsync(3_000);
    expect(last().texts.filter((m) => m.type === 'status')).toHaveLength(0); // not before ready
    last().receive(JSON.stringify({ type: 'ready' }));
    await vi.advanceTimersByTimeAsync(3_000);
    expect(last().texts.filter((m) => m.type === 'status')).toEqual([
      { type: 'status', participants: 2, tiles: 2, fps: 30 },
      { type: 'status', participants: 2, tiles: 2, fps: 30 },
      { type: 'status', participants: 2, tiles: 2, fps: 30 },
    ]);
    expect(h.recordings).toHaveLength(1);
  });

  test.each([4010, 1006, 1011])('closed with %i: the recording stops, a new connection and recording follow', async (code) => {
    const h = harness();
    h.client.start();
    const first = last();
    first.open();
    first.receive(JSON.stringify({ type: 'ready' }));
    const late = slowBlob('late');
    h.recordings[0]!.send(late.blob);
    first.serverClose(code, 'restart');
    expect(h.recordings[0]!.stopped).toBe(true);
    expect(h.events).toEqual(['recording', 'not-recording']);
    late.release();
    await vi.advanceTimersByTimeAsync(399);
    expect(FakeSocket.all).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(FakeSocket.all).toHaveLength(2);
    const second = last();
    second.open();
    expect(second.texts).toEqual([hello]);
    second.receive(JSON.stringify({ type: 'ready' }));
    expect(h.recordings).toHaveLength(2);
    expect(first.binaries).toEqual([]); // nothing after the close, on neither socket
    expect(second.binaries).toEqual([]);
  });

  test('connections that keep failing back off, up to the maximum', async () => {
    const h = harness();
    h.client.start();
    const delays: number[] = [];
    for (let i = 0; i < 7; i++) {
      const before = FakeSocket.all.length;
      last().serverClose(1006);
      let waited = 0;
      while (FakeSocket.all.length === before) {
        await vi.advanceTimersByTimeAsync(50);
        waited += 50;
      }
      delays.push(waited);
    }
    expect(delays).toEqual([400, 600, 900, 1350, 2050, 3000, 3000]);
    expect(h.recordings).toHaveLength(0);
  });

  test('1000 means stop: no reconnection', async () => {
    const h = harness();
    h.client.start();
    last().open();
    last().receive(JSON.stringify({ type: 'ready' }));
    last().serverClose(1000, 'stopped');
    await vi.advanceTimersByTimeAsync(10_000);
    expect(FakeSocket.all).toHaveLength(1);
    expect(h.events).toEqual(['recording', 'not-recording', 'stopped']);
    expect(h.recordings[0]!.stopped).toBe(true);
  });

  test('4003 (hello refused) is fatal: no recording, no reconnection', async () => {
    const h = harness();
    h.client.start();
    last().open();
    last().serverClose(4003, 'bad secret');
    await vi.advanceTimersByTimeAsync(10_000);
    expect(FakeSocket.all).toHaveLength(1);
    expect(h.recordings).toHaveLength(0);
    expect(h.fatal.map((e) => e.code)).toEqual([ComposerErrorCode.IngestUnauthorized]);
    expect(h.fatal[0]!.message).not.toContain('s3cret');
  });

  test('no ready in time: drop the connection (4010) and try again', async () => {
    const h = harness({ readyTimeoutMs: 2_000 });
    h.client.start();
    last().open();
    await vi.advanceTimersByTimeAsync(2_000);
    expect(FakeSocket.all[0]!.closedWith).toEqual({ code: 4010, reason: 'no ready in time' });
    await vi.advanceTimersByTimeAsync(400);
    expect(FakeSocket.all).toHaveLength(2);
    expect(h.recordings).toHaveLength(0);
  });

  test('a recorder failure or a stalled socket starts over with a new recording', async () => {
    const h = harness({ maxBufferedBytes: 10 });
    h.client.start();
    last().open();
    last().receive(JSON.stringify({ type: 'ready' }));
    h.recordings[0]!.fail(new Error('encoder died'));
    expect(FakeSocket.all[0]!.closedWith?.code).toBe(4010);
    await vi.advanceTimersByTimeAsync(400);
    last().open();
    last().receive(JSON.stringify({ type: 'ready' }));
    expect(h.recordings).toHaveLength(2);
    last().bufferedAmount = 11;
    const chunk = slowBlob('x');
    h.recordings[1]!.send(chunk.blob);
    chunk.release();
    await vi.advanceTimersByTimeAsync(0);
    expect(FakeSocket.all[1]!.closedWith).toEqual({ code: 4010, reason: 'ingest too slow' });
    expect(h.recordings[1]!.stopped).toBe(true);
    await vi.advanceTimersByTimeAsync(400);
    expect(FakeSocket.all).toHaveLength(3);
  });

  test('close() ends the recording with 1000 and stops reconnecting', async () => {
    const h = harness();
    h.client.start();
    last().open();
    last().receive(JSON.stringify({ type: 'ready' }));
    h.client.close();
    expect(last().closedWith).toEqual({ code: 1000, reason: 'composer stopped' });
    expect(h.recordings[0]!.stopped).toBe(true);
    last().serverClose(1000);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(FakeSocket.all).toHaveLength(1);
    expect(h.events).toEqual(['recording', 'not-recording']); // not "stopped": we stopped it ourselves
  });
});
