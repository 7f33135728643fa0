/** The room session's join / rejoin loop against a scripted `connect`. */
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { ComposerErrorCode, type ComposerError } from '../errors.js';

class FakeRoomError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

/** A joined room: `disconnected` fires when the test drops it (or disconnect() is called). */
class FakeRoom {
  #onDisconnected: ((room: FakeRoom, error?: FakeRoomError) => void) | undefined;
  disconnects = 0;
  once(event: string, listener: (room: FakeRoom, error?: FakeRoomError) => void): void {
    if (event === 'disconnected') this.#onDisconnected = listener;
  }
  disconnect(): void {
    this.disconnects++;
    this.drop(undefined);
  }
  drop(error: FakeRoomError | undefined): void {
    const listener = this.#onDisconnected;
    this.#onDisconnected = undefined;
    listener?.(this, error);
  }
}

const script: Array<() => Promise<FakeRoom>> = [];
const connectCalls: Array<{ token: string; options: Record<string, unknown> }> = [];

vi.mock('@onair/room-client', () => ({
  RoomError: FakeRoomError,
  connect: (token: string, options: Record<string, unknown>) => {
    connectCalls.push({ token, options });
    const next = script.shift();
    return next ? next() : new Promise(() => undefined);
  },
}));

const { RoomSession } = await import('./room-session.js');

function session() {
  const events: string[] = [];
  const fatal: ComposerError[] = [];
  const s = new RoomSession({
    token: 'tok',
    room: 'stage',
    serverUrl: 'http://127.0.0.1:1',
    joinTimeoutMs: 5_000,
    backoff: { initialMs: 1_000, maxMs: 4_000, multiplier: 2 },
    bind: () => {
      events.push('bind');
      return () => events.push('unbind');
    },
    onJoining: () => events.push('joining'),
    onJoined: () => events.push('joined'),
    onLeft: () => events.push('left'),
    onFatal: (error) => fatal.push(error),
  });
  return { s, events, fatal };
}

const joins = (room: FakeRoom) => () => Promise.resolve(room);
const fails = (code: number) => () => Promise.reject(new FakeRoomError(code, `failed with ${code}`));

beforeEach(() => {
  script.length = 0;
  connectCalls.length = 0;
  vi.useFakeTimers();
  vi.spyOn(console, 'warn').mockImplementation(() => undefined);
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('RoomSession', () => {
  test('joins hidden, with the room name and server', async () => {
    const { s, events } = session();
    script.push(joins(new FakeRoom()));
    s.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(events).toEqual(['joining', 'bind', 'joined']);
    expect(connectCalls).toEqual([
      { token: 'tok', options: { name: 'stage', hidden: true, connectTimeout: 5_000, serverUrl: 'http://127.0.0.1:1' } },
    ]);
  });

  test('failed joins are retried with backoff; a success resets it', async () => {
    const { s, events } = session();
    const room = new FakeRoom();
    script.push(fails(53000), fails(53105), fails(53000), joins(room), fails(53000), joins(new FakeRoom()));
    s.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(connectCalls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(connectCalls).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1_999);
    expect(connectCalls).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(connectCalls).toHaveLength(3);
    await vi.advanceTimersByTimeAsync(4_000);
    expect(connectCalls).toHaveLength(4);
    expect(events.at(-1)).toBe('joined');

    // the room is lost for good: forget it, then rejoin after the first delay again
    room.drop(new FakeRoomError(53001, 'signaling connection disconnected'));
    await vi.advanceTimersByTimeAsync(0);
    expect(events.slice(-2)).toEqual(['unbind', 'left']);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(connectCalls).toHaveLength(5);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(connectCalls).toHaveLength(6);
    expect(events.at(-1)).toBe('joined');
  });

  test.each([
    [20104, 'token expired'],
    [53205, 'replaced by a newer connection'],
    [53216, 'removed via the API'],
  ])('join refused with %i (%s): fatal, no retry', async (code) => {
    const { s, fatal } = session();
    script.push(fails(code));
    s.start();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(connectCalls).toHaveLength(1);
    expect(fatal.map((e) => [e.code, e.status])).toEqual([[ComposerErrorCode.RoomFatal, code]]);
  });

  test('dropped with a fatal error: no rejoin', async () => {
    const { s, events, fatal } = session();
    const room = new FakeRoom();
    script.push(joins(room));
    s.start();
    await vi.advanceTimersByTimeAsync(0);
    room.drop(new FakeRoomError(53205, 'duplicate identity'));
    await vi.advanceTimersByTimeAsync(60_000);
    expect(connectCalls).toHaveLength(1);
    expect(events).toEqual(['joining', 'bind', 'joined', 'unbind', 'left']);
    expect(fatal[0]?.status).toBe(53205);
  });

  test('close() leaves the room and stops the loop, also while waiting to retry', async () => {
    const a = session();
    const room = new FakeRoom();
    script.push(joins(room));
    a.s.start();
    await vi.advanceTimersByTimeAsync(0);
    a.s.close();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(room.disconnects).toBe(1);
    expect(connectCalls).toHaveLength(1);

    const b = session();
    script.push(fails(53000));
    b.s.start();
    await vi.advanceTimersByTimeAsync(10);
    b.s.close();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(connectCalls).toHaveLength(2);
    expect(b.fatal).toEqual([]);
  });
});
