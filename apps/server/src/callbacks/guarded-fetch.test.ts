import type { LookupAddress } from 'node:dns';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { EMPTY_ALLOW_LIST, parseCallbackAllow } from './allow-list.js';
import { DestinationPolicy } from './destination-policy.js';
import { CallbackRefusedError, guardedFetch, type Resolver } from './guarded-fetch.js';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(
    servers.splice(0).map(
      (s) =>
        new Promise<void>((resolve) => {
          s.closeAllConnections();
          s.close(() => resolve());
        }),
    ),
  );
});

/** A real server on 127.0.0.1 counting every TCP connection it accepts. */
async function listener(answer: (res: import('node:http').ServerResponse) => void = (res) => res.writeHead(204).end()) {
  let connections = 0;
  const paths: string[] = [];
  const server = createServer((req, res) => {
    paths.push(req.url ?? '');
    req.resume().on('end', () => answer(res));
  });
  server.on('connection', () => connections++);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { port, connections: () => connections, paths };
}

/** A resolver answering from a script, one answer per call (the last repeats): DNS that rebinds. */
function scripted(...answers: string[][]): Resolver & { calls: string[] } {
  const calls: string[] = [];
  const resolve = ((hostname, _options, callback) => {
    calls.push(hostname);
    const answer = answers[Math.min(calls.length, answers.length) - 1] ?? [];
    const addresses: LookupAddress[] = answer.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
    setImmediate(() => callback(null, addresses));
  }) as Resolver & { calls: string[] };
  resolve.calls = calls;
  return resolve;
}

const post = { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'a=1' };
const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

describe('guardedFetch: refused destinations are never connected to', () => {
  it.each([
    ['an IPv4 literal', (port: number) => `http://127.0.0.1:${port}/cb`],
    ['an IPv4-mapped IPv6 literal', (port: number) => `http://[::ffff:127.0.0.1]:${port}/cb`],
    ['a numeric host the URL parser turns into 127.0.0.1', (port: number) => `http://2130706433:${port}/cb`],
    ['the unspecified address (which Linux connects to loopback)', (port: number) => `http://0.0.0.0:${port}/cb`],
    ['localhost (a name that resolves to loopback)', (port: number) => `http://localhost:${port}/cb`],
  ])('%s', async (_name, url) => {
    const target = await listener();
    const fetchGuarded = guardedFetch(new DestinationPolicy(EMPTY_ALLOW_LIST));
    const error = await fetchGuarded(url(target.port), post).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(CallbackRefusedError);
    expect(error).toMatchObject({ code: 'ECALLBACKREFUSED', reason: expect.stringMatching(/^(loopback|reserved)$/) });
    await settle();
    expect(target.connections()).toBe(0);
  });

  it('a name is judged by what it resolves to when connecting: DNS that rebinds cannot slip past', async () => {
    const target = await listener();
    // allowed: 127.0.0.1 only; the name first resolves there, then to the cloud metadata address
    const resolve = scripted(['127.0.0.1'], ['169.254.169.254']);
    const fetchGuarded = guardedFetch(new DestinationPolicy(parseCallbackAllow('127.0.0.1')), { resolve });
    const url = `http://hooks.rebind.test:${target.port}/cb`;

    expect((await fetchGuarded(url, post)).status).toBe(204);
    await expect(fetchGuarded(url, post)).rejects.toMatchObject({ reason: 'link-local', address: '169.254.169.254' });
    expect(resolve.calls).toEqual(['hooks.rebind.test', 'hooks.rebind.test']);
    expect(target.connections()).toBe(1);
  });

  it('of several addresses only the allowed ones are used; none left is a refusal naming the first', async () => {
    const target = await listener();
    const policy = new DestinationPolicy(parseCallbackAllow('127.0.0.1'));
    const mixed = guardedFetch(policy, { resolve: scripted(['10.0.0.7', '::1', '127.0.0.1']) });
    expect((await mixed(`http://multi.test:${target.port}/cb`, post)).status).toBe(204);
    expect(target.connections()).toBe(1);

    const none = guardedFetch(policy, { resolve: scripted(['10.0.0.7', '::1']) });
    await expect(none(`http://multi.test:${target.port}/cb`, post)).rejects.toMatchObject({ reason: 'private', address: '10.0.0.7' });
    expect(target.connections()).toBe(1);
  });

  it('a host name in the allow list is reached whatever it resolves to', async () => {
    const target = await listener();
    const fetchGuarded = guardedFetch(new DestinationPolicy(parseCallbackAllow('localhost')));
    expect((await fetchGuarded(`http://localhost:${target.port}/cb`, post)).status).toBe(204);
    expect(target.connections()).toBe(1);
  });

  it('a DNS failure is an ordinary (retryable) error, not a refusal', async () => {
    const failing: Resolver = (_h, _o, callback) =>
      setImmediate(() => callback(Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' }), []));
    const fetchGuarded = guardedFetch(new DestinationPolicy(EMPTY_ALLOW_LIST), { resolve: failing });
    const error = await fetchGuarded('http://nowhere.test/cb', post).catch((err: unknown) => err);
    expect(error).not.toBeInstanceOf(CallbackRefusedError);
    expect(error).toMatchObject({ code: 'ENOTFOUND' });
  });
});

describe('guardedFetch: the request itself', () => {
  it('sends method, headers and body; answers status and Retry-After; never follows a redirect', async () => {
    const elsewhere = await listener();
    const target = await listener((res) =>
      res.writeHead(307, { Location: `http://127.0.0.1:${elsewhere.port}/next`, 'Retry-After': '7' }).end('body'),
    );
    let seen: { method?: string; type?: string; body?: string } = {};
    const probe = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        seen = { method: req.method, type: req.headers['content-type'], body };
        res.writeHead(429, { 'Retry-After': '3' }).end();
      });
    });
    servers.push(probe);
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const fetchGuarded = guardedFetch(new DestinationPolicy(parseCallbackAllow('127.0.0.0/8')));

    const limited = await fetchGuarded(`http://127.0.0.1:${(probe.address() as AddressInfo).port}/p`, post);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('3');
    expect(seen).toEqual({ method: 'POST', type: 'application/x-www-form-urlencoded', body: 'a=1' });

    const moved = await fetchGuarded(`http://127.0.0.1:${target.port}/moved`, post);
    expect(moved.status).toBe(307);
    await settle();
    expect(elsewhere.connections()).toBe(0);
  });

  it('an aborted signal ends the request', async () => {
    const target = await listener(() => {
      /* never answers */
    });
    const fetchGuarded = guardedFetch(new DestinationPolicy(parseCallbackAllow('127.0.0.0/8')));
    const controller = new AbortController();
    const pending = fetchGuarded(`http://127.0.0.1:${target.port}/hang`, { ...post, signal: controller.signal });
    await settle();
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
  });
});
