import { describe, expect, test } from 'vitest';
import { decodeAccessToken } from './decode-access-token.js';
import { TokenError } from './errors.js';
import { PlaybackGrantCache, type PlaybackGrantCacheOptions } from './playback-grant-cache.js';
import { PlaybackGrantRequestError } from './playback-grant-cache-errors.js';
import { signPlaybackGrantJwt } from './sign-playback-grant-jwt.js';
import { generateSigningKey } from './signing-key.js';
import { verifyAccessToken } from './verify-access-token.js';
import { verifyPlaybackGrantJwt } from './verify-playback-grant-jwt.js';

const STREAMER_SID = `VJ${'1'.repeat(32)}`;
const OTHER_SID = `VJ${'9'.repeat(32)}`;
const ACCOUNT_SID = `AC${'2'.repeat(32)}`;
const API_KEY_SID = `SK${'3'.repeat(32)}`;
const API_SECRET = 'app-secret-0123456789abcdef';
const ISSUER = 'https://onair.example';
const START = Date.parse('2026-11-22T10:00:00Z');
/** The server's clock runs an hour ahead of the application's: the cache must not care. */
const SERVER_SKEW_MS = 3_600_000;

const key = await generateSigningKey(new Date(START));

/** A fake local clock, moved by hand. */
function fakeClock(start = START) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms), set: (ms: number) => (now = ms) };
}

async function grantResponse(
  opts: { ttl?: number; now?: number; streamerSid?: string; playerStreamerSid?: string } = {},
): Promise<{ grant: unknown }> {
  const streamerSid = opts.streamerSid ?? STREAMER_SID;
  const jwt = await signPlaybackGrantJwt({
    key,
    streamerSid,
    accountSid: ACCOUNT_SID,
    issuer: ISSUER,
    ttl: opts.ttl ?? 60,
    allowedOrigins: ['*'],
    now: new Date(opts.now ?? START),
  });
  return {
    grant: {
      playbackUrl: `${ISSUER}/playback/${streamerSid}?token=${jwt}`,
      playerStreamerSid: opts.playerStreamerSid ?? streamerSid,
      requestCredentials: null,
    },
  };
}

/** A source that counts its calls and issues grants on the (skewed) server clock. */
function countingSource(clock: () => number, ttl = 60) {
  const source = Object.assign(
    async () => {
      source.calls += 1;
      return grantResponse({ ttl, now: clock() + SERVER_SKEW_MS });
    },
    { calls: 0 },
  );
  return source;
}

/** A source whose answers are settled by the test. */
function manualSource() {
  const pending: { resolve: (v: { grant: unknown }) => void; reject: (e: unknown) => void }[] = [];
  const source = Object.assign(
    () =>
      new Promise<{ grant: unknown }>((resolve, reject) => {
        pending.push({ resolve, reject });
      }),
    { pending },
  );
  return source;
}

function cache(opts: Partial<PlaybackGrantCacheOptions> & Pick<PlaybackGrantCacheOptions, 'source'>) {
  return new PlaybackGrantCache({ accountSid: ACCOUNT_SID, apiKeySid: API_KEY_SID, apiSecret: API_SECRET, ...opts });
}

/** Joins every `stepMs` for `durationMs` of fake time; checks every grant handed out still has `minLife` ms. */
async function simulateJoins(c: PlaybackGrantCache, clock: ReturnType<typeof fakeClock>, durationMs: number, stepMs: number, minLife: number) {
  const end = clock.now() + durationMs;
  let joins = 0;
  for (; clock.now() < end; clock.advance(stepMs)) {
    const entry = await c.getEntry();
    expect(entry.expiresAt - clock.now()).toBeGreaterThanOrEqual(minLife);
    joins += 1;
  }
  return joins;
}

describe('PlaybackGrantCache', () => {
  test('10,000 concurrent get() calls cause exactly one grant request and share its grant', async () => {
    const clock = fakeClock();
    const source = countingSource(clock.now);
    const c = cache({ source, clock: clock.now });
    const grants = await Promise.all(Array.from({ length: 10_000 }, () => c.get()));
    expect(source.calls).toBe(1);
    expect(c.requestCount).toBe(1);
    expect(new Set(grants).size).toBe(1);
    expect(grants[0]!.playerStreamerSid).toBe(STREAMER_SID);
  });

  test('10,000 concurrent viewer tokens cause one grant request and verify with the API secret', async () => {
    const clock = fakeClock();
    const source = countingSource(clock.now);
    const c = cache({ source, clock: clock.now });
    const tokens = await Promise.all(Array.from({ length: 10_000 }, (_, i) => c.mintViewerToken({ identity: `viewer-${i}` })));
    expect(source.calls).toBe(1);
    const grant = c.peek()!.grant;
    for (const i of [0, 4_999, 9_999]) {
      const verified = await verifyAccessToken(tokens[i]!, {
        resolveSecret: (sid) => (sid === API_KEY_SID ? API_SECRET : undefined),
        accountSid: ACCOUNT_SID,
        currentDate: new Date(clock.now()),
      });
      expect(verified.identity).toBe(`viewer-${i}`);
      expect(verified.grants.player).toStrictEqual(grant);
      // the wrapped grant is the server's, verifiable against its key (on the server's clock)
      const jwt = new URL(verified.grants.player!.playbackUrl).searchParams.get('token')!;
      const claims = await verifyPlaybackGrantJwt(jwt, {
        keys: [key.publicJwk],
        streamerSid: STREAMER_SID,
        currentDate: new Date(clock.now() + SERVER_SKEW_MS),
      });
      expect(claims.exp - claims.iat).toBe(60);
    }
  });

  test('a simulated 10 minutes of joins every 100 ms causes at most 11 grant requests', async () => {
    const clock = fakeClock();
    const source = countingSource(clock.now);
    const c = cache({ source, clock: clock.now });
    const joins = await simulateJoins(c, clock, 600_000, 100, 5_000);
    expect(joins).toBe(6_000);
    expect(source.calls).toBeLessThanOrEqual(11);
    expect(source.calls).toBe(11); // t = 0, 55, 110, … 550 s
  });

  test.each([
    { refreshMargin: 0, calls: 10 },
    { refreshMargin: 5, calls: 11 },
    { refreshMargin: 10, calls: 12 },
    { refreshMargin: 30, calls: 20 },
  ])('refreshMargin $refreshMargin s: $calls requests in 10 minutes', async ({ refreshMargin, calls }) => {
    const clock = fakeClock();
    const source = countingSource(clock.now);
    const c = cache({ source, clock: clock.now, refreshMargin });
    await simulateJoins(c, clock, 600_000, 250, refreshMargin * 1000);
    expect(source.calls).toBe(calls);
  });

  test('expiry is local fetch time + lifetime, whatever the server clock says', async () => {
    const clock = fakeClock();
    const c = cache({ source: async () => grantResponse({ ttl: 30, now: START - 86_400_000 }), clock: clock.now });
    const entry = await c.getEntry();
    expect(entry).toMatchObject({ lifetime: 30, fetchedAt: START, expiresAt: START + 30_000 });
  });

  test('a failed refresh rejects every waiter with the typed error and the next call retries', async () => {
    const clock = fakeClock();
    const source = manualSource();
    const c = cache({ source, clock: clock.now });
    const waiters = Array.from({ length: 1_000 }, () => c.get().then(() => 'resolved', (error: unknown) => error));
    await Promise.resolve();
    expect(source.pending).toHaveLength(1);
    source.pending[0]!.reject(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
    const results = await Promise.all(waiters);
    expect(new Set(results).size).toBe(1);
    const error = results[0] as PlaybackGrantRequestError;
    expect(error).toBeInstanceOf(PlaybackGrantRequestError);
    expect(error.code).toBe('ERR_GRANT_UNREACHABLE');
    expect(error.message).toContain('socket hang up');
    expect(c.peek()).toBeUndefined();

    const retry = c.get();
    await Promise.resolve();
    expect(source.pending).toHaveLength(2);
    source.pending[1]!.resolve(await grantResponse());
    expect((await retry).playerStreamerSid).toBe(STREAMER_SID);
    expect(c.requestCount).toBe(2);
  });

  test('a typed source error reaches waiters unchanged; a source that throws synchronously does not poison the cache', async () => {
    const clock = fakeClock();
    const refused = PlaybackGrantRequestError.fromRest(404, { code: 20404, message: 'not found' });
    let calls = 0;
    const c = cache({
      clock: clock.now,
      source: () => {
        calls += 1;
        if (calls === 1) throw refused;
        return grantResponse();
      },
    });
    await expect(c.get()).rejects.toBe(refused);
    expect(refused).toMatchObject({ code: 'ERR_GRANT_REFUSED', status: 404, twilioCode: 20404 });
    await expect(c.get()).resolves.toMatchObject({ playerStreamerSid: STREAMER_SID });
    expect(calls).toBe(2);
  });

  test('a failed refresh near expiry keeps the old grant cached and is retried by the next call', async () => {
    const clock = fakeClock();
    let fail = false;
    let calls = 0;
    const c = cache({
      clock: clock.now,
      source: async () => {
        calls += 1;
        if (fail) throw PlaybackGrantRequestError.fromRest(503, { code: 20503, message: 'busy' });
        return grantResponse({ now: clock.now() });
      },
    });
    const first = await c.getEntry();
    clock.advance(56_000);
    fail = true;
    await expect(c.get()).rejects.toMatchObject({ code: 'ERR_GRANT_REFUSED', twilioCode: 20503 });
    expect(c.peek()).toBe(first);
    fail = false;
    clock.advance(500);
    const second = await c.getEntry();
    expect(second).not.toBe(first);
    expect(second.fetchedAt).toBe(START + 56_500);
    expect(calls).toBe(3);
  });

  test('stale-while-revalidate: inside the margin callers keep the old grant while one refresh runs', async () => {
    const clock = fakeClock();
    const source = manualSource();
    const c = cache({ source, clock: clock.now, refreshMargin: 10, minRemaining: 2 });
    const firstCall = c.getEntry();
    await Promise.resolve();
    source.pending[0]!.resolve(await grantResponse());
    const first = await firstCall;

    clock.advance(51_000); // 9 s left: refresh in the background, serve the old grant
    const during = await Promise.all(Array.from({ length: 100 }, () => c.getEntry()));
    expect(during.every((e) => e === first)).toBe(true);
    expect(source.pending).toHaveLength(2);

    clock.advance(7_500); // 1.5 s left: below minRemaining, callers wait for the refresh
    let waited: unknown;
    const late = c.getEntry().then((e) => (waited = e));
    await Promise.resolve();
    expect(waited).toBeUndefined();
    expect(source.pending).toHaveLength(2);
    source.pending[1]!.resolve(await grantResponse());
    const second = await late;
    expect(second).not.toBe(first);
    expect(c.requestCount).toBe(2);
  });

  test('without stale-while-revalidate (default) callers inside the margin wait for the fresh grant', async () => {
    const clock = fakeClock();
    const source = countingSource(clock.now);
    const c = cache({ source, clock: clock.now });
    const first = await c.getEntry();
    clock.advance(55_000);
    const second = await c.getEntry();
    expect(second).not.toBe(first);
    expect(second.fetchedAt).toBe(START + 55_000);
    clock.advance(54_999);
    expect(await c.getEntry()).toBe(second);
    expect(source.calls).toBe(2);
  });

  test('viewer tokens live as long as the grant plus the skew allowance, or the ttl asked for', async () => {
    const clock = fakeClock();
    const c = cache({ source: countingSource(clock.now), clock: clock.now });
    await c.get();
    clock.advance(20_300);
    const token = await c.mintViewerToken({ identity: 'alice' });
    const { claims } = decodeAccessToken(token);
    expect(claims['iat']).toBe(Math.floor(clock.now() / 1000));
    expect((claims['exp'] as number) - (claims['iat'] as number)).toBe(40 + 60);
    expect(claims.grants).toMatchObject({ identity: 'alice', player: { playerStreamerSid: STREAMER_SID } });
    const short = decodeAccessToken(await c.mintViewerToken({ identity: 'bob', ttl: 30 })).claims;
    expect((short['exp'] as number) - (short['iat'] as number)).toBe(30);
  });

  test('clear() drops the grant: the next call fetches a new one', async () => {
    const clock = fakeClock();
    const source = countingSource(clock.now);
    const c = cache({ source, clock: clock.now });
    await c.get();
    c.clear();
    expect(c.peek()).toBeUndefined();
    await c.get();
    expect(source.calls).toBe(2);
  });

  test.each([
    ['no grant object', async () => ({ nope: true })],
    ['a playbackUrl without token', async () => ({ grant: { playbackUrl: `${ISSUER}/x`, playerStreamerSid: STREAMER_SID } })],
    ['a relative playbackUrl', async () => ({ grant: { playbackUrl: '/x?token=a.b.c', playerStreamerSid: STREAMER_SID } })],
    ['a token that is not a JWT', async () => ({ grant: { playbackUrl: `${ISSUER}/x?token=abc`, playerStreamerSid: STREAMER_SID } })],
    ['a grant for another streamer', () => grantResponse({ streamerSid: OTHER_SID })],
    ['a playerStreamerSid that differs from the JWT', () => grantResponse({ playerStreamerSid: OTHER_SID })],
  ])('refuses %s with ERR_GRANT_INVALID and keeps no grant', async (_name, source) => {
    const c = cache({ source: source as PlaybackGrantCacheOptions['source'], streamerSid: STREAMER_SID });
    const error = await c.get().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenError);
    expect(error).toMatchObject({ code: 'ERR_GRANT_INVALID', twilioCode: 20101 });
    expect((error as Error).message).not.toContain('eyJ');
    expect(c.peek()).toBeUndefined();
  });

  test('refuses a grant that lives no longer than the refresh margin', async () => {
    const c = cache({ source: () => grantResponse({ ttl: 5 }) });
    await expect(c.get()).rejects.toMatchObject({ code: 'ERR_TOKEN_OPTIONS', message: expect.stringContaining('refreshMargin') });
  });

  test.each([
    ['no source', { source: undefined }],
    ['a negative refreshMargin', { refreshMargin: -1 }],
    ['minRemaining above refreshMargin', { refreshMargin: 5, minRemaining: 6 }],
    ['a clock that is not a function', { clock: 5 }],
    ['an empty streamerSid', { streamerSid: '' }],
  ])('constructor refuses %s with ERR_TOKEN_OPTIONS', (_name, opts) => {
    const build = () => new PlaybackGrantCache({ source: () => grantResponse(), ...(opts as object) } as PlaybackGrantCacheOptions);
    expect(build).toThrow(TokenError);
    expect(build).toThrow(expect.objectContaining({ code: 'ERR_TOKEN_OPTIONS' }));
  });

  test('mintViewerToken needs credentials and an identity', async () => {
    const bare = new PlaybackGrantCache({ source: () => grantResponse() });
    await expect(bare.mintViewerToken({ identity: 'a' })).rejects.toMatchObject({ code: 'ERR_TOKEN_OPTIONS' });
    const c = cache({ source: () => grantResponse() });
    await expect(c.mintViewerToken({ identity: '' })).rejects.toMatchObject({ code: 'ERR_TOKEN_OPTIONS' });
  });
});
