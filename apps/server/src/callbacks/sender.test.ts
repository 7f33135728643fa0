import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setImmediate as tick } from 'node:timers/promises';
import { pino } from 'pino';
import twilio from 'twilio';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseCallbackAllow } from './allow-list.js';
import { DEFAULTS, StatusCallbackSender, type StatusCallbackSenderOptions } from './sender.js';
import { callbackTimestamp } from './timestamp.js';

const authToken = 'test-auth-token-0123456789abcdef';

interface Received {
  n: number;
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}
type Handler = (req: Received, res: ServerResponse) => void | Promise<void>;

const servers: Server[] = [];
const senders: StatusCallbackSender[] = [];

afterEach(async () => {
  await Promise.all(senders.splice(0).map((s) => s.close(0)));
  await Promise.all(
    servers.splice(0).map(
      (server) =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    ),
  );
});

/** A real HTTP server on 127.0.0.1 that records every request and lets the test answer it. */
async function startServer(handler: Handler): Promise<{ base: string; requests: Received[] }> {
  const requests: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const received: Received = {
        n: requests.length + 1,
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(received);
      Promise.resolve(handler(received, res)).catch(() => res.destroy());
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { base: `http://127.0.0.1:${port}`, requests };
}

function reply(status: number, headers: Record<string, string> = {}): Handler {
  return (_req, res) => {
    res.writeHead(status, headers).end('ok');
  };
}

function captureLogs(): { logger: pino.Logger; lines: () => Array<Record<string, unknown>>; raw: () => string } {
  const out: string[] = [];
  const logger = pino({ level: 'debug' }, { write: (s: string) => void out.push(s) });
  return {
    logger,
    lines: () => out.map((l) => JSON.parse(l) as Record<string, unknown>),
    raw: () => out.join(''),
  };
}

function newSender(overrides: Partial<StatusCallbackSenderOptions> = {}) {
  const logs = captureLogs();
  const sender = new StatusCallbackSender({
    authToken,
    logger: logs.logger,
    // the test servers listen on loopback, which status callbacks may not reach by default
    allow: parseCallbackAllow('127.0.0.0/8'),
    baseDelayMs: 5,
    maxDelayMs: 20,
    timeoutMs: 5000,
    ...overrides,
  });
  senders.push(sender);
  return { sender, logs };
}

function header(req: Received, name: string): string {
  const value = req.headers[name];
  if (typeof value !== 'string') throw new Error(`missing header ${name}`);
  return value;
}

const roomParams = {
  AccountSid: 'ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
  RoomSid: 'RMbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb',
  RoomName: 'Ünïcødé room & friends = fun + 100%',
  RoomStatus: 'in-progress',
  StatusCallbackEvent: 'room-created',
  Timestamp: callbackTimestamp(new Date('2026-11-22T10:00:00.000Z')),
};

describe('StatusCallbackSender: wire format', () => {
  it('POSTs a form-encoded, Twilio-signed body that twilio.validateRequest accepts', async () => {
    const { base, requests } = await startServer(reply(204));
    const { sender, logs } = newSender();
    const url = `${base}/hooks/room?tenant=acme`;

    sender.send({ url, method: 'POST', params: roomParams });
    await sender.close();

    expect(requests).toHaveLength(1);
    const req = requests[0]!;
    expect(req.method).toBe('POST');
    expect(req.url).toBe('/hooks/room?tenant=acme');
    expect(header(req, 'content-type')).toBe('application/x-www-form-urlencoded');
    expect(header(req, 'user-agent')).toBe('onair-status-callback/1');
    expect(header(req, 'i-twilio-idempotency-token')).toMatch(/^[0-9a-f-]{36}$/);

    const received = Object.fromEntries(new URLSearchParams(req.body));
    expect(received).toEqual(roomParams);

    const signature = header(req, 'x-twilio-signature');
    const fullUrl = `${base}${req.url}`;
    expect(twilio.validateRequest(authToken, signature, fullUrl, received)).toBe(true);
    // Sanity: the validator is not vacuous.
    expect(twilio.validateRequest(authToken, signature, fullUrl, { ...received, RoomStatus: 'completed' })).toBe(false);
    expect(twilio.validateRequest('wrong-token', signature, fullUrl, received)).toBe(false);

    expect(sender.stats).toEqual({ sent: 1, failed: 0, retried: 0, pending: 0, dropped: 0, refused: 0 });
    const delivered = logs.lines().find((l) => l['msg'] === 'status callback delivered');
    expect(delivered).toMatchObject({ url: `${base}/hooks/room`, event: 'room-created', attempt: 1, status: 204 });
    expectNoSecrets(logs.raw(), [authToken, signature, 'tenant=acme', '?']);
  });

  it('GETs with params appended to the existing query; signature is over the full URL with no params', async () => {
    const { base, requests } = await startServer(reply(200));
    const { sender, logs } = newSender();

    sender.send({ url: `${base}/hooks/get?existing=1`, method: 'GET', params: roomParams });
    await sender.close();

    expect(requests).toHaveLength(1);
    const req = requests[0]!;
    expect(req.method).toBe('GET');
    expect(req.body).toBe('');
    expect(req.headers['content-type']).toBeUndefined();
    expect(req.url.startsWith('/hooks/get?existing=1&')).toBe(true);

    const query = new URL(req.url, base).searchParams;
    expect(query.get('existing')).toBe('1');
    const { existing, ...rest } = Object.fromEntries(query);
    expect(existing).toBe('1');
    expect(rest).toEqual(roomParams);

    const signature = header(req, 'x-twilio-signature');
    expect(twilio.validateRequest(authToken, signature, `${base}${req.url}`, {})).toBe(true);
    expect(twilio.validateRequest(authToken, signature, `${base}/hooks/get?existing=1`, {})).toBe(false);

    expect(sender.stats.sent).toBe(1);
    expectNoSecrets(logs.raw(), [authToken, signature, 'existing=1', 'RoomSid=', '?']);
  });

  it('GET with no query string and no params leaves the URL untouched', async () => {
    const { base, requests } = await startServer(reply(200));
    const { sender } = newSender();
    sender.send({ url: `${base}/plain`, method: 'GET', params: {} });
    sender.send({ url: `${base}/withparams`, method: 'GET', params: { a: 'b c' } });
    await sender.close();
    expect(requests.map((r) => r.url).sort()).toEqual(['/plain', '/withparams?a=b+c']);
    for (const req of requests) {
      expect(twilio.validateRequest(authToken, header(req, 'x-twilio-signature'), `${base}${req.url}`, {})).toBe(true);
    }
  });

  it('passes redirect: manual, an abort signal and the method to fetch', async () => {
    const calls: Array<{ url: string; init: RequestInit | undefined }> = [];
    const fetch = vi.fn(async (input: string | URL | Request, init?: RequestInit) => {
      calls.push({ url: String(input), init });
      return new Response(null, { status: 204 });
    });
    const { sender } = newSender({ fetch });
    sender.send({ url: 'https://example.test/cb', method: 'POST', params: { a: '1' } });
    await sender.close();
    expect(calls).toHaveLength(1);
    expect(calls[0]!.url).toBe('https://example.test/cb');
    expect(calls[0]!.init).toMatchObject({ method: 'POST', redirect: 'manual', body: 'a=1' });
    expect(calls[0]!.init!.signal).toBeInstanceOf(AbortSignal);
  });
});

describe('StatusCallbackSender: asynchrony and close()', () => {
  it('send() returns synchronously, before the (slow) delivery happens', async () => {
    const events: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { base } = await startServer(async (_req, res) => {
      events.push('received');
      await gate;
      res.writeHead(200).end();
      events.push('responded');
    });
    const { sender } = newSender();

    sender.send({ url: `${base}/slow`, method: 'POST', params: roomParams });
    events.push('send returned');
    expect(events).toEqual(['send returned']);
    expect(sender.stats.pending).toBe(1);

    await vi.waitFor(() => expect(events).toContain('received'));
    expect(sender.stats).toMatchObject({ sent: 0, pending: 1 });
    release();
    await sender.close();
    expect(events).toEqual(['send returned', 'received', 'responded']);
    expect(sender.stats).toMatchObject({ sent: 1, pending: 0 });
  });

  it('close() waits for an in-flight delivery', async () => {
    const events: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { base } = await startServer(async (_req, res) => {
      events.push('received');
      await gate;
      res.writeHead(200).end();
      events.push('responded');
    });
    const { sender } = newSender();

    sender.send({ url: `${base}/slow`, method: 'POST', params: {} });
    await vi.waitFor(() => expect(events).toContain('received'));
    const closing = sender.close().then(() => events.push('closed'));
    for (let i = 0; i < 20; i++) await tick();
    expect(events).toEqual(['received']);

    release();
    await closing;
    expect(events).toEqual(['received', 'responded', 'closed']);
    expect(sender.stats).toMatchObject({ sent: 1, failed: 0, pending: 0 });
  });

  it('close() waits for pending retries (backoff timers) too', async () => {
    const { base, requests } = await startServer((req, res) => {
      res.writeHead(req.n < 3 ? 503 : 200).end();
    });
    const { sender } = newSender({ baseDelayMs: 30, maxDelayMs: 30 });
    sender.send({ url: `${base}/cb`, method: 'POST', params: {} });
    await sender.close();
    expect(requests).toHaveLength(3);
    expect(sender.stats).toMatchObject({ sent: 1, retried: 2, pending: 0 });
  });

  it('close(deadline) abandons endless retries and stops all activity', async () => {
    const { base, requests } = await startServer(reply(503));
    const { sender, logs } = newSender({ maxAttempts: 1_000_000, baseDelayMs: 5, maxDelayMs: 5 });

    sender.send({ url: `${base}/down`, method: 'POST', params: { StatusCallbackEvent: 'room-ended' } });
    await vi.waitFor(() => expect(requests.length).toBeGreaterThanOrEqual(3));
    await sender.close(50);

    expect(sender.stats).toMatchObject({ sent: 0, failed: 1, pending: 0 });
    // an attempt written just before the deadline may still be arriving: let it land, then count
    await new Promise((resolve) => setTimeout(resolve, 20));
    const seen = requests.length;
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(requests.length).toBe(seen);
    const abandoned = logs.lines().find((l) => l['msg'] === 'status callback abandoned at close deadline');
    expect(abandoned).toMatchObject({ url: `${base}/down`, event: 'room-ended' });
  });

  it('close(deadline) aborts an attempt that is still in flight', async () => {
    const { base, requests } = await startServer(() => {
      /* never answers */
    });
    const { sender } = newSender({ timeoutMs: 60_000 });
    sender.send({ url: `${base}/hang`, method: 'POST', params: {} });
    await vi.waitFor(() => expect(requests).toHaveLength(1));
    await sender.close(20);
    expect(sender.stats).toMatchObject({ sent: 0, failed: 1, retried: 0, pending: 0 });
  });

  it('close() is idempotent, and a later shorter deadline still applies', async () => {
    const { base, requests } = await startServer(reply(503));
    const { sender } = newSender({ maxAttempts: 1_000_000, maxDelayMs: 5 });
    sender.send({ url: `${base}/down`, method: 'POST', params: {} });
    await vi.waitFor(() => expect(requests.length).toBeGreaterThanOrEqual(1));
    const first = sender.close();
    const second = sender.close(10);
    expect(second).toBe(first);
    await first;
    expect(sender.stats).toMatchObject({ failed: 1, pending: 0 });
  });

  it('close() with nothing pending resolves at once', async () => {
    const { sender } = newSender();
    await sender.close(60_000); // must not arm a deadline timer that outlives close()
    await sender.close();
    expect(sender.stats).toEqual({ sent: 0, failed: 0, retried: 0, pending: 0, dropped: 0, refused: 0 });
  });

  it('send() after close() is logged and dropped', async () => {
    const { base, requests } = await startServer(reply(200));
    const { sender, logs } = newSender();
    await sender.close();

    sender.send({ url: `${base}/late?secret=1`, method: 'POST', params: { StatusCallbackEvent: 'room-ended' } });
    for (let i = 0; i < 20; i++) await tick();

    expect(requests).toHaveLength(0);
    expect(sender.stats).toEqual({ sent: 0, failed: 0, retried: 0, pending: 0, dropped: 1, refused: 0 });
    const dropped = logs.lines().find((l) => l['msg'] === 'status callback dropped');
    expect(dropped).toMatchObject({ url: `${base}/late`, event: 'room-ended', reason: 'sender closed' });
    expectNoSecrets(logs.raw(), ['secret=1']);
  });
});

describe('StatusCallbackSender: retries', () => {
  it('500, 500, 200: delivered on the 3rd attempt with the same signature each time', async () => {
    const { base, requests } = await startServer((req, res) => {
      res.writeHead(req.n <= 2 ? 500 : 200).end();
    });
    const { sender, logs } = newSender();

    sender.send({ url: `${base}/flaky`, method: 'POST', params: roomParams });
    await sender.close();

    expect(requests).toHaveLength(3);
    expect(sender.stats).toEqual({ sent: 1, failed: 0, retried: 2, pending: 0, dropped: 0, refused: 0 });
    const signatures = new Set(requests.map((r) => header(r, 'x-twilio-signature')));
    const tokens = new Set(requests.map((r) => header(r, 'i-twilio-idempotency-token')));
    expect(signatures.size).toBe(1);
    expect(tokens.size).toBe(1);
    const retries = logs.lines().filter((l) => l['msg'] === 'status callback attempt failed; will retry');
    expect(retries.map((l) => [l['attempt'], l['status']])).toEqual([
      [1, 500],
      [2, 500],
    ]);
  });

  it('400: one attempt, no retry, counted as failed', async () => {
    const { base, requests } = await startServer(reply(400));
    const { sender, logs } = newSender();
    sender.send({ url: `${base}/bad`, method: 'POST', params: { StatusCallbackEvent: 'room-created' } });
    await sender.close();
    expect(requests).toHaveLength(1);
    expect(sender.stats).toEqual({ sent: 0, failed: 1, retried: 0, pending: 0, dropped: 0, refused: 0 });
    const rejected = logs.lines().find((l) => l['msg'] === 'status callback rejected; not retrying');
    expect(rejected).toMatchObject({ url: `${base}/bad`, event: 'room-created', attempt: 1, status: 400 });
  });

  it('429 honours Retry-After, capped at maxDelayMs', async () => {
    const { base, requests } = await startServer((req, res) => {
      if (req.n === 1) res.writeHead(429, { 'Retry-After': '3600' }).end();
      else res.writeHead(200).end();
    });
    const { sender, logs } = newSender({ maxDelayMs: 20 });
    sender.send({ url: `${base}/limited`, method: 'POST', params: {} });
    await sender.close();
    expect(requests).toHaveLength(2);
    expect(sender.stats).toMatchObject({ sent: 1, retried: 1 });
    const retry = logs.lines().find((l) => l['msg'] === 'status callback attempt failed; will retry');
    expect(retry).toMatchObject({ status: 429, delayMs: 20 });
  });

  it('3xx counts as delivered and redirects are not followed', async () => {
    const { base, requests } = await startServer(reply(302, { Location: '/elsewhere' }));
    const { sender } = newSender();
    sender.send({ url: `${base}/moved`, method: 'POST', params: {} });
    await sender.close();
    expect(requests.map((r) => r.url)).toEqual(['/moved']);
    expect(sender.stats).toMatchObject({ sent: 1, failed: 0, retried: 0 });
  });

  it('connection refused: maxAttempts attempts, then failed', async () => {
    // Find a port that is closed: bind, then release it.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((resolve) => probe.close(() => resolve()));

    const realFetch = globalThis.fetch;
    const fetch = vi.fn((input: string | URL | Request, init?: RequestInit) => realFetch(input, init));
    const { sender, logs } = newSender({ maxAttempts: 3, fetch });
    sender.send({ url: `http://127.0.0.1:${port}/nobody`, method: 'POST', params: {} });
    await sender.close();

    expect(fetch).toHaveBeenCalledTimes(3);
    expect(sender.stats).toEqual({ sent: 0, failed: 1, retried: 2, pending: 0, dropped: 0, refused: 0 });
    const gaveUp = logs.lines().find((l) => l['msg'] === 'status callback failed; giving up');
    expect(gaveUp).toMatchObject({ attempt: 3, error: 'ECONNREFUSED' });
  });

  it('per-attempt timeout is retried', async () => {
    const { base, requests } = await startServer((req, res) => {
      if (req.n > 1) res.writeHead(200).end();
      // first request: never answered
    });
    const { sender, logs } = newSender({ timeoutMs: 100 });
    sender.send({ url: `${base}/slow`, method: 'POST', params: {} });
    await sender.close();
    expect(requests).toHaveLength(2);
    expect(sender.stats).toMatchObject({ sent: 1, retried: 1, failed: 0 });
    const retry = logs.lines().find((l) => l['msg'] === 'status callback attempt failed; will retry');
    expect(retry).toMatchObject({ attempt: 1, error: 'timeout' });
  });

  it('a fetch that ignores its abort signal still times out', async () => {
    const fetch = vi.fn(() => new Promise<Response>(() => {}));
    const { sender } = newSender({ fetch, timeoutMs: 10, maxAttempts: 2 });
    sender.send({ url: 'https://example.test/cb', method: 'GET', params: {} });
    await sender.close();
    expect(fetch).toHaveBeenCalledTimes(2);
    expect(sender.stats).toMatchObject({ failed: 1, retried: 1, pending: 0 });
  });

  it('delivers many concurrent callbacks', async () => {
    const { base, requests } = await startServer(reply(200));
    const { sender } = newSender();
    for (let i = 0; i < 25; i++) {
      sender.send({ url: `${base}/many`, method: 'POST', params: { SequenceNumber: String(i) } });
    }
    expect(sender.stats.pending).toBe(25);
    await sender.close();
    expect(requests).toHaveLength(25);
    expect(new Set(requests.map((r) => new URLSearchParams(r.body).get('SequenceNumber'))).size).toBe(25);
    expect(sender.stats).toMatchObject({ sent: 25, pending: 0 });
  });
});

describe('StatusCallbackSender: validation and robustness', () => {
  it('drops unsupported URLs and methods without calling fetch or leaking the query', async () => {
    const fetch = vi.fn(async () => new Response(null, { status: 200 }));
    const { sender, logs } = newSender({ fetch });
    sender.send({ url: 'ftp://example.test/x?token=hunter2', method: 'POST', params: {} });
    sender.send({ url: 'javascript:alert(1)', method: 'POST', params: {} });
    sender.send({ url: 'not a url ?token=hunter2', method: 'GET', params: {} });
    sender.send({ url: 'https://example.test/x?token=hunter2', method: 'PUT' as 'POST', params: {} });
    await sender.close();
    expect(fetch).not.toHaveBeenCalled();
    expect(sender.stats).toEqual({ sent: 0, failed: 0, retried: 0, pending: 0, dropped: 4, refused: 0 });
    const drops = logs.lines().filter((l) => l['msg'] === 'status callback dropped');
    expect(drops.map((l) => l['reason'])).toEqual([
      'unsupported protocol ftp:',
      'unsupported protocol javascript:',
      'invalid url',
      'unsupported method',
    ]);
    expectNoSecrets(logs.raw(), ['hunter2']);
  });

  it('accepts a lowercase method from untyped callers', async () => {
    const { base, requests } = await startServer(reply(200));
    const { sender } = newSender();
    sender.send({ url: `${base}/lc`, method: 'get' as 'GET', params: { a: '1' } });
    await sender.close();
    expect(requests.map((r) => [r.method, r.url])).toEqual([['GET', '/lc?a=1']]);
  });

  it('send() never throws, even for garbage input or a throwing fetch', async () => {
    const fetch = vi.fn(() => {
      throw new Error('boom');
    });
    const { sender } = newSender({ fetch, maxAttempts: 2 });
    expect(() => sender.send(null as never)).not.toThrow();
    expect(() => sender.send({} as never)).not.toThrow();
    expect(() => sender.send({ url: 'https://example.test/', method: 'POST', params: null as never })).not.toThrow();
    await sender.close();
    expect(fetch).toHaveBeenCalledTimes(2);
    expect(sender.stats).toMatchObject({ failed: 1, dropped: 2, pending: 0 });
  });

  it('snapshots params at send() time', async () => {
    const { base, requests } = await startServer(reply(200));
    const { sender } = newSender();
    const params: Record<string, string> = { a: '1' };
    sender.send({ url: `${base}/snap`, method: 'POST', params });
    params['a'] = 'mutated';
    await sender.close();
    expect(requests[0]!.body).toBe('a=1');
  });

  it('merges options with DEFAULTS, ignoring explicit undefined', async () => {
    expect(DEFAULTS).toMatchObject({
      maxAttempts: 5,
      baseDelayMs: 1000,
      maxDelayMs: 30_000,
      timeoutMs: 10_000,
      userAgent: 'onair-status-callback/1',
    });
    expect(Object.isFrozen(DEFAULTS)).toBe(true);
    const fetch = vi.fn(async () => new Response(null, { status: 503 }));
    const { sender } = newSender({ fetch, maxAttempts: undefined, baseDelayMs: 0 });
    sender.send({ url: 'https://example.test/', method: 'POST', params: {} });
    await sender.close();
    expect(fetch).toHaveBeenCalledTimes(DEFAULTS.maxAttempts);
  });

  it('rejects invalid options at construction', () => {
    const logger = captureLogs().logger;
    expect(() => new StatusCallbackSender({ authToken, logger, maxAttempts: 0 })).toThrow(RangeError);
    expect(() => new StatusCallbackSender({ authToken, logger, timeoutMs: -1 })).toThrow(RangeError);
    expect(() => new StatusCallbackSender({ authToken, logger, baseDelayMs: Number.NaN })).toThrow(RangeError);
  });

  it('stats is a read-only snapshot', () => {
    const { sender } = newSender();
    const stats = sender.stats;
    expect(Object.isFrozen(stats)).toBe(true);
    expect(sender.stats).not.toBe(stats);
  });
});

describe('StatusCallbackSender: destinations', () => {
  it('by default a loopback destination is refused: never connected to, not retried, logged without secrets, reported', async () => {
    const { base, requests } = await startServer(reply(200));
    let connections = 0;
    servers[servers.length - 1]!.on('connection', () => connections++);
    const { sender, logs } = newSender({ allow: undefined, maxAttempts: 5 });
    const refused: string[] = [];
    sender.events.on('refused', (reason) => refused.push(reason));

    sender.send({ url: `${base}/hooks?token=hunter2`, method: 'POST', params: { StatusCallbackEvent: 'room-created' } });
    await sender.close();

    expect(connections).toBe(0);
    expect(requests).toHaveLength(0);
    expect(sender.stats).toEqual({ sent: 0, failed: 0, retried: 0, pending: 0, dropped: 0, refused: 1 });
    expect(refused).toEqual(['loopback']);
    const line = logs.lines().find((l) => String(l['msg']).startsWith('status callback refused'));
    expect(line).toMatchObject({ level: 40, url: `${base}/hooks`, event: 'room-created', reason: 'loopback', address: '127.0.0.1', attempt: 1 });
    expectNoSecrets(logs.raw(), ['hunter2', authToken]);
  });

  it('the allow list opens a destination', async () => {
    const { base, requests } = await startServer(reply(204));
    const { sender } = newSender({ allow: parseCallbackAllow('127.0.0.1/32') });
    sender.send({ url: `${base}/hooks`, method: 'POST', params: {} });
    await sender.close();
    expect(requests).toHaveLength(1);
    expect(sender.stats).toMatchObject({ sent: 1, refused: 0 });
  });
});

describe('StatusCallbackSender: a bounded queue', () => {
  it('holds at most maxQueued callbacks: a new one past it drops the oldest waiting one, counted and logged', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { base, requests } = await startServer(async (req, res) => {
      if (req.n === 1) await gate;
      res.writeHead(204).end();
    });
    const { sender, logs } = newSender({ maxQueued: 3, concurrency: 1 });
    const dropped: string[] = [];
    sender.events.on('dropped', (reason) => dropped.push(reason));

    const send = (n: number) =>
      sender.send({ url: `${base}/q${n}?secret=s${n}`, method: 'POST', params: { SequenceNumber: String(n), StatusCallbackEvent: 'room-created' } });
    send(1);
    await vi.waitFor(() => expect(requests).toHaveLength(1)); // #1 is in flight, held by the receiver
    send(2);
    send(3);
    expect(sender.stats.pending).toBe(3);
    send(4); // full: #2, the oldest not in flight, goes
    send(5); // and then #3
    expect(sender.stats).toMatchObject({ pending: 3, dropped: 2 });
    expect(dropped).toEqual(['queue-full', 'queue-full']);

    release();
    await sender.close();
    expect(requests.map((r) => new URLSearchParams(r.body).get('SequenceNumber'))).toEqual(['1', '4', '5']);
    expect(sender.stats).toEqual({ sent: 3, failed: 0, retried: 0, pending: 0, dropped: 2, refused: 0 });
    const drops = logs.lines().filter((l) => l['msg'] === 'status callback dropped');
    expect(drops.map((l) => [l['url'], l['reason']])).toEqual([
      [`${base}/q2`, 'queue full'],
      [`${base}/q3`, 'queue full'],
    ]);
    expectNoSecrets(logs.raw(), ['secret=']);
  });

  it('a callback waiting for its retry counts as held, and is dropped first when it is the oldest', async () => {
    const { base, requests } = await startServer((req, res) => {
      res.writeHead(req.url.startsWith('/down') ? 503 : 204).end();
    });
    const { sender } = newSender({ maxQueued: 1, baseDelayMs: 10_000, maxDelayMs: 10_000 });
    sender.send({ url: `${base}/down`, method: 'POST', params: {} });
    await vi.waitFor(() => expect(requests).toHaveLength(1)); // failed once, now waiting 10 s for its retry
    sender.send({ url: `${base}/up`, method: 'POST', params: {} });
    await sender.close();
    expect(requests.map((r) => r.url)).toEqual(['/down', '/up']);
    expect(sender.stats).toEqual({ sent: 1, failed: 0, retried: 0, pending: 0, dropped: 1, refused: 0 });
  });

  it('attempts at most `concurrency` deliveries at once', async () => {
    let open = 0;
    let peak = 0;
    const { base, requests } = await startServer(async (_req, res) => {
      open++;
      peak = Math.max(peak, open);
      await new Promise((resolve) => setTimeout(resolve, 20));
      open--;
      res.writeHead(204).end();
    });
    const { sender } = newSender({ concurrency: 3 });
    for (let i = 0; i < 12; i++) sender.send({ url: `${base}/c`, method: 'POST', params: { SequenceNumber: String(i) } });
    expect(sender.stats.pending).toBe(12);
    await sender.close();
    expect(requests).toHaveLength(12);
    expect(peak).toBe(3);
  });

  it('has sensible defaults and refuses a zero bound', () => {
    expect(DEFAULTS).toMatchObject({ maxQueued: 1000, concurrency: 8 });
    const logger = captureLogs().logger;
    expect(() => new StatusCallbackSender({ authToken, logger, maxQueued: 0 })).toThrow(RangeError);
    expect(() => new StatusCallbackSender({ authToken, logger, concurrency: 0 })).toThrow(RangeError);
  });
});

function expectNoSecrets(logText: string, secrets: string[]): void {
  expect(logText.length).toBeGreaterThan(0);
  for (const secret of secrets) expect(logText).not.toContain(secret);
}
