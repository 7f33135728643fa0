/**
 * The playback origin against a real `onair serve`: grants from the REST API (official
 * twilio library), viewer tokens from `twilio.jwt.AccessToken` + PlaybackGrant, HLS from
 * real ffmpeg through the real HlsPackager into the streamer's directory.
 *
 * Every refusal of issue 5's "done when" list is checked for its status, its JSON code and
 * that no playlist or segment bytes came back; then the happy path (session → playlist →
 * init + segment bytes, types, cache headers, CORS), the viewer metric, and on a second
 * server with short settings the idle lapse, the viewer limit (56008) and the retention sweep.
 */
import { existsSync, mkdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SignJWT, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { expectRefused, openSession, raw } from './support/playback-http.js';
import { api, eventually, newDataDir, startServer, type RunningServer } from './support/server.js';
import { startTestStream, type TestStream } from './support/test-stream.js';
import { twilio, twilioClient } from './support/twilio-client.js';

const ALLOWED = 'https://app.example.com';
const OTHER = 'https://evil.example.net';

type Client = ReturnType<typeof twilioClient>;
type Grant = { playbackUrl: string; playerStreamerSid: string; requestCredentials: unknown };

async function newStreamer(client: Client): Promise<string> {
  return (await client.media.v1.playerStreamer.create()).sid;
}

async function grantFor(client: Client, sid: string, params: { ttl?: number; accessControlAllowOrigin?: string } = {}): Promise<Grant> {
  const created = await client.media.v1.playerStreamer(sid).playbackGrant().create({ ttl: 60, ...params });
  return created.grant as Grant;
}

function viewerToken(server: RunningServer, grant: Grant, secret = server.creds.apiSecret): string {
  const { AccessToken } = twilio.jwt;
  const token = new AccessToken(server.creds.accountSid, server.creds.apiKeySid, secret, { identity: `viewer-${Math.random()}` });
  token.addGrant(new AccessToken.PlaybackGrant({ grant }));
  return token.toJwt();
}

const grantJwtOf = (grant: Grant) => new URL(grant.playbackUrl).searchParams.get('token')!;
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const partsOf = (jwt: string) => {
  const [h, p, s] = jwt.split('.');
  return { header: JSON.parse(Buffer.from(h!, 'base64url').toString()), payload: JSON.parse(Buffer.from(p!, 'base64url').toString()), sig: s! };
};
/** The same grant with another grant JWT inside (in the URL and in the token). */
function withGrantJwt(grant: Grant, jwt: string): Grant {
  const url = new URL(grant.playbackUrl);
  url.searchParams.set('token', jwt);
  return { ...grant, playbackUrl: url.toString() };
}

async function viewers(server: RunningServer, sid: string): Promise<number | undefined> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const m = new RegExp(`^onair_playback_viewers\\{streamer="${sid}"\\} (\\d+)`, 'm').exec(text);
  return m ? Number(m[1]) : undefined;
}

describe('playback origin (default settings)', () => {
  let server: RunningServer;
  let client: Client;
  let streamer: string;
  let stream: TestStream;
  let grant: Grant;
  /** a session that works, for the session and path checks */
  let playlistUrl: string;

  beforeAll(async () => {
    server = await startServer();
    client = twilioClient(server);
    streamer = await newStreamer(client);
    grant = await grantFor(client, streamer);
    const opened = await openSession(server, grant.playbackUrl, viewerToken(server, grant));
    expect(opened.status, opened.body.toString()).toBe(200);
    playlistUrl = opened.json.playlistUrl;
    // before the first segment the playlist answers 404 / 20404, and the player retries
    expectRefused(await raw('GET', playlistUrl), 404, 20404);
    stream = await startTestStream({ dataDir: server.dataDir, streamerSid: streamer });
    await stream.waitForSegments(2);
  });
  afterAll(async () => {
    await stream?.stop();
    expect(await server?.stop()).toBe(0);
  });

  test('happy path: session → playlist → init + segment, types, cache headers, CORS, viewer metric', async () => {
    const restricted = await grantFor(client, streamer, { accessControlAllowOrigin: `${ALLOWED}, https://other.example.org` });
    const preflight = await raw('OPTIONS', restricted.playbackUrl.replace(/^https?:\/\/[^/]+/, server.url), {
      origin: ALLOWED,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization',
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe(ALLOWED);
    expect(String(preflight.headers['access-control-allow-headers'])).toMatch(/authorization/i);
    expect(String(preflight.headers['access-control-allow-methods'])).toContain('POST');

    const opened = await openSession(server, restricted.playbackUrl, viewerToken(server, restricted), ALLOWED);
    expect(opened.status, opened.body.toString()).toBe(200);
    expect(opened.headers['access-control-allow-origin']).toBe(ALLOWED);
    expect(opened.headers['vary']).toMatch(/Origin/);
    expect(opened.headers['cache-control']).toBe('no-store');
    const session = opened.json;
    expect(session).toEqual({
      playlistUrl: expect.stringMatching(new RegExp(`^${server.url}/playback/${streamer}/s/[A-Za-z0-9_.-]{40,}/index\\.m3u8$`)),
      playerStreamerSid: streamer,
      status: 'created',
      idleTimeoutSeconds: 30,
      latencyMode: 'low',
    });

    const playlist = await raw('GET', session.playlistUrl, { origin: ALLOWED });
    expect(playlist.status).toBe(200);
    expect(playlist.headers['content-type']).toBe('application/vnd.apple.mpegurl');
    expect(playlist.headers['cache-control']).toBe('no-cache');
    expect(playlist.headers['access-control-allow-origin']).toBe(ALLOWED);
    expect(Number(playlist.headers['content-length'])).toBe(playlist.body.length);
    const text = playlist.body.toString();
    expect(text.startsWith('#EXTM3U')).toBe(true);
    const init = /#EXT-X-MAP:URI="([^"]+)"/.exec(text)?.[1];
    const segment = text.split('\n').find((l) => /^seg-\d+\.m4s$/.test(l));
    expect(init).toBe('init-0.mp4');
    expect(segment).toBeDefined();

    const base = session.playlistUrl.replace(/index\.m3u8$/, '');
    const initRes = await raw('GET', base + init, { origin: ALLOWED });
    expect(initRes.status).toBe(200);
    expect(initRes.headers['content-type']).toBe('video/mp4');
    expect(initRes.headers['cache-control']).toBe('max-age=31536000, immutable');
    expect(initRes.headers['access-control-allow-origin']).toBe(ALLOWED);
    expect(initRes.body.subarray(4, 8).toString('latin1')).toBe('ftyp');
    expect(Number(initRes.headers['content-length'])).toBe(statSync(join(stream.dir, init!)).size);

    const segRes = await raw('GET', base + segment, { origin: ALLOWED });
    expect(segRes.status).toBe(200);
    expect(segRes.headers['content-type']).toBe('video/mp4');
    expect(segRes.headers['cache-control']).toBe('max-age=31536000, immutable');
    expect(segRes.body.subarray(4, 8).toString('latin1')).toBe('moof');
    expect(segRes.body.length).toBe(Number(segRes.headers['content-length']));
    expect(segRes.body.length).toBe(statSync(join(stream.dir, segment!)).size);

    // HEAD: the headers, no body
    const head = await raw('HEAD', base + segment);
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    expect(Number(head.headers['content-length'])).toBe(segRes.body.length);

    // the session is bound to the origin that opened it
    expectRefused(await raw('GET', session.playlistUrl, { origin: OTHER }), 403, 20403);

    // an unrestricted grant: ACAO *
    const open = await raw('GET', playlistUrl, { origin: OTHER });
    expect(open.status).toBe(200);
    expect(open.headers['access-control-allow-origin']).toBe('*');

    // two sessions of this streamer are live (beforeAll's and this one)
    expect(await viewers(server, streamer)).toBe(2);
  });

  test("the session names the streamer's latency mode (LatencyMode=standard, set by raw HTTP)", async () => {
    const created = await api(server, 'POST', '/v1/PlayerStreamers', { LatencyMode: 'standard' });
    expect(created.status).toBe(201);
    const standardGrant = await grantFor(client, created.json.sid);
    const opened = await openSession(server, standardGrant.playbackUrl, viewerToken(server, standardGrant));
    expect(opened.status, opened.body.toString()).toBe(200);
    expect(opened.json).toMatchObject({ playerStreamerSid: created.json.sid, status: 'created', latencyMode: 'standard' });
    await client.media.v1.playerStreamer(created.json.sid).update({ status: 'ended' });
  });

  test('an expired grant (Ttl 1, 2.5 s later) is refused with 20101', async () => {
    const short = await grantFor(client, streamer, { ttl: 1 });
    const token = viewerToken(server, short);
    await new Promise((r) => setTimeout(r, 2_500)); // exp + the 1 s tolerance
    expectRefused(await openSession(server, short.playbackUrl, token), 401, 20101);
  });

  test('a grant for another streamer is refused with 20101', async () => {
    const other = await newStreamer(client);
    const otherGrant = await grantFor(client, other);
    // the other streamer's grant presented at this streamer's playback URL
    const url = `${server.url}/playback/${streamer}?token=${grantJwtOf(otherGrant)}`;
    expectRefused(await openSession(server, url, viewerToken(server, otherGrant)), 401, 20101);
    // this streamer's grant JWT, but the PlaybackGrant names another streamer
    const relabelled = { ...grant, playerStreamerSid: other };
    expectRefused(await openSession(server, grant.playbackUrl, viewerToken(server, relabelled)), 401, 20101);
  });

  test('forged grant signatures are refused with 20101', async () => {
    const jwt = grantJwtOf(grant);
    const { header, payload, sig } = partsOf(jwt);
    // 1. claims changed (another origin list), signature kept
    const tampered = `${b64(header)}.${b64({ ...payload, origins: [OTHER] })}.${sig}`;
    // 2. signed by an attacker's own P-256 key under the server's kid
    const { privateKey } = await generateKeyPair('ES256');
    const foreign = await new SignJWT(payload).setProtectedHeader({ alg: 'ES256', typ: 'JWT', kid: header.kid }).sign(privateKey);
    // 3. the signature of another grant
    const otherSig = partsOf(grantJwtOf(await grantFor(client, streamer))).sig;
    const swapped = `${jwt.split('.').slice(0, 2).join('.')}.${otherSig}`;
    for (const forged of [tampered, foreign, swapped]) {
      const g = withGrantJwt(grant, forged);
      expectRefused(await openSession(server, g.playbackUrl, viewerToken(server, g)), 401, 20101);
    }
  });

  test('an alg "none" grant is refused with 20101', async () => {
    const { header, payload } = partsOf(grantJwtOf(grant));
    for (const alg of ['none', 'HS256']) {
      const unsigned = `${b64({ ...header, alg })}.${b64(payload)}.`;
      const g = withGrantJwt(grant, unsigned);
      expectRefused(await openSession(server, g.playbackUrl, viewerToken(server, g)), 401, 20101);
    }
  });

  test('Ttl above 60: the REST API will not issue it (20001), and a forged long-lived grant fails (20101)', async () => {
    const err = await client.media.v1.playerStreamer(streamer).playbackGrant().create({ ttl: 61 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 400, code: 20001 });
    const { header, payload } = partsOf(grantJwtOf(grant));
    const now = Math.floor(Date.now() / 1000);
    const { privateKey } = await generateKeyPair('ES256');
    const long = await new SignJWT({ ...payload, iat: now, exp: now + 3600 })
      .setProtectedHeader({ alg: 'ES256', typ: 'JWT', kid: header.kid })
      .sign(privateKey);
    const resigned = `${b64({ ...header })}.${b64({ ...payload, iat: now, exp: now + 3600 })}.${partsOf(grantJwtOf(grant)).sig}`;
    for (const forged of [long, resigned]) {
      const g = withGrantJwt(grant, forged);
      expectRefused(await openSession(server, g.playbackUrl, viewerToken(server, g)), 401, 20101);
    }
  });

  test('a disallowed origin is refused with 20403 (also a request without Origin)', async () => {
    const restricted = await grantFor(client, streamer, { accessControlAllowOrigin: ALLOWED });
    const token = viewerToken(server, restricted);
    const refused = await openSession(server, restricted.playbackUrl, token, OTHER);
    expectRefused(refused, 403, 20403);
    expect(refused.headers['access-control-allow-origin']).toBe('*'); // the page can read why
    expectRefused(await openSession(server, restricted.playbackUrl, token), 403, 20403);
    expectRefused(await openSession(server, restricted.playbackUrl, token, 'null'), 403, 20403);
    // the server's own origin (/embed/player) may open it
    expect((await openSession(server, restricted.playbackUrl, token, server.url)).status).toBe(200);
  });

  test('access token problems: bad HS256 signature 20107, expired 20104, none 20101, no player grant 20106', async () => {
    expectRefused(await openSession(server, grant.playbackUrl, viewerToken(server, grant, 'x'.repeat(32))), 401, 20107);
    const now = Math.floor(Date.now() / 1000);
    const expired = await new SignJWT({
      jti: `${server.creds.apiKeySid}-${now - 7200}`,
      grants: { identity: 'late', player: grant },
    })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT', cty: 'twilio-fpa;v=1' })
      .setIssuer(server.creds.apiKeySid)
      .setSubject(server.creds.accountSid)
      .setIssuedAt(now - 7200)
      .setExpirationTime(now - 3600)
      .sign(new TextEncoder().encode(server.creds.apiSecret));
    expectRefused(await openSession(server, grant.playbackUrl, expired), 401, 20104);
    expectRefused(await openSession(server, grant.playbackUrl, undefined), 401, 20101);
    expectRefused(await openSession(server, grant.playbackUrl, 'not-a-jwt'), 401, 20101);
    const { AccessToken } = twilio.jwt;
    const videoOnly = new AccessToken(server.creds.accountSid, server.creds.apiKeySid, server.creds.apiSecret, { identity: 'v' });
    videoOnly.addGrant(new AccessToken.VideoGrant({ room: 'r' }));
    expectRefused(await openSession(server, grant.playbackUrl, videoOnly.toJwt()), 401, 20106);
  });

  test('guessed or tampered session URLs are refused with 20403', async () => {
    const m = /\/s\/([^/]+)\/index\.m3u8$/.exec(playlistUrl)!;
    const session = m[1]!;
    const [payload, mac] = session.split('.') as [string, string];
    const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const other = await newStreamer(client);
    const cases = [
      playlistUrl.replace(session, 'x'),
      playlistUrl.replace(session, Buffer.from(crypto.getRandomValues(new Uint8Array(48))).toString('base64url')),
      playlistUrl.replace(session, `${payload}.${flip(mac, 5)}`),
      playlistUrl.replace(session, `${flip(payload, 10)}.${mac}`),
      playlistUrl.replace(session, `${b64({ ...claims, s: other })}.${mac}`),
      playlistUrl.replace(streamer, other), // a genuine session of another streamer
      `${server.url}/playback/${streamer}/index.m3u8`, // no session at all
      `${server.url}/playback/${streamer}/s//index.m3u8`,
      grant.playbackUrl.replace(/^https?:\/\/[^/]+/, server.url), // the playback URL itself is no playlist
    ];
    for (const url of cases) expectRefused(await raw('GET', url), 403, 20403);
    expect((await raw('GET', playlistUrl)).status).toBe(200); // the genuine one still works
  });

  test('path traversal never leaves the streamer directory (20403)', async () => {
    writeFileSync(join(stream.dir, 'secret.txt'), 'not for viewers');
    const base = playlistUrl.replace(/index\.m3u8$/, '');
    const attempts = [
      `${base}../../../../credentials.json`,
      `${base}..%2F..%2F..%2F..%2Fcredentials.json`,
      `${base}%2e%2e%2f%2e%2e%2fonair.sqlite`,
      `${base}..%5c..%5conair.sqlite`,
      `${base}secret.txt`,
      `${base}seg-0.m4s%00.txt`,
      `${base}.index.m3u8.1.1.tmp`,
      `${base}seg-1.m4s/../../../credentials.json`,
      `${server.url}/playback/..%2F..%2Fcredentials.json/s/${playlistUrl.split('/s/')[1]}`,
    ];
    for (const url of attempts) {
      const res = await raw('GET', url);
      expectRefused(res, 403, 20403);
      expect(res.body.toString()).not.toMatch(/apiSecret|SQLite|not for viewers/);
    }
  });

  test('refusals are counted in metrics by code', async () => {
    const text = await (await fetch(`${server.url}/metrics`)).text();
    for (const code of ['20101', '20107', '20403', '20404']) {
      const m = new RegExp(`^onair_playback_refusals_total\\{code="${code}"\\} (\\d+)`, 'm').exec(text);
      expect(Number(m?.[1] ?? 0), code).toBeGreaterThan(0);
    }
  });

  test('sessions survive a server restart (same data dir): the session key is persisted', async () => {
    const before = server.url;
    expect(await server.stop()).toBe(0);
    server = await startServer({ dataDir: server.dataDir });
    const again = await raw('GET', playlistUrl.replace(before, server.url));
    expect(again.status).toBe(200);
    expect(again.body.toString()).toContain('#EXTM3U');
    playlistUrl = playlistUrl.replace(before, server.url);
  });
});

describe('playback origin (idle 2 s, max 2 viewers, retention 2 s)', () => {
  let server: RunningServer;
  let client: Client;

  /** left in the data dir before the server starts: the streamer of one is unknown, the other is no streamer dir */
  const orphan = `VJ${'0123456789abcdef'.repeat(2)}`;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = newDataDir();
    for (const name of [orphan, 'not-a-streamer']) {
      const dir = join(dataDir, 'streams', name);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'index.m3u8'), '#EXTM3U\n');
      const old = new Date(Date.now() - 3_600_000);
      utimesSync(dir, old, old);
    }
    server = await startServer({ dataDir, env: { ONAIR_PLAYBACK_IDLE_TIMEOUT: '2s', ONAIR_MAX_VIEWERS: '2', ONAIR_RETENTION: '2s' } });
    client = twilioClient(server);
  });
  afterAll(async () => {
    expect(await server?.stop()).toBe(0);
  });

  test('sessions lapse after the idle timeout; the viewer limit refuses a third viewer with 56008', async () => {
    const streamer = await newStreamer(client);
    const stream = await startTestStream({ dataDir: server.dataDir, streamerSid: streamer, seconds: 30 });
    try {
      await stream.waitForSegments(1);
      const grant = await grantFor(client, streamer);
      const a = await openSession(server, grant.playbackUrl, viewerToken(server, grant));
      const b = await openSession(server, grant.playbackUrl, viewerToken(server, grant));
      expect([a.status, b.status]).toEqual([200, 200]);
      expect(a.json.idleTimeoutSeconds).toBe(2);
      expect(await viewers(server, streamer)).toBe(2);
      expectRefused(await openSession(server, grant.playbackUrl, viewerToken(server, grant)), 403, 56008);

      // a keeps watching, b goes quiet
      for (let i = 0; i < 6; i++) {
        expect((await raw('GET', a.json.playlistUrl)).status).toBe(200);
        await new Promise((r) => setTimeout(r, 600));
      }
      expectRefused(await raw('GET', b.json.playlistUrl), 403, 20403);
      expect(await viewers(server, streamer)).toBe(1);
      // a place is free again
      expect((await openSession(server, grant.playbackUrl, viewerToken(server, grant))).status).toBe(200);
    } finally {
      await stream.stop();
    }
  });

  test('ended streams: the viewer gauge drops the streamer and its files go after the retention', async () => {
    const streamer = await newStreamer(client);
    const stream = await startTestStream({ dataDir: server.dataDir, streamerSid: streamer, seconds: 30 });
    await stream.waitForSegments(1);
    const grant = await grantFor(client, streamer);
    expect((await openSession(server, grant.playbackUrl, viewerToken(server, grant))).status).toBe(200);
    expect(await viewers(server, streamer)).toBe(1);
    await stream.stop();
    await client.media.v1.playerStreamer(streamer).update({ status: 'ended' });
    expect(await viewers(server, streamer)).toBeUndefined();
    expect(existsSync(stream.dir)).toBe(true); // kept for the retention first
    await eventually(async () => !existsSync(stream.dir), 10_000, 200);
    // an active streamer's files are never swept
    const live = await newStreamer(client);
    const liveStream = await startTestStream({ dataDir: server.dataDir, streamerSid: live, seconds: 8 });
    await liveStream.waitForSegments(1);
    await new Promise((r) => setTimeout(r, 3_500));
    expect(existsSync(liveStream.dir)).toBe(true);
    await liveStream.stop();
  });

  test('the sweep at start removed old files of unknown streamers, and nothing that is not a streamer directory', () => {
    expect(existsSync(join(dataDir, 'streams', orphan))).toBe(false);
    expect(existsSync(join(dataDir, 'streams', 'not-a-streamer', 'index.m3u8'))).toBe(true);
  });

  test('a bad ONAIR_RETENTION stops the server at start with a clear error', async () => {
    await expect(startServer({ env: { ONAIR_RETENTION: 'soon' } })).rejects.toThrow(/ONAIR_RETENTION must be a duration/);
  });
});
