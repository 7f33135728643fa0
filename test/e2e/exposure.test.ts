/**
 * Closed by default (issue 14): `onair serve` listens on loopback unless told otherwise;
 * Host headers must name this server (HTTP and WebSocket upgrades); /v1 refuses cross-site
 * browser requests. From a non-loopback address of the test's own (a veth pair inside the
 * test's private network namespace): the default server is not reachable there, and a
 * server bound to 0.0.0.0 asks for the API credentials on /demo/api, /demo/watch and
 * /metrics.
 */
import { createServer as createTcpServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { api, startServer, type RunningServer } from './support/server.js';
import { basic, rawExchange, rawRequest, upgradeHead, type RawTarget } from './support/raw-http.js';
import { createVethPair, vethAvailability, vethRequired, type VethPair } from './support/veth.js';

const SUBNET = 12;

const targetOf = (server: RunningServer, host = '127.0.0.1'): RawTarget => ({ host, port: Number(new URL(server.url).port) });

/** A port free on every address now (the public URL must name it before the server starts). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createTcpServer();
    s.once('error', reject);
    s.listen(0, '0.0.0.0', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

function expectTwilioError(res: { status: number; json: any }, status: number, code: number): void {
  expect(res.status).toBe(status);
  expect(res.json).toMatchObject({ code, status, more_info: `https://www.twilio.com/docs/errors/${code}` });
  expect(typeof res.json.message).toBe('string');
}

describe('loopback by default', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer({ host: null });
  });
  afterAll(async () => {
    if (server) expect(await server.stop()).toBe(0);
  });

  test('without --host the server listens on 127.0.0.1, and the demo and /metrics need nothing there', async () => {
    expect(new URL(server.url).hostname).toBe('127.0.0.1');
    const t = targetOf(server);
    expect((await rawRequest(t, 'GET', '/demo/api/dashboard')).status).toBe(200);
    expect((await rawRequest(t, 'GET', '/metrics')).status).toBe(200);
    // `localhost` (what the README opens) reaches it
    expect((await fetch(server.url.replace('127.0.0.1', 'localhost') + '/healthz')).status).toBe(200);
  });

  test.each([
    ['localhost with a port', 'localhost:8080'],
    ['LOCALHOST with a trailing dot', 'LOCALHOST.'],
    ['another 127/8 address', '127.0.0.5:1'],
    ['127.0.0.1 written in hex', '0x7f.1'],
    ['IPv6 loopback in brackets', '[::1]:8080'],
    ['IPv6 loopback uncompressed', '[0:0:0:0:0:0:0:1]'],
  ])('Host %s is answered', async (_name, host) => {
    expect((await rawRequest(targetOf(server), 'GET', '/healthz', { host })).status).toBe(200);
  });

  test.each([
    ['a foreign name', 'evil.example'],
    ['a foreign name with this port', 'evil.example:8080'],
    ['a rebinding name under localhost', 'localhost.evil.example'],
    ['a foreign address', '10.0.0.1'],
    ['a foreign IPv6 address', '[::2]:8080'],
    ['an IPv6 address without brackets', '::1'],
    ['userinfo', 'user@127.0.0.1'],
  ])('Host %s gets 400 (20001)', async (_name, host) => {
    expectTwilioError(await rawRequest(targetOf(server), 'GET', '/healthz', { host }), 400, 20001);
  });

  test('a foreign Host is refused before it could name anything the server builds', async () => {
    const auth = basic(server.creds.apiKeySid, server.creds.apiSecret);
    const before = (await api(server, 'GET', '/v1/PlayerStreamers')).json.player_streamers.length;
    const res = await rawRequest(targetOf(server), 'POST', '/v1/PlayerStreamers', {
      host: 'evil.example',
      authorization: auth,
      'content-type': 'application/x-www-form-urlencoded',
    }, '');
    expectTwilioError(res, 400, 20001);
    expect(res.text).not.toContain('evil.example');
    expect((await api(server, 'GET', '/v1/PlayerStreamers')).json.player_streamers.length).toBe(before);
  });

  test('an empty Host header gets 400 (20001)', async () => {
    const got = await rawExchange(targetOf(server), 'GET /healthz HTTP/1.1\r\nHost: \r\nConnection: close');
    expect(got).toMatch(/^HTTP\/1\.1 400 /);
    expect(got).toContain('"code":20001');
  });

  test('HTTP/1.0 without a Host header is answered (no browser sends that)', async () => {
    const got = await rawExchange(targetOf(server), 'GET /healthz HTTP/1.0');
    expect(got).toMatch(/^HTTP\/1\.1 200 /);
  });

  test('a WebSocket upgrade with a foreign Host gets an HTTP 400 with Twilio JSON; with its own Host it upgrades', async () => {
    for (const path of ['/signaling', '/internal/ingest/ZX0123', '/nowhere']) {
      const refused = await rawExchange(targetOf(server), upgradeHead(path, 'evil.example'));
      expect(refused, path).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
      const json = JSON.parse(refused.slice(refused.indexOf('\r\n\r\n') + 4));
      expect(json).toMatchObject({ code: 20001, status: 400 });
    }
    const accepted = await rawExchange(targetOf(server), upgradeHead('/signaling', `localhost:${targetOf(server).port}`));
    expect(accepted).toMatch(/^HTTP\/1\.1 101 /);
  });

  test.each<[string, (port: number) => string]>([
    ['another site', () => 'https://evil.example'],
    ['the same host on another port', (port) => `http://127.0.0.1:${port + 1}`],
    ['the same host over https', (port) => `https://127.0.0.1:${port}`],
    ['an opaque origin', () => 'null'],
  ])('/v1 refuses a browser request from %s with 403 (20403), even with good credentials', async (_name, originFor) => {
    const origin = originFor(targetOf(server).port);
    expectTwilioError(await api(server, 'GET', '/v1/Rooms', undefined, { origin }), 403, 20403);
    expectTwilioError(await api(server, 'POST', '/v1/Rooms', { UniqueName: 'from-evil' }, { origin }), 403, 20403);
    expect((await api(server, 'GET', '/v1/Rooms/from-evil')).status).toBe(404);
  });

  test('/v1 answers its own origin, and clients without Origin', async () => {
    expect((await api(server, 'GET', '/v1/Rooms', undefined, { origin: server.url })).status).toBe(200);
    expect((await api(server, 'GET', '/v1/Rooms')).status).toBe(200);
  });
});

describe('with ONAIR_PUBLIC_URL', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer({ env: { ONAIR_PUBLIC_URL: 'https://live.example.com' } });
  });
  afterAll(async () => {
    if (server) expect(await server.stop()).toBe(0);
  });

  test("its host is answered, and its origin counts as the server's own on /v1", async () => {
    const t = targetOf(server);
    expect((await rawRequest(t, 'GET', '/healthz', { host: 'live.example.com' })).status).toBe(200);
    expect((await rawRequest(t, 'GET', '/healthz', { host: 'LIVE.example.com:443' })).status).toBe(200);
    expectTwilioError(await rawRequest(t, 'GET', '/healthz', { host: 'other.example.com' }), 400, 20001);
    expect((await api(server, 'GET', '/v1/Rooms', undefined, { origin: 'https://live.example.com' })).status).toBe(200);
    expectTwilioError(await api(server, 'GET', '/v1/Rooms', undefined, { origin: 'http://live.example.com' }), 403, 20403);
  });
});

const vethProblem = vethAvailability();
const skipVeth = vethProblem !== undefined && !vethRequired();

describe(`from a non-loopback address of the test's own (veth 10.213.${SUBNET}.0/24)${skipVeth ? ` — skipped: ${vethProblem}` : ''}`, () => {
  let veth: VethPair | undefined;
  const servers: RunningServer[] = [];
  beforeAll(() => {
    if (skipVeth) return;
    veth = createVethPair(SUBNET); // under CI an unavailable pair fails here
  });
  afterAll(async () => {
    for (const s of servers) expect(await s.stop()).toBe(0);
    veth?.remove();
  });

  test.skipIf(skipVeth)('with the default host, the port is not reachable at the veth address', async () => {
    const server = await startServer({ host: null });
    servers.push(server);
    const port = Number(new URL(server.url).port);
    await expect(rawRequest({ host: veth!.a, port, localAddress: veth!.b }, 'GET', '/healthz')).rejects.toMatchObject({
      code: 'ECONNREFUSED',
    });
    // it is there, on loopback
    expect((await rawRequest({ host: '127.0.0.1', port }, 'GET', '/healthz')).status).toBe(200);
  });

  test.skipIf(skipVeth)('bound to 0.0.0.0: /demo/api, /demo/watch and /metrics ask for credentials; Host and Origin are checked', async () => {
    const port = await freePort();
    const publicUrl = `http://${veth!.a}:${port}`;
    const server = await startServer({ host: '0.0.0.0', args: ['--port', String(port), '--public-url', publicUrl] });
    servers.push(server);
    const t: RawTarget = { host: veth!.a, port, localAddress: veth!.b };
    const { apiKeySid, apiSecret, accountSid, authToken } = server.creds;
    const key = basic(apiKeySid, apiSecret);

    // open as before: health, the demo page itself (it asks for credentials), JWKS
    for (const path of ['/healthz', '/demo/', '/.well-known/jwks.json']) expect((await rawRequest(t, 'GET', path)).status, path).toBe(200);

    const streamer = await rawRequest(t, 'POST', '/v1/PlayerStreamers', { authorization: key, 'content-type': 'application/x-www-form-urlencoded' }, '');
    expect(streamer.status).toBe(201);
    expect(streamer.json.url).toBe(`${publicUrl}/v1/PlayerStreamers/${streamer.json.sid}`);
    const guarded: [string, string, string?][] = [
      ['GET', '/demo/api/dashboard'],
      ['POST', '/demo/api/rooms', '{"name":"from-afar"}'],
      ['POST', `/demo/api/rooms/x/speakers`, '{}'],
      ['GET', `/demo/watch?streamer=${streamer.json.sid}`],
      ['GET', '/demo/watch'],
      ['GET', '/metrics'],
    ];
    for (const [method, path, body] of guarded) {
      const headers: Record<string, string> = body ? { 'content-type': 'application/json' } : {};
      const open = await rawRequest(t, method, path, headers, body);
      expectTwilioError(open, 401, 20003);
      expect(open.headers['www-authenticate'], path).toBe('Basic realm="onair"');
      const wrong = await rawRequest(t, method, path, { ...headers, authorization: basic(apiKeySid, 'not-the-secret') }, body);
      expect(wrong.status, `${path} with a wrong secret`).toBe(401);
    }
    expect((await rawRequest(t, 'GET', '/demo/api/rooms/none/nothing')).status).toBe(401); // even where nothing is

    // with the credentials (API key, or Account SID + auth token) they work
    const dashboard = await rawRequest(t, 'GET', '/demo/api/dashboard', { authorization: key });
    expect(dashboard.status).toBe(200);
    expect(dashboard.json.streamers.map((s: { sid: string }) => s.sid)).toContain(streamer.json.sid);
    const room = await rawRequest(t, 'POST', '/demo/api/rooms', { authorization: basic(accountSid, authToken), 'content-type': 'application/json' }, '{"name":"from-afar"}');
    expect(room.status).toBe(201);
    const metrics = await rawRequest(t, 'GET', '/metrics', { authorization: key });
    expect(metrics.status).toBe(200);
    expect(metrics.text).toContain('onair_');
    const watch = await rawRequest(t, 'GET', `/demo/watch?streamer=${streamer.json.sid}`, { authorization: key });
    expect(watch.status).toBe(200);
    expect(watch.text).toContain('<onair-player');

    // Host: the public URL's, the bound interfaces' (both veth ends) and loopback are answered; others are not
    for (const host of [`${veth!.a}:${port}`, `${veth!.b}:${port}`, `127.0.0.1:${port}`, 'localhost']) {
      expect((await rawRequest(t, 'GET', '/healthz', { host })).status, host).toBe(200);
    }
    for (const host of ['evil.example', `evil.example:${port}`, `10.213.${SUBNET}.3:${port}`]) {
      expectTwilioError(await rawRequest(t, 'GET', '/healthz', { host }), 400, 20001);
      expectTwilioError(await rawRequest(t, 'GET', '/demo/api/dashboard', { host, authorization: key }), 400, 20001);
    }
    const upgrade = await rawExchange(t, upgradeHead('/signaling', 'evil.example'));
    expect(upgrade).toMatch(/^HTTP\/1\.1 400 /);

    // Origin on /v1: another site is refused, the server's own (public URL, or the Host used) answered
    expectTwilioError(await rawRequest(t, 'GET', '/v1/Rooms', { authorization: key, origin: 'http://evil.example' }), 403, 20403);
    expect((await rawRequest(t, 'GET', '/v1/Rooms', { authorization: key, origin: publicUrl })).status).toBe(200);
    const viaB = { host: `${veth!.b}:${port}`, authorization: key, origin: `http://${veth!.b}:${port}` };
    expect((await rawRequest(t, 'GET', '/v1/Rooms', viaB)).status).toBe(200);
  });
});
