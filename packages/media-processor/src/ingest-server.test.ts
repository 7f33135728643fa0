/** The ingest endpoint over a real HTTP server and real WebSockets. */
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import WebSocket from 'ws';
import { IngestServer } from './ingest-server.js';

let http: Server;
let ingest: IngestServer;
let base: string;

beforeEach(async () => {
  ingest = new IngestServer({ helloTimeoutMs: 300, maxPayload: 1024 * 1024 });
  http = createServer((_req, res) => res.writeHead(404).end());
  http.on('upgrade', (req, socket, head) => {
    if (!ingest.handleUpgrade(req, socket, head)) socket.destroy();
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  base = `ws://127.0.0.1:${(http.address() as AddressInfo).port}`;
});
afterEach(async () => {
  ingest.close();
  await new Promise<void>((r) => http.close(() => r()));
});

const hello = (secret: string) =>
  JSON.stringify({ type: 'hello', secret, mimeType: 'video/x-matroska;codecs=avc1,opus', videoCodec: 'h264', width: 640, height: 360, frameRate: 30 });

function open(path: string) {
  const ws = new WebSocket(base + path);
  const messages: string[] = [];
  ws.on('message', (d) => messages.push(d.toString()));
  const closed = new Promise<number>((r) => ws.on('close', (code) => r(code)));
  const opened = new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return { ws, messages, closed, opened };
}


/** Registers job ZXjob (secret 's3cret-s3cret') with an acceptor that only counts the connections it gets. */
function registerCounting(): { reg: ReturnType<IngestServer['register']>; accepted: () => number } {
  let accepted = 0;
  const reg = ingest.register('ZXjob', 's3cret-s3cret', () => {
    accepted++;
    return { chunk: () => undefined, status: () => undefined, closed: () => undefined };
  });
  return { reg, accepted: () => accepted };
}
describe('IngestServer', () => {
  test('accepts the right secret, says ready, and delivers chunks in order', async () => {
    const chunks: Buffer[] = [];
    const closes: number[] = [];
    const reg = ingest.register('ZXjob', 's3cret-s3cret', (socket) => {
      expect(socket.hello).toMatchObject({ videoCodec: 'h264', width: 640, secret: '' });
      socket.ready();
      return { chunk: (c) => chunks.push(c), status: () => undefined, closed: (code) => closes.push(code) };
    });
    expect(reg.path).toBe('/internal/ingest/ZXjob');
    const c = open(reg.path);
    await c.opened;
    c.ws.send(hello('s3cret-s3cret'));
    await expect.poll(() => c.messages).toEqual(['{"type":"ready"}']);
    for (const b of [Buffer.from([0x1a, 0x45, 0xdf, 0xa3]), Buffer.from('two'), Buffer.from('three')]) c.ws.send(b);
    await expect.poll(() => chunks.length).toBe(3);
    expect(Buffer.concat(chunks).toString('latin1')).toBe('\x1a\x45\xdf\xa3twothree');
    c.ws.close(1000);
    await expect.poll(() => closes).toEqual([1000]);
  });

  test.each([
    ['a wrong secret', hello('nope')],
    ['a binary first message', Buffer.from('data')],
    ['a malformed hello', '{"type":"hello"}'],
  ])('closes with 4003 on %s, and accepts nothing', async (_name, first) => {
    const { reg, accepted } = registerCounting();
    const c = open(reg.path);
    await c.opened;
    c.ws.send(first);
    expect(await c.closed).toBe(4003);
    expect(accepted()).toBe(0);
  });

  test('closes with 4003 when no hello comes in time', async () => {
    const reg = ingest.register('ZXjob', 'x'.repeat(16), () => ({ chunk: () => undefined, status: () => undefined, closed: () => undefined }));
    const c = open(reg.path);
    await c.opened;
    expect(await c.closed).toBe(4003);
  });

  test('refuses unknown and unregistered jobs with 404', async () => {
    const reg = ingest.register('ZXjob', 'x'.repeat(16), () => ({ chunk: () => undefined, status: () => undefined, closed: () => undefined }));
    reg.unregister();
    for (const path of [reg.path, '/internal/ingest/ZXother', '/internal/ingest/..%2F..%2Fetc']) {
      const c = open(path);
      await expect(c.opened).rejects.toThrow(/404/);
    }
  });

  test('the hello budget: more than a hello before it is accepted closes with 4013, without reading the rest', async () => {
    const { reg, accepted } = registerCounting();
    const c = open(reg.path);
    await c.opened;
    c.ws.send(Buffer.alloc(64 * 1024, 1)); // well under maxPayload (1 MiB here), far over a hello
    expect(await c.closed).toBe(4013);
    expect(accepted()).toBe(0);
  });

  test('after the hello, messages up to maxPayload are accepted', async () => {
    const sizes: number[] = [];
    const reg = ingest.register('ZXjob', 's3cret-s3cret', (socket) => {
      socket.ready();
      return { chunk: (c) => sizes.push(c.length), status: () => undefined, closed: () => undefined };
    });
    const c = open(reg.path);
    await c.opened;
    c.ws.send(hello('s3cret-s3cret'));
    await expect.poll(() => c.messages).toEqual(['{"type":"ready"}']);
    c.ws.send(Buffer.alloc(512 * 1024, 2));
    await expect.poll(() => sizes).toEqual([512 * 1024]);
    c.ws.close(1000);
  });

  test('a path whose escapes are not UTF-8 is a 400 with Twilio JSON, not an exception', async () => {
    const { status, body } = await rawUpgrade('/internal/ingest/%E0%A4%A');
    expect(status).toBe(400);
    expect(JSON.parse(body)).toMatchObject({ code: 20001, status: 400 });
  });

  test('a peer that is not this host is refused with 403 before the handshake', async () => {
    const strict = new IngestServer({ helloTimeoutMs: 300, maxPayload: 1024, allowPeer: () => false });
    const server = createServer();
    server.on('upgrade', (req, socket, head) => void strict.handleUpgrade(req, socket, head));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    strict.register('ZXjob', 'x'.repeat(16), () => ({ chunk: () => undefined, status: () => undefined, closed: () => undefined }));
    const { status, body } = await rawUpgrade('/internal/ingest/ZXjob', (server.address() as AddressInfo).port);
    expect(status).toBe(403);
    expect(JSON.parse(body)).toMatchObject({ code: 20403, status: 403 });
    strict.close();
    await new Promise<void>((r) => server.close(() => r()));
  });
});

/** A raw upgrade request; resolves with the HTTP status and body of the refusal. */
function rawUpgrade(path: string, port = Number(new URL(base).port)): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let data = '';
    socket.on('data', (d) => (data += d.toString()));
    socket.on('error', reject);
    socket.on('close', () => {
      const [head = '', body = ''] = data.split('\r\n\r\n');
      resolve({ status: Number(/^HTTP\/1\.1 (\d+)/.exec(head)?.[1]), body });
    });
    socket.write(
      `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
        'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
    );
  });
}
