/**
 * PlaybackGrantCache against a real `onair serve`: one POST …/PlaybackGrant for 10,000
 * concurrent viewers (plain fetch and the official twilio library), at most 11 over a
 * simulated 10 minutes of joins, viewer tokens that verify, and the /demo/watch page.
 *
 * Grant requests are counted twice: on the client (a wrapper around the fetch it uses)
 * and on the server, from /metrics (`onair_http_requests_total` for the
 * PlaybackGrant POST route); the server's latest grant (GET …/PlaybackGrant) must be the
 * one the cache holds.
 */
import { request } from 'node:http';
import { createRemoteJWKSet } from 'jose';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  PlaybackGrantCache,
  PlaybackGrantRequestError,
  decodeAccessToken,
  fetchPlaybackGrantSource,
  twilioPlaybackGrantSource,
  verifyAccessToken,
  verifyPlaybackGrantJwt,
  type FetchLike,
  type PlaybackGrantCacheOptions,
} from '@onair/tokens';
import { launchBrowser, newPage, pageLog } from './support/browser.js';
import { api, eventually, startServer, type RunningServer } from './support/server.js';
import { videoToken } from './support/signaling.js';
import { openSpeaker, waitForState } from './support/speakers.js';
import { twilioClient } from './support/twilio-client.js';

let server: RunningServer;
let client: ReturnType<typeof twilioClient>;
let jwks: ReturnType<typeof createRemoteJWKSet>;

beforeAll(async () => {
  server = await startServer();
  client = twilioClient(server);
  jwks = createRemoteJWKSet(new URL(`${server.url}/.well-known/jwks.json`));
});
afterAll(async () => {
  expect(await server.stop()).toBe(0);
});

const GRANT_ROUTE = '/v1/PlayerStreamers/:sid/PlaybackGrant';

/** Completed requests the server counted for a method and route (all statuses), from /metrics. */
async function serverRequests(method: string, route: string, status?: string): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  let total = 0;
  for (const line of text.split('\n')) {
    const m = /^onair_http_requests_total\{([^}]*)\} (\d+)/.exec(line);
    if (!m) continue;
    const labels = Object.fromEntries([...m[1]!.matchAll(/(\w+)="([^"]*)"/g)].map((l) => [l[1], l[2]]));
    if (labels['method'] === method && labels['route'] === route && (status === undefined || labels['status'] === status)) {
      total += Number(m[2]);
    }
  }
  return total;
}
const grantPosts = () => serverRequests('POST', GRANT_ROUTE);

/** Global fetch, counting its calls. */
function countingFetch() {
  const counter = Object.assign(
    (async (url, init) => {
      counter.calls += 1;
      return fetch(url, init);
    }) as FetchLike,
    { calls: 0 },
  );
  return counter;
}

async function newStreamer(): Promise<string> {
  const streamer = await client.media.v1.playerStreamer.create({});
  expect(streamer.sid).toMatch(/^VJ[0-9a-f]{32}$/);
  return streamer.sid;
}

function fetchCache(streamerSid: string, fetch: FetchLike, extra: Partial<PlaybackGrantCacheOptions> = {}) {
  return new PlaybackGrantCache({
    source: fetchPlaybackGrantSource({
      baseUrl: server.url,
      streamerSid,
      apiKeySid: server.creds.apiKeySid,
      apiSecret: server.creds.apiSecret,
      fetch,
    }),
    streamerSid,
    accountSid: server.creds.accountSid,
    apiKeySid: server.creds.apiKeySid,
    apiSecret: server.creds.apiSecret,
    ...extra,
  });
}

/** Verifies a viewer token with the API secret and its grant with the server's JWKS. */
async function expectValidViewerToken(token: string, streamerSid: string, currentDate = new Date()) {
  const verified = await verifyAccessToken(token, {
    resolveSecret: (sid) => (sid === server.creds.apiKeySid ? server.creds.apiSecret : undefined),
    accountSid: server.creds.accountSid,
    currentDate,
  });
  expect(verified.identity).toBeTruthy();
  const player = verified.grants.player!;
  expect(player.playerStreamerSid).toBe(streamerSid);
  const jwt = new URL(player.playbackUrl).searchParams.get('token')!;
  const claims = await verifyPlaybackGrantJwt(jwt, { keys: jwks, streamerSid });
  expect(claims.exp - claims.iat).toBe(60);
  return verified;
}

/** The server's latest grant for a streamer, as GET …/PlaybackGrant returns it. */
async function serverLatestGrant(streamerSid: string) {
  const res = await api(server, 'GET', `/v1/PlayerStreamers/${streamerSid}/PlaybackGrant`);
  expect(res.status).toBe(200);
  return res.json.grant as { playbackUrl: string };
}

describe('PlaybackGrantCache against a real server', () => {
  test('fetch adapter: 10,000 concurrent viewer tokens cause exactly one POST …/PlaybackGrant', async () => {
    const sid = await newStreamer();
    const fetch = countingFetch();
    const cache = fetchCache(sid, fetch);
    const before = await grantPosts();

    const tokens = await Promise.all(Array.from({ length: 10_000 }, (_, i) => cache.mintViewerToken({ identity: `viewer-${i}` })));

    expect(fetch.calls).toBe(1);
    expect(await grantPosts()).toBe(before + 1);
    expect(await serverRequests('POST', GRANT_ROUTE, '201')).toBeGreaterThanOrEqual(1);
    expect(new Set(tokens).size).toBe(10_000);
    const first = await expectValidViewerToken(tokens[0]!, sid);
    const last = await expectValidViewerToken(tokens[9_999]!, sid);
    expect(first.identity).toBe('viewer-0');
    expect(last.grants.player).toStrictEqual(first.grants.player);
    // the server's latest grant is the one every viewer got
    expect((await serverLatestGrant(sid)).playbackUrl).toBe(first.grants.player!.playbackUrl);
  });

  test('twilio adapter: 10,000 concurrent get() calls cause exactly one POST …/PlaybackGrant', async () => {
    const sid = await newStreamer();
    const cache = new PlaybackGrantCache({
      source: twilioPlaybackGrantSource(client, { streamerSid: sid }),
      streamerSid: sid,
      accountSid: server.creds.accountSid,
      apiKeySid: server.creds.apiKeySid,
      apiSecret: server.creds.apiSecret,
    });
    const before = await grantPosts();

    const grants = await Promise.all(Array.from({ length: 10_000 }, () => cache.get()));

    expect(await grantPosts()).toBe(before + 1);
    expect(cache.requestCount).toBe(1);
    expect(new Set(grants).size).toBe(1);
    expect((await serverLatestGrant(sid)).playbackUrl).toBe(grants[0]!.playbackUrl);
    await expectValidViewerToken(await cache.mintViewerToken({ identity: 'alice' }), sid);
  });

  test('a simulated 10 minutes of joins every 100 ms causes 11 POST …/PlaybackGrant (fake clock, real server)', async () => {
    const sid = await newStreamer();
    let now = Date.now();
    const start = now;
    const fetch = countingFetch();
    const cache = fetchCache(sid, fetch, { clock: () => now });
    const before = await grantPosts();

    let joins = 0;
    let lastToken = '';
    for (; now < start + 600_000; now += 100) {
      const entry = await cache.getEntry();
      expect(entry.expiresAt - now).toBeGreaterThanOrEqual(5_000);
      if (joins % 500 === 0) lastToken = await cache.mintViewerToken({ identity: `viewer-${joins}` });
      joins += 1;
    }

    expect(joins).toBe(6_000);
    expect(fetch.calls).toBe(11);
    expect(await grantPosts()).toBe(before + 11);
    // the token was minted on the fake clock; its grant is real and fresh on the real one
    const iat = decodeAccessToken(lastToken).claims['iat'] as number;
    await expectValidViewerToken(lastToken, sid, new Date(iat * 1000));
    expect((await serverLatestGrant(sid)).playbackUrl).toBe(cache.peek()!.grant.playbackUrl);
  });

  test('REST errors reach every waiter as a typed error with the Twilio code, and the next call retries', async () => {
    const unknown = `VJ${'0'.repeat(32)}`;
    const cache = fetchCache(unknown, countingFetch());
    const results = await Promise.all(Array.from({ length: 100 }, () => cache.get().catch((e: unknown) => e)));
    expect(new Set(results).size).toBe(1);
    expect(results[0]).toBeInstanceOf(PlaybackGrantRequestError);
    expect(results[0]).toMatchObject({ code: 'ERR_GRANT_REFUSED', status: 404, twilioCode: 20404 });
    await expect(cache.get()).rejects.toMatchObject({ twilioCode: 20404 });
    expect(cache.requestCount).toBe(2);

    // an ended streamer: the server refuses grants with 409, through the twilio library too
    const sid = await newStreamer();
    await client.media.v1.playerStreamer(sid).update({ status: 'ended' });
    const viaTwilio = new PlaybackGrantCache({ source: twilioPlaybackGrantSource(client, { streamerSid: sid }) });
    await expect(viaTwilio.get()).rejects.toMatchObject({ code: 'ERR_GRANT_REFUSED', status: 409 });

    // wrong credentials: 401 / 20003
    const badAuth = new PlaybackGrantCache({
      source: fetchPlaybackGrantSource({ baseUrl: server.url, streamerSid: sid, apiKeySid: server.creds.apiKeySid, apiSecret: 'wrong-secret' }),
    });
    await expect(badAuth.get()).rejects.toMatchObject({ code: 'ERR_GRANT_REFUSED', status: 401, twilioCode: 20003 });
  });
});

describe('/demo/watch', () => {
  const tokenIn = (html: string) => /<onair-player[^>]*\btoken="([^"]+)"/.exec(html)?.[1];

  test('renders the player with a viewer token that verifies; 50 page loads cause one grant request', async () => {
    const sid = await newStreamer();
    const before = await grantPosts();
    const tokens: string[] = [];
    for (let i = 0; i < 50; i++) {
      const res = await fetch(`${server.url}/demo/watch?streamer=${sid}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(res.headers.get('cache-control')).toBe('no-store');
      const html = await res.text();
      expect(html).toContain('<script src="/sdk/player.js"');
      expect(html).toMatch(/<body[^>]*data-state="idle"/);
      const token = tokenIn(html);
      expect(token).toBeTruthy();
      tokens.push(token!);
    }
    expect(await grantPosts()).toBe(before + 1);
    expect(new Set(tokens).size).toBe(50); // one identity per viewer
    const verified = await expectValidViewerToken(tokens[49]!, sid);
    expect(verified.identity).toMatch(/^viewer-[0-9a-f]+$/);
    // the grant in the page names the host the viewer used
    expect(verified.grants.player!.playbackUrl.startsWith(`${server.url}/playback/`)).toBe(true);
    expect((await serverLatestGrant(sid)).playbackUrl).toBe(verified.grants.player!.playbackUrl);
  });

  test.each([
    ['a malformed streamer SID', '?streamer=nope', 400, 20001],
    ['an unknown streamer', `?streamer=VJ${'0'.repeat(32)}`, 404, 20404],
  ])('%s: an error page, or Twilio error JSON when asked for JSON', async (_name, query, status, code) => {
    const html = await fetch(`${server.url}/demo/watch${query}`);
    expect(html.status).toBe(status);
    const body = await html.text();
    expect(body).toMatch(new RegExp(`<body[^>]*data-state="error"[^>]*data-error-code="${code}"`));
    expect(body).not.toContain('<onair-player');

    const json = await fetch(`${server.url}/demo/watch${query}`, { headers: { accept: 'application/json' } });
    expect(json.status).toBe(status);
    expect(await json.json()).toMatchObject({ code, status, more_info: `https://www.twilio.com/docs/errors/${code}` });
  });

  test('a Host header that is not a host gives 400, not a server error', async () => {
    const sid = await newStreamer();
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const { hostname, port } = new URL(server.url);
      const req = request({ host: hostname, port, path: `/demo/watch?streamer=${sid}`, headers: { host: 'not a host[' } }, (res) => {
        res.resume();
        resolve(res.statusCode);
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(400);
  });

  test('an ended streamer gives 409; without ?streamer and no started stream, 404', async () => {
    const sid = await newStreamer();
    await client.media.v1.playerStreamer(sid).update({ status: 'ended' });
    const ended = await fetch(`${server.url}/demo/watch?streamer=${sid}`, { headers: { accept: 'application/json' } });
    expect(ended.status).toBe(409);

    // nothing in this server has started (no processor fed a streamer)
    const none = await fetch(`${server.url}/demo/watch`, { headers: { accept: 'application/json' } });
    expect(none.status).toBe(404);
    expect(await none.json()).toMatchObject({ code: 20404, message: expect.stringContaining('No stream is live') });
  });

  test('in Chromium: the page loads /sdk/player.js, defines <onair-player> and mirrors its state on <body>', async () => {
    const sid = await newStreamer();
    const browser = await launchBrowser({ fakeMedia: false });
    try {
      const page = await newPage(browser);
      const res = await page.goto(`${server.url}/demo/watch?streamer=${sid}`);
      expect(res?.status()).toBe(200);
      const mirrored = () =>
        page.waitForFunction(
          () => {
            const el = document.querySelector('onair-player') as HTMLElement | null;
            const body = document.body.dataset;
            return (
              customElements.get('onair-player') !== undefined &&
              !!el?.dataset['state'] &&
              body['state'] === el.dataset['state'] &&
              body['errorCode'] === el.dataset['errorCode']
            );
          },
          { timeout: 15_000 },
        );
      await mirrored().catch((err: unknown) => {
        throw new Error(`body does not mirror the player: ${String(err)}\n${pageLog(page)}`);
      });
      // a token the player refuses before any playback request: 20101 reaches <body>
      await page.evaluate(() => document.querySelector('onair-player')!.setAttribute('token', 'not-a-token'));
      await page.waitForFunction(() => document.body.dataset['state'] === 'error' && document.body.dataset['errorCode'] === '20101', {
        timeout: 15_000,
      });
      await mirrored();
    } finally {
      await browser.close();
    }
  }, 60_000);

  test('without ?streamer: the most recently started stream (a real composer job feeds it)', async () => {
    const browser = await launchBrowser();
    try {
      const speaker = await openSpeaker(browser, server.url, videoToken(server, 'host', 'watch-show'));
      await waitForState(speaker, 'connected');
      await newStreamer(); // created after the others, never started: not the one to watch
      const streamer = await client.media.v1.playerStreamer.create({});
      const processor = await client.media.v1.mediaProcessor.create({
        extension: 'video-composer-v1',
        extensionContext: JSON.stringify({ room: { name: 'watch-show' }, outputs: [streamer.sid] }),
      });
      try {
        await eventually(async () => (await client.media.v1.playerStreamer(streamer.sid).fetch()).status === 'started', 60_000, 500);
        await newStreamer(); // the newest streamer, but not started
        const res = await fetch(`${server.url}/demo/watch`);
        expect(res.status).toBe(200);
        const html = await res.text();
        expect(html).toContain(`data-streamer-sid="${streamer.sid}"`);
        await expectValidViewerToken(tokenIn(html)!, streamer.sid);
      } finally {
        await client.media.v1.mediaProcessor(processor.sid).update({ status: 'ended' });
      }
    } finally {
      await browser.close();
    }
  }, 120_000);
});
