/**
 * The ingest endpoint accepts only this host (issue 14, point 4; issue 15 moved it to the
 * media worker's own listener): a real `onair serve` bound to 0.0.0.0 inside the test's
 * private network namespace, reached from another address of the test's own (a veth pair,
 * subnet 11). The server's listener has no ingest path (404); the worker's ingest listener
 * is bound to 127.0.0.1, so the other address cannot even connect; from loopback an upgrade
 * there gets past the peer check (404: no such job).
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createVethPair, vethAvailability, vethRequired, type VethPair } from './support/veth.js';
import { startServer, type RunningServer } from './support/server.js';
import { ingestBaseUrl } from './support/processes.js';

const SUBNET = 11;
const unavailable = vethAvailability();
if (unavailable && vethRequired()) throw new Error(`a veth pair is required under CI: ${unavailable}`);

/** An upgrade request from `localAddress` to host:port; resolves with the status line and body. */
function upgradeFrom(localAddress: string, host: string, port: number, path: string): Promise<{ status: number; json: any }> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port, localAddress });
    let data = '';
    socket.on('data', (d) => (data += d.toString()));
    socket.on('error', (err) => reject(err));
    socket.on('close', () => {
      const [head = '', body = ''] = data.split('\r\n\r\n');
      let json: unknown;
      try {
        json = JSON.parse(body);
      } catch {
        json = undefined;
      }
      resolve({ status: Number(/^HTTP\/1\.1 (\d+)/.exec(head)?.[1]), json });
    });
    socket.write(
      `GET ${path} HTTP/1.1\r\nHost: ${host}:${port}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
        'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
    );
  });
}

describe.skipIf(unavailable !== undefined)(`ingest from another host${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  let veth: VethPair;
  let server: RunningServer;
  let port: number;

  beforeAll(async () => {
    veth = createVethPair(SUBNET);
    server = await startServer({ args: ['--host', '0.0.0.0'] });
    port = Number(new URL(server.url).port);
  });
  afterAll(async () => {
    if (server) expect(await server.stop()).toBe(0);
    veth?.remove();
  });

  test('a peer on another address finds no ingest on the server\'s listener, and cannot reach the ingest listener', async () => {
    const got = await upgradeFrom(veth.b, veth.a, port, '/internal/ingest/ZX00000000000000000000000000000000');
    expect(got.status).toBe(404);
    const ingestPort = Number(new URL(ingestBaseUrl(server)).port);
    const refused = await upgradeFrom(veth.b, veth.a, ingestPort, '/internal/ingest/ZX00000000000000000000000000000000').then(
      () => undefined,
      (err: NodeJS.ErrnoException) => err.code,
    );
    expect(refused).toBe('ECONNREFUSED');
  });

  test('from loopback, the ingest listener takes the request past the peer check (and finds no such job)', async () => {
    const ingestPort = Number(new URL(ingestBaseUrl(server)).port);
    const got = await upgradeFrom('127.0.0.1', '127.0.0.1', ingestPort, '/internal/ingest/ZX00000000000000000000000000000000');
    expect(got.status).toBe(404);
    expect(got.json).toMatchObject({ code: 20404, message: 'No such ingest endpoint' });
  });
});
