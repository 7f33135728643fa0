import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, test } from 'vitest';
import { TokenError } from './errors.js';
import { PlaybackGrantCache } from './playback-grant-cache.js';
import { PlaybackGrantRequestError } from './playback-grant-cache-errors.js';
import { fetchPlaybackGrantSource, type FetchLike, type FetchPlaybackGrantSourceOptions } from './playback-grant-cache-fetch.js';
import { PlaybackGrantCacheMap } from './playback-grant-cache-map.js';
import { twilioPlaybackGrantSource, type TwilioPlaybackGrantClient } from './playback-grant-cache-twilio.js';
import { signPlaybackGrantJwt } from './sign-playback-grant-jwt.js';
import { generateSigningKey } from './signing-key.js';

const STREAMER_SID = `VJ${'1'.repeat(32)}`;
const ACCOUNT_SID = `AC${'2'.repeat(32)}`;
const API_KEY_SID = `SK${'3'.repeat(32)}`;
const API_SECRET = 'app-secret-ü-0123456789';
const BASE = 'https://onair.example/';

const key = await generateSigningKey();
const jwt = await signPlaybackGrantJwt({
  key,
  streamerSid: STREAMER_SID,
  accountSid: ACCOUNT_SID,
  issuer: 'https://onair.example',
  ttl: 60,
  allowedOrigins: ['*'],
});
const grantBody = {
  sid: STREAMER_SID,
  grant: { playbackUrl: `https://onair.example/playback/${STREAMER_SID}?token=${jwt}`, playerStreamerSid: STREAMER_SID, requestCredentials: null },
};

interface Call {
  url: string;
  init: Parameters<FetchLike>[1];
}

/** A fetch that records its calls and answers with `status` and `body`. */
function recordingFetch(status: number, body: string) {
  const calls: Call[] = [];
  const fetch: FetchLike = async (url, init) => {
    calls.push({ url, init });
    return { ok: status >= 200 && status < 300, status, text: async () => body };
  };
  return { fetch, calls };
}

const source = (fetch: FetchLike, opts: Partial<FetchPlaybackGrantSourceOptions> = {}) =>
  fetchPlaybackGrantSource({ baseUrl: BASE, streamerSid: STREAMER_SID, apiKeySid: API_KEY_SID, apiSecret: API_SECRET, fetch, ...opts });

describe('fetchPlaybackGrantSource', () => {
  test('POSTs Ttl=60 form-encoded with Basic auth to /v1/PlayerStreamers/{Sid}/PlaybackGrant', async () => {
    const { fetch, calls } = recordingFetch(201, JSON.stringify(grantBody));
    await expect(source(fetch)()).resolves.toStrictEqual(grantBody);
    expect(calls).toHaveLength(1);
    const { url, init } = calls[0]!;
    expect(url).toBe(`https://onair.example/v1/PlayerStreamers/${STREAMER_SID}/PlaybackGrant`);
    expect(init.method).toBe('POST');
    expect(init.body).toBe('Ttl=60');
    expect(init.headers['content-type']).toBe('application/x-www-form-urlencoded');
    const basic = init.headers['authorization']!.replace(/^Basic /, '');
    expect(Buffer.from(basic, 'base64').toString('utf8')).toBe(`${API_KEY_SID}:${API_SECRET}`);
    expect(init.signal).toBeInstanceOf(AbortSignal);
  });

  test('sends AccessControlAllowOrigin and the account credentials when asked to', async () => {
    const { fetch, calls } = recordingFetch(201, JSON.stringify(grantBody));
    await source(fetch, {
      apiKeySid: undefined,
      apiSecret: undefined,
      accountSid: ACCOUNT_SID,
      authToken: 'token-0123456789abcdef',
      ttl: 30,
      accessControlAllowOrigin: ['https://a.example', 'https://b.example'],
    })();
    const { init } = calls[0]!;
    expect(new URLSearchParams(init.body).getAll('AccessControlAllowOrigin')).toStrictEqual(['https://a.example,https://b.example']);
    expect(new URLSearchParams(init.body).get('Ttl')).toBe('30');
    const basic = init.headers['authorization']!.replace(/^Basic /, '');
    expect(Buffer.from(basic, 'base64').toString('utf8')).toBe(`${ACCOUNT_SID}:token-0123456789abcdef`);
  });

  test('a Twilio error answer becomes ERR_GRANT_REFUSED with the Twilio code', async () => {
    const body = { code: 20404, message: 'The requested resource was not found', more_info: 'https://www.twilio.com/docs/errors/20404', status: 404 };
    const { fetch } = recordingFetch(404, JSON.stringify(body));
    const error = await source(fetch)().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PlaybackGrantRequestError);
    expect(error).toMatchObject({
      code: 'ERR_GRANT_REFUSED',
      status: 404,
      twilioCode: 20404,
      moreInfo: 'https://www.twilio.com/docs/errors/20404',
    });
    expect((error as Error).message).toContain('The requested resource was not found');
  });

  test('an error answer that is not JSON is still refused with its status', async () => {
    const { fetch } = recordingFetch(502, '<html>bad gateway</html>');
    await expect(source(fetch)()).rejects.toMatchObject({ code: 'ERR_GRANT_REFUSED', status: 502, twilioCode: undefined });
  });

  test('a 2xx answer that is not JSON is an invalid grant', async () => {
    const { fetch } = recordingFetch(201, 'ok');
    await expect(source(fetch)()).rejects.toMatchObject({ code: 'ERR_GRANT_INVALID' });
  });

  test('a server that cannot be reached gives ERR_GRANT_UNREACHABLE (real fetch, closed port)', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const unreachable = fetchPlaybackGrantSource({
      baseUrl: `http://127.0.0.1:${port}`,
      streamerSid: STREAMER_SID,
      apiKeySid: API_KEY_SID,
      apiSecret: API_SECRET,
    });
    await expect(unreachable()).rejects.toMatchObject({ name: 'PlaybackGrantRequestError', code: 'ERR_GRANT_UNREACHABLE' });
  });

  test('a request that hangs times out with ERR_GRANT_UNREACHABLE (real fetch)', async () => {
    const server = createServer(() => undefined); // never answers
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const hanging = fetchPlaybackGrantSource({
        baseUrl: `http://127.0.0.1:${port}`,
        streamerSid: STREAMER_SID,
        apiKeySid: API_KEY_SID,
        apiSecret: API_SECRET,
        timeoutMs: 200,
      });
      const error = await hanging().catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'ERR_GRANT_UNREACHABLE', message: expect.stringContaining('timed out after 200 ms') });
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  test.each([
    ['no credentials', { apiKeySid: undefined, apiSecret: undefined }],
    ['an API key without secret', { apiSecret: '' }],
    ['a relative baseUrl', { baseUrl: '/v1' }],
    ['a non-http baseUrl', { baseUrl: 'ftp://onair.example' }],
    ['an empty streamerSid', { streamerSid: '' }],
    ['a ttl over 60', { ttl: 61 }],
    ['a fractional ttl', { ttl: 1.5 }],
    ['a zero timeout', { timeoutMs: 0 }],
  ])('refuses %s with ERR_TOKEN_OPTIONS', (_name, opts) => {
    const build = () => source(recordingFetch(201, '{}').fetch, opts as Partial<FetchPlaybackGrantSourceOptions>);
    expect(build).toThrow(TokenError);
    expect(build).toThrow(expect.objectContaining({ code: 'ERR_TOKEN_OPTIONS' }));
  });

  test('behind a cache, 10,000 concurrent callers make one fetch', async () => {
    const { fetch, calls } = recordingFetch(201, JSON.stringify(grantBody));
    const cache = new PlaybackGrantCache({ source: source(fetch), streamerSid: STREAMER_SID });
    await Promise.all(Array.from({ length: 10_000 }, () => cache.get()));
    expect(calls).toHaveLength(1);
  });
});

/** A stand-in with the twilio client's shape; the real library is exercised in test/e2e/grant-cache.test.ts. */
function fakeTwilio(answer: () => Promise<{ grant: unknown }>) {
  const calls: { sid: string; params: unknown }[] = [];
  const client: TwilioPlaybackGrantClient = {
    media: {
      v1: {
        playerStreamer: (sid) => ({
          playbackGrant: () => ({
            create: (params) => {
              calls.push({ sid, params });
              return answer();
            },
          }),
        }),
      },
    },
  };
  return { client, calls };
}

describe('twilioPlaybackGrantSource', () => {
  test('calls playerStreamer(sid).playbackGrant().create({ttl: 60})', async () => {
    const { client, calls } = fakeTwilio(async () => grantBody);
    await expect(twilioPlaybackGrantSource(client, { streamerSid: STREAMER_SID })()).resolves.toBe(grantBody);
    expect(calls).toStrictEqual([{ sid: STREAMER_SID, params: { ttl: 60 } }]);
    await twilioPlaybackGrantSource(client, { streamerSid: STREAMER_SID, ttl: 20, accessControlAllowOrigin: ['https://a.example'] })();
    expect(calls[1]).toStrictEqual({ sid: STREAMER_SID, params: { ttl: 20, accessControlAllowOrigin: 'https://a.example' } });
  });

  test("the library's RestException becomes ERR_GRANT_REFUSED with its code", async () => {
    const restException = Object.assign(new Error('The requested resource was not found'), {
      status: 404,
      code: 20404,
      moreInfo: 'https://www.twilio.com/docs/errors/20404',
    });
    const { client } = fakeTwilio(async () => Promise.reject(restException));
    const error = await twilioPlaybackGrantSource(client, { streamerSid: STREAMER_SID })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PlaybackGrantRequestError);
    expect(error).toMatchObject({ code: 'ERR_GRANT_REFUSED', status: 404, twilioCode: 20404, moreInfo: 'https://www.twilio.com/docs/errors/20404' });
  });

  test('other failures become ERR_GRANT_UNREACHABLE', async () => {
    const { client } = fakeTwilio(async () => Promise.reject(new Error('getaddrinfo ENOTFOUND')));
    await expect(twilioPlaybackGrantSource(client, { streamerSid: STREAMER_SID })()).rejects.toMatchObject({
      code: 'ERR_GRANT_UNREACHABLE',
      message: expect.stringContaining('ENOTFOUND'),
    });
  });

  test.each([
    ['something that is not a twilio client', {}, { streamerSid: STREAMER_SID }],
    ['an empty streamerSid', fakeTwilio(async () => grantBody).client, { streamerSid: '' }],
    ['a ttl of 0', fakeTwilio(async () => grantBody).client, { streamerSid: STREAMER_SID, ttl: 0 }],
  ])('refuses %s with ERR_TOKEN_OPTIONS', (_name, client, opts) => {
    expect(() => twilioPlaybackGrantSource(client as TwilioPlaybackGrantClient, opts)).toThrow(
      expect.objectContaining({ code: 'ERR_TOKEN_OPTIONS' }),
    );
  });
});

describe('PlaybackGrantCacheMap', () => {
  const make = () => {
    const created: string[] = [];
    const map = new PlaybackGrantCacheMap({
      maxSize: 2,
      create: (sid) => {
        created.push(sid);
        return new PlaybackGrantCache({ source: async () => grantBody, streamerSid: sid });
      },
    });
    return { map, created };
  };

  test('keeps one cache per key', () => {
    const { map, created } = make();
    expect(map.for('VJa')).toBe(map.for('VJa'));
    expect(created).toStrictEqual(['VJa']);
  });

  test('drops the least recently used cache beyond maxSize', () => {
    const { map, created } = make();
    const a = map.for('VJa');
    map.for('VJb');
    map.for('VJa'); // a is now the most recent
    map.for('VJc'); // drops b
    expect(map.size).toBe(2);
    expect(map.has('VJb')).toBe(false);
    expect(map.for('VJa')).toBe(a);
    expect(created).toStrictEqual(['VJa', 'VJb', 'VJc']);
    expect(map.delete('VJa')).toBe(true);
    expect(map.has('VJa')).toBe(false);
  });

  test('refuses a bad maxSize', () => {
    expect(() => new PlaybackGrantCacheMap({ create: () => undefined as never, maxSize: 0 })).toThrow(
      expect.objectContaining({ code: 'ERR_TOKEN_OPTIONS' }),
    );
  });
});
