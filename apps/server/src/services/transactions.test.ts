/**
 * State changes that write several rows are one transaction: a failure half-way (an injected
 * store error on the second kind of row) leaves every row as it was, on real SQLite.
 */
import pino from 'pino';
import { afterEach, describe, expect, test } from 'vitest';
import { TypedEmitter } from '@onair/protocol';
import { parseComposerRequest } from '../rest/composer-context.js';
import type { Store, StoreTx, TableTx } from '../store/repository.js';
import { SqliteStore } from '../store/sqlite/store.js';
import type { ServerEvents, ServiceContext } from './context.js';
import { MediaProcessorService } from './media-processors.js';
import { ParticipantService } from './participants.js';
import { PlayerStreamerService } from './player-streamers.js';
import { RoomService } from './rooms.js';

type TableName = keyof StoreTx;

/**
 * The real store, except that `update` on `table` throws from its `failAt`-th call on, whether
 * called directly or inside a transaction (as a full disk or an I/O error would).
 */
function failingStore(store: Store, table: TableName, failAt = 1): Store {
  let calls = 0;
  const fail = <T extends { sid: string }, F>(t: TableTx<T, F> | Store[TableName]) =>
    new Proxy(t, {
      get(target, key, receiver) {
        if (key !== 'update') return Reflect.get(target, key, receiver);
        return (...args: unknown[]) => {
          if (++calls >= failAt) throw Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR' });
          return (Reflect.get(target, key, receiver) as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
  return new Proxy(store, {
    get(target, key, receiver) {
      if (key === table) return fail(Reflect.get(target, key, receiver));
      if (key === 'transaction') {
        return <R>(work: (tx: StoreTx) => R) => target.transaction((tx) => work({ ...tx, [table]: fail(tx[table]) }));
      }
      const value = Reflect.get(target, key, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

let sqlite: SqliteStore;
afterEach(() => sqlite?.close());

function services(store: Store) {
  const ctx: ServiceContext = {
    store,
    accountSid: `AC${'0'.repeat(32)}`,
    logger: pino({ level: 'silent' }),
    callbacks: { send: () => undefined },
    events: new TypedEmitter<ServerEvents>((event, err) => {
      throw new Error(`listener of ${event} failed: ${String(err)}`);
    }),
    clock: Date.now,
  };
  const streamers = new PlayerStreamerService(ctx);
  return {
    ctx,
    streamers,
    processors: new MediaProcessorService(ctx, streamers),
    rooms: new RoomService(ctx),
    participants: new ParticipantService(ctx),
  };
}

describe('Store.transaction (SQLite)', () => {
  test('commits every write together, or none when the work throws', async () => {
    sqlite = SqliteStore.open(':memory:');
    const { streamers } = services(sqlite);
    const a = await streamers.create({});
    const b = await streamers.create({});
    await expect(
      sqlite.transaction((tx) => {
        tx.playerStreamers.update(a.sid, { status: 'ended', endedReason: 'ended-via-api' });
        tx.playerStreamers.update(b.sid, { status: 'ended', endedReason: 'ended-via-api' });
        throw new Error('half-way');
      }),
    ).rejects.toThrow('half-way');
    expect((await sqlite.playerStreamers.get(a.sid))?.status).toBe('created');
    const done = await sqlite.transaction((tx) => tx.playerStreamers.update(a.sid, { status: 'started' })?.status);
    expect(done).toBe('started');
    expect((await sqlite.playerStreamers.get(a.sid))?.status).toBe('started');
  });

  test('refuses asynchronous work, and writes nothing of it', async () => {
    sqlite = SqliteStore.open(':memory:');
    const { streamers } = services(sqlite);
    const a = await streamers.create({});
    await expect(
      sqlite.transaction((tx) => {
        tx.playerStreamers.update(a.sid, { status: 'started' });
        return Promise.resolve();
      }),
    ).rejects.toThrow(/must be synchronous/);
    expect((await sqlite.playerStreamers.get(a.sid))?.status).toBe('created');
  });
});

describe('one state change, one transaction', () => {
  test('a processor and the streamers it feeds end together: a failure on a streamer leaves the processor started', async () => {
    sqlite = SqliteStore.open(':memory:');
    const ok = services(sqlite);
    const [s1, s2] = [await ok.streamers.create({}), await ok.streamers.create({})];
    await ok.streamers.start(s1);
    const extensionContext = JSON.stringify({ room: { name: 'show' }, outputs: [s1.sid, s2.sid] });
    const processor = await ok.processors.create({
      settings: parseComposerRequest('video-composer-v1', extensionContext),
      extension: 'video-composer-v1',
      extensionContext,
    });

    const broken = services(failingStore(sqlite, 'playerStreamers', 2)); // the second streamer's write fails
    const ended: string[] = [];
    broken.ctx.events.on('mediaProcessorEnded', (p) => void ended.push(p.sid));
    broken.ctx.events.on('playerStreamerEnded', (s) => void ended.push(s.sid));
    await expect(broken.processors.end(processor, 'ended-via-api')).rejects.toThrow('disk I/O error');
    expect((await sqlite.mediaProcessors.get(processor.sid))).toMatchObject({ status: 'started', endedReason: null });
    expect((await sqlite.playerStreamers.get(s1.sid))).toMatchObject({ status: 'started', endedReason: null });
    expect((await sqlite.playerStreamers.get(s2.sid))).toMatchObject({ status: 'created', endedReason: null });
    expect(ended, 'nothing is announced of a change that did not happen').toEqual([]);

    // without the failure, all three end
    await ok.processors.end(processor, 'ended-via-api');
    expect((await sqlite.mediaProcessors.get(processor.sid))?.status).toBe('ended');
    for (const s of [s1, s2]) {
      expect(await sqlite.playerStreamers.get(s.sid)).toMatchObject({ status: 'ended', endedReason: 'stream-disconnected-by-source' });
    }
  });

  test('a room completes with its participants: a failure on a participant leaves the room in progress and everyone connected', async () => {
    sqlite = SqliteStore.open(':memory:');
    const ok = services(sqlite);
    const room = await ok.rooms.create({ uniqueName: 'standup' });
    const people = [await ok.participants.connect(room, 'ada'), await ok.participants.connect(room, 'grace')];

    const broken = services(failingStore(sqlite, 'participants', 2)); // the second participant's write fails
    await expect(broken.rooms.complete(room)).rejects.toThrow('disk I/O error');
    expect(await sqlite.rooms.get(room.sid)).toMatchObject({ status: 'in-progress', endTime: null });
    for (const p of people) expect((await sqlite.participants.get(p.sid))?.status).toBe('connected');

    const disconnected: string[] = [];
    ok.ctx.events.on('participantDisconnected', (p) => void disconnected.push(p.identity));
    await ok.rooms.complete(room);
    expect((await sqlite.rooms.get(room.sid))?.status).toBe('completed');
    for (const p of people) expect((await sqlite.participants.get(p.sid))?.status).toBe('disconnected');
    expect(disconnected.sort()).toEqual(['ada', 'grace']);
  });
});
