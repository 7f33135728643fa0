/**
 * HTTP budgets against a real `onair serve`, each refused with 429, code 20429 and
 * `Retry-After`, and counted in `onair_budget_refusals_total`:
 * - playback sessions per viewer access token, and session opens per client address;
 * - Low-Latency HLS requests held open, per session and in all (the test writes an LL
 *   playlist by hand, as the packager would, and asks for a segment that never comes);
 * - /v1 requests per credential, and failed authentications per address.
 * Small budgets are set through the server's env so that a handful of requests reach them.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createStreamer, playbackGrant, viewerToken, writeStalledLlPlaylist } from './support/playback.js';
import { expectRefused, openSession, raw, type Raw } from './support/playback-http.js';
import { api, eventually, startServer, type RunningServer } from './support/server.js';

let server: RunningServer;

beforeAll(async () => {
  server = await startServer({
    env: {
      ONAIR_PLAYBACK_SESSIONS_PER_TOKEN: '3',
      ONAIR_PLAYBACK_SESSION_RATE: '2', // 20 at once from one address
      ONAIR_PLAYBACK_MAX_HELD: '6',
      ONAIR_REST_RATE: '3', // 30 at once per credential
    },
  });
});
afterAll(async () => {
  expect(await server?.stop()).toBe(0);
});

async function metrics(): Promise<string> {
  return (await fetch(`${server.url}/metrics`)).text();
}
async function refusals(budget: string): Promise<number> {
  const m = new RegExp(`^onair_budget_refusals_total\\{budget="${budget}"\\} (\\d+)`, 'm').exec(await metrics());
  return m ? Number(m[1]) : 0;
}
async function held(): Promise<number> {
  return Number(/^onair_playback_held_requests (\d+)/m.exec(await metrics())?.[1] ?? NaN);
}

function expectTooMany(res: Raw | { status: number; json: any; headers: Headers }, maxSeconds: number): number {
  expect(res.status).toBe(429);
  expect(res.json.code).toBe(20429);
  const header = res.headers instanceof Headers ? res.headers.get('retry-after') : res.headers['retry-after'];
  expect(String(header)).toMatch(/^\d+$/);
  const seconds = Number(header);
  expect(seconds).toBeGreaterThanOrEqual(1);
  expect(seconds).toBeLessThanOrEqual(maxSeconds);
  return seconds;
}

describe('playback budgets', () => {
  let sid = '';
  let grant: Awaited<ReturnType<typeof playbackGrant>>;

  beforeAll(async () => {
    sid = await createStreamer(server);
    grant = await playbackGrant(server, sid);
  });

  test('a viewer access token opens at most ONAIR_PLAYBACK_SESSIONS_PER_TOKEN sessions, then 429 with Retry-After', async () => {
    const before = await refusals('playback_session_token');
    const token = viewerToken(server, grant);
    for (let i = 0; i < 3; i++) expect((await openSession(server, grant.playbackUrl, token)).status).toBe(200);
    const refused = await openSession(server, grant.playbackUrl, token);
    expectRefused(refused, 429, 20429);
    expect(refused.json.message).toMatch(/3 playback sessions/);
    expectTooMany(refused, 60);
    expect(refused.headers['access-control-expose-headers']).toMatch(/Retry-After/);
    // another viewer's token is its own budget
    expect((await openSession(server, grant.playbackUrl, viewerToken(server, grant))).status).toBe(200);
    expect(await refusals('playback_session_token')).toBe(before + 1);
  });

  test('Low-Latency HLS requests held open: at most 4 per session and ONAIR_PLAYBACK_MAX_HELD in all', async () => {
    const llSid = await createStreamer(server);
    const llGrant = await playbackGrant(server, llSid);
    // a live LL playlist at segment 2 that never advances: asking for segment 3 is held (up to 3 × 10 s)
    writeStalledLlPlaylist(server, llSid);
    const session = async () => {
      const opened = await openSession(server, llGrant.playbackUrl, viewerToken(server, llGrant));
      expect(opened.status, opened.body.toString()).toBe(200);
      return `${opened.json.playlistUrl}?_HLS_msn=3`;
    };
    const beforeSession = await refusals('playback_held_session');
    const beforeAll_ = await refusals('playback_held');
    const leave = new AbortController();
    const hold = (url: string) => raw('GET', url, {}, leave.signal).catch(() => undefined);
    try {
      const first = await session();
      for (let i = 0; i < 4; i++) void hold(first);
      await eventually(async () => (await held()) === 4, 5_000, 50);
      const fifth = await raw('GET', first);
      expectRefused(fifth, 429, 20429);
      expect(fifth.json.message).toMatch(/this playback session/i);
      expectTooMany(fifth, 1);

      const second = await session();
      for (let i = 0; i < 2; i++) void hold(second);
      await eventually(async () => (await held()) === 6, 5_000, 50);
      const overAll = await raw('GET', second);
      expectRefused(overAll, 429, 20429);
      expect(overAll.json.message).toMatch(/holds as many requests/);
      expectTooMany(overAll, 1);
      // a request that need not be held is still served
      expect((await raw('GET', second.replace(/\?.*$/, ''))).status).toBe(200);
    } finally {
      leave.abort();
    }
    // places are given back when clients leave
    await eventually(async () => (await held()) === 0, 5_000, 50);
    expect(await refusals('playback_held_session')).toBe(beforeSession + 1);
    expect(await refusals('playback_held')).toBe(beforeAll_ + 1);
  });

  test('session opens per client address: past ten seconds\' worth of ONAIR_PLAYBACK_SESSION_RATE, 429 before any token is checked', async () => {
    const before = await refusals('playback_session_address');
    const url = grant.playbackUrl;
    let refused: Raw | undefined;
    // forged tokens: each is a 401 until the address has spent its budget (20 at once, 2 more a second)
    for (let i = 0; i < 40 && !refused; i++) {
      const res = await openSession(server, url, 'not.a.token');
      if (res.status === 429) refused = res;
      else expect(res.status).toBe(401);
    }
    expect(refused).toBeDefined();
    expectRefused(refused!, 429, 20429);
    expect(refused!.json.message).toMatch(/this address/);
    expectTooMany(refused!, 1);
    // a genuine token from the same address is refused too, until the budget refills
    expect((await openSession(server, url, viewerToken(server, grant))).status).toBe(429);
    expect(await refusals('playback_session_address')).toBeGreaterThanOrEqual(before + 2);
  });
});

describe('REST budgets', () => {
  test('per credential: past ten seconds\' worth of ONAIR_REST_RATE, 429 20429 with Retry-After in Twilio\'s error JSON', async () => {
    const before = await refusals('rest_credential');
    let refused: Awaited<ReturnType<typeof api>> | undefined;
    for (let i = 0; i < 60 && !refused; i++) {
      const res = await api(server, 'GET', '/v1/Rooms');
      if (res.status === 429) refused = res;
      else expect(res.status).toBe(200);
    }
    expect(refused).toBeDefined();
    expect(refused!.json).toEqual({
      code: 20429,
      message: 'Too many requests: this credential may make 3 requests per second',
      more_info: 'https://www.twilio.com/docs/errors/20429',
      status: 429,
    });
    expectTooMany(refused!, 1);
    expect(await refusals('rest_credential')).toBe(before + 1);
    // the budget refills: after Retry-After the credential is served again
    await new Promise((r) => setTimeout(r, Number(refused!.headers.get('retry-after')) * 1000));
    expect((await api(server, 'GET', '/v1/Rooms')).status).toBe(200);
  });

  test('failed authentications per address: 100, then 429 even for the right credentials; no header is a plain 401', async () => {
    const before = await refusals('rest_auth_failures');
    const wrong = { ...server, creds: { ...server.creds, apiSecret: 'guess' } };
    let refused: Awaited<ReturnType<typeof api>> | undefined;
    let failures = 0;
    for (let i = 0; i < 130 && !refused; i++) {
      const res = await api(wrong, 'GET', '/v1/Rooms');
      if (res.status === 429) refused = res;
      else {
        expect(res.status).toBe(401);
        failures++;
      }
    }
    expect(failures).toBeGreaterThanOrEqual(100);
    expect(refused!.json).toMatchObject({ code: 20429, status: 429 });
    expectTooMany(refused!, 1);
    expect((await api(server, 'GET', '/v1/Rooms')).status).toBe(429);
    expect((await fetch(`${server.url}/v1/Rooms`)).status).toBe(401);
    expect(await refusals('rest_auth_failures')).toBeGreaterThanOrEqual(before + 2);
  });
});
