import { describe, expect, test, vi } from 'vitest';
import { fetchJwksLoader } from './jwks-loader.js';
import { serverClockOffset } from './server-clock.js';

describe('serverClockOffset', () => {
  const date = 'Sun, 22 Nov 2026 10:00:00 GMT';
  const server = Date.parse(date);
  test.each([
    ['a device in step', server + 400, server + 600, 0],
    ['a device an hour fast', server + 3_600_000, server + 3_600_200, -3_599_600],
    ['a device 30 s slow', server - 30_000, server - 29_000, 30_000],
  ])('%s', (_name, sentAt, receivedAt, offset) => {
    expect(serverClockOffset(date, sentAt, receivedAt)).toBe(offset);
  });

  test.each([[null], [undefined], [''], ['yesterday-ish']])('no offset from %j', (header) => {
    expect(serverClockOffset(header, 1, 2)).toBe(0);
  });
});

describe('fetchJwksLoader', () => {
  test('reads the keys and the Date header, uncached and without cookies', async () => {
    const fetchImpl = vi.fn(async () => new Response(JSON.stringify({ keys: [{ kid: 'k' }] }), { headers: { date: 'Sun, 22 Nov 2026 10:00:00 GMT' } }));
    const clock = [Date.parse('2026-11-22T10:00:10Z'), Date.parse('2026-11-22T10:00:10.200Z')];
    const loaded = await fetchJwksLoader(fetchImpl as unknown as typeof fetch, () => clock.shift()!)('https://s/.well-known/jwks.json');
    expect(loaded.keys).toStrictEqual([{ kid: 'k' }]);
    expect(loaded.clockOffsetMs).toBe(-9_600);
    expect(fetchImpl).toHaveBeenCalledWith('https://s/.well-known/jwks.json', { cache: 'no-store', credentials: 'omit' });
  });

  test.each([
    ['HTTP 500', async () => new Response('x', { status: 500 })],
    ['not JSON', async () => new Response('<html>')],
    ['not a JWKS', async () => new Response('{"keys":1}')],
    ['unreachable', async () => Promise.reject(new TypeError('failed to fetch'))],
  ])('fails with 20503 when %s', async (_name, fetchImpl) => {
    await expect(fetchJwksLoader(fetchImpl as unknown as typeof fetch)('https://s/j')).rejects.toMatchObject({ code: 20503 });
  });
});
