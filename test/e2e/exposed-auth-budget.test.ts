/**
 * Off loopback, `/metrics`, `/demo/api` and `/demo/watch` ask for the API credentials
 * (SECURITY.md). Guessing them there costs the same failed-authentication budget per client
 * address as on `/v1`: 100 refusals, then 429 (20429) with `Retry-After`, even for the right
 * credentials, and the address stays refused on `/v1` too. The server listens on 0.0.0.0
 * inside the test's private network namespace, and the client is on loopback.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startServer, type RunningServer } from './support/server.js';

let server: RunningServer;
let url: string;

beforeAll(async () => {
  server = await startServer({ host: '0.0.0.0' });
  url = server.url.replace(/\/\/[^:/]+/, '//127.0.0.1');
});
afterAll(async () => {
  expect(await server?.stop()).toBe(0);
});

const basic = (user: string, pass: string) => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;

test('failed authentications on /metrics and /demo/api spend the address budget; past it, 429 with Retry-After everywhere', async () => {
  const wrong = { authorization: basic(server.creds.apiKeySid, 'guess') };
  const right = { authorization: basic(server.creds.apiKeySid, server.creds.apiSecret) };
  expect((await fetch(`${url}/metrics`, { headers: right })).status).toBe(200);

  let failures = 0;
  let refused: Response | undefined;
  for (let i = 0; i < 130 && !refused; i++) {
    const res = await fetch(`${url}${i % 2 ? '/metrics' : '/demo/api/dashboard'}`, { headers: wrong });
    if (res.status === 429) refused = res;
    else {
      expect(res.status).toBe(401);
      failures++;
    }
  }
  expect(failures).toBeGreaterThanOrEqual(100);
  expect(refused, 'no 429 after 130 wrong secrets').toBeDefined();
  expect(await refused!.json()).toMatchObject({ code: 20429, status: 429 });
  expect(Number(refused!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);

  // the address is refused before its credentials are checked, here and on /v1
  expect((await fetch(`${url}/metrics`, { headers: right })).status).toBe(429);
  expect((await fetch(`${url}/v1/Rooms`, { headers: right })).status).toBe(429);
  // a request without credentials costs nothing and is a plain 401
  expect((await fetch(`${url}/metrics`)).status).toBe(401);
});
