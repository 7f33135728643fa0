/**
 * Rooms end on their own: unused after UnusedRoomTimeout, empty after EmptyRoomTimeout.
 * The server runs in-process with a "minute" of 200 ms so the test is short; everything
 * else is real (SQLite, HTTP, WebSocket).
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { AddressInfo } from 'node:net';
import { OnairServer, createLogger, generateCredentials } from '@onair/server';
import { api, eventually, newDataDir } from './support/server.js';
import { SignalingClient, videoToken } from './support/signaling.js';

const creds = generateCredentials();
let server: OnairServer;
let url = '';
const target = () => ({ url, creds });

beforeAll(async () => {
  server = new OnairServer({
    port: 0,
    host: '127.0.0.1',
    dataDir: newDataDir(),
    publicUrl: undefined,
    credentials: creds,
    logger: createLogger('silent'),
    roomTimeoutMinuteMs: 200,
  });
  const addr: AddressInfo = await server.start();
  url = `http://127.0.0.1:${addr.port}`;
});
afterAll(() => server.close());

const status = async (name: string) => (await api(target(), 'GET', `/v1/Rooms/${name}`)).json.status;

test('a REST room nobody joins completes after UnusedRoomTimeout', async () => {
  await api(target(), 'POST', '/v1/Rooms', { UniqueName: 'unused', UnusedRoomTimeout: '1' });
  expect(await status('unused')).toBe('in-progress');
  await eventually(async () => (await status('unused')) === 'completed', 5_000);
});

test('a room completes EmptyRoomTimeout after its last participant left, not while occupied', async () => {
  await api(target(), 'POST', '/v1/Rooms', { UniqueName: 'emptied', EmptyRoomTimeout: '2', UnusedRoomTimeout: '2' });
  const c = await SignalingClient.open(target());
  await c.join(videoToken(target(), 'solo', 'emptied'));
  await new Promise((r) => setTimeout(r, 700)); // longer than the unused timeout: occupied rooms stay
  expect(await status('emptied')).toBe('in-progress');
  c.send({ type: 'leave' });
  await c.closed;
  const room = await eventually(async () => {
    const r = (await api(target(), 'GET', '/v1/Rooms/emptied')).json;
    return r.status === 'completed' ? r : undefined;
  }, 5_000);
  expect(room.end_time).toMatch(/Z$/);
});
