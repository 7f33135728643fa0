/**
 * REST control-plane latency on loopback: the real server (SQLite in a temp dir), measured
 * against GET /healthz in the same run (the cost of HTTP + express alone).
 */
import { afterAll, beforeAll, bench, describe } from 'vitest';
import { api, startServer, type RunningServer } from '../e2e/support/server.js';

let server: RunningServer;
let roomSid = '';
let n = 0;

beforeAll(async () => {
  server = await startServer();
  for (let i = 0; i < 500; i++) await api(server, 'POST', '/v1/Rooms', {});
  roomSid = (await api(server, 'POST', '/v1/Rooms', { UniqueName: 'bench-room' })).json.sid;
});
afterAll(async () => {
  await server.stop();
});

const opts = { time: 3_000, warmupTime: 500 };

describe('REST API vs. /healthz baseline (500+ rooms in the store)', () => {
  bench('baseline: GET /healthz (no auth, no store)', async () => {
    await fetch(`${server.url}/healthz`).then((r) => r.arrayBuffer());
  }, opts);
  bench('GET /v1/Rooms/{Sid}', async () => {
    await api(server, 'GET', `/v1/Rooms/${roomSid}`);
  }, opts);
  bench('GET /v1/Rooms?PageSize=50', async () => {
    await api(server, 'GET', '/v1/Rooms?PageSize=50');
  }, opts);
  bench('POST /v1/Rooms', async () => {
    await api(server, 'POST', '/v1/Rooms', { UniqueName: `b-${process.pid}-${n++}` });
  }, opts);
  bench('POST /v1/PlayerStreamers', async () => {
    await api(server, 'POST', '/v1/PlayerStreamers', {});
  }, opts);
});
