/**
 * The player SDK in real headless Chromium against a real `onair serve`:
 * - bad grants (expired, other streamer, forged signature, alg none, Ttl above 60) are
 *   refused by the player with 20101 before any request to /playback, through the IIFE API
 *   and through `/embed/player`;
 * - a live stream (two fake-camera speakers → MediaProcessor → HLS) plays through the ESM
 *   bundle, the IIFE bundle and `/embed/player`: idle → ready → playing, currentTime
 *   advancing, non-black frames decoded; every player reaches `ended` once the stream is
 *   stopped via REST;
 * - `<onair-player token>` from the IIFE bundle plays in its shadow root;
 * - the autoplay policy: with sound blocked the player starts muted and says so;
 * - with a test source (ffmpeg test pattern → packager, 1 s segments): after a pause and
 *   after a network stall (`buffering`, `rebuffering`) the player is back near the live
 *   edge; EXT-X-ENDLIST ends it.
 */
import Database from 'better-sqlite3';
import { SignJWT, base64url, importJWK, type JWK } from 'jose';
import { generateSigningKey } from '@onair/tokens';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { launchBrowser, newPage, pageLog, type Browser, type LoggedPage } from './support/browser.js';
import { videoStats, waitForPlayingVideos } from './support/media.js';
import { api, eventually, startServer, type RunningServer } from './support/server.js';
import { videoToken } from './support/signaling.js';
import { openSpeaker, waitForState } from './support/speakers.js';
import { createStreamer as createStreamerOver, playbackGrant as grantOver, viewerToken as tokenFor, type Grant } from './support/playback.js';
import { startTestStream, type TestStream } from './support/test-stream.js';
import { twilioClient } from './support/twilio-client.js';

let server: RunningServer;
let browser: Browser;
const pages: LoggedPage[] = [];

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const createStreamer = () => createStreamerOver(server);
const playbackGrant = (streamerSid: string, params: Record<string, string> = {}) => grantOver(server, streamerSid, params);
const viewerToken = (grant: Grant) => tokenFor(server, grant);

const grantJwtOf = (grant: Grant) => new URL(grant.playbackUrl).searchParams.get('token')!;
const claimsOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
const headerOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[0]!, 'base64url').toString()) as Record<string, unknown>;

function withGrantJwt(grant: Grant, jwt: string): Grant {
  const url = new URL(grant.playbackUrl);
  url.searchParams.set('token', jwt);
  return { ...grant, playbackUrl: url.href };
}

/** The server's own signing key, read from its data dir (to sign what it never would). */
function serverPrivateKey(): JWK {
  const db = new Database(`${server.dataDir}/onair.sqlite`, { readonly: true, fileMustExist: true });
  try {
    const row = db.prepare('SELECT private_jwk FROM signing_keys ORDER BY created_at DESC LIMIT 1').get() as { private_jwk: string };
    return JSON.parse(row.private_jwk) as JWK;
  } finally {
    db.close();
  }
}

/** Opens a page that records every request to /playback in `page.playback`. */
async function openPage(): Promise<LoggedPage & { playback: string[] }> {
  const page = (await newPage(browser)) as LoggedPage & { playback: string[] };
  const playback: string[] = [];
  Object.defineProperty(page, 'playback', { value: playback });
  page.on('request', (req) => {
    if (new URL(req.url()).pathname.startsWith('/playback')) playback.push(`${req.method()} ${new URL(req.url()).pathname}`);
  });
  pages.push(page);
  return page;
}

/**
 * Runs in a blank page on the server's origin: loads the SDK (`esm`: `/sdk/player.mjs`,
 * `iife`: `/sdk/player.js`), connects, records `stateChanged` in `window.__states` and
 * errors in `window.__errors`, shows the video and calls play().
 */
const CONNECT = String.raw`async (token, bundle) => {
  window.__states = [];
  window.__errors = [];
  let Player;
  if (bundle === 'esm') {
    ({ Player } = await import('/sdk/player.mjs'));
  } else {
    await new Promise((resolve, reject) => {
      const s = document.createElement('script');
      s.src = '/sdk/player.js';
      s.onload = resolve;
      s.onerror = () => reject(new Error('could not load /sdk/player.js'));
      document.head.append(s);
    });
    Player = window.Onair.Player;
  }
  try {
    const player = await Player.connect(token);
    window.player = player;
    window.__states.push(player.state);
    player.on('stateChanged', (s) => window.__states.push(s));
    player.on('error', (e) => window.__errors.push({ code: e.code, message: e.message }));
    player.videoElement.style.width = '640px';
    document.body.append(player.videoElement);
    await player.play();
    return { ok: true };
  } catch (e) {
    return { ok: false, name: e && e.name, code: e && e.code, message: e && e.message };
  }
}`;

async function connectInPage(page: LoggedPage, token: string, bundle: 'esm' | 'iife') {
  await page.goto(`${server.url}/healthz`);
  return (await page.evaluate(`(${CONNECT})(${JSON.stringify(token)}, ${JSON.stringify(bundle)})`)) as {
    ok: boolean;
    name?: string;
    code?: number;
    message?: string;
  };
}

async function waitForBodyState(page: LoggedPage, state: string, timeoutMs: number): Promise<void> {
  try {
    await page.waitForSelector(`body[data-state="${state}"]`, { timeout: timeoutMs });
  } catch (err) {
    const seen = await page.evaluate('JSON.stringify(document.body.dataset)');
    throw new Error(`never reached data-state=${state} (${seen}): ${(err as Error).message}\n${pageLog(page)}`);
  }
}

describe('bad grants are refused by the player before any playback request', () => {
  let streamerA: string;
  let streamerB: string;
  const cases: [string, () => Promise<Grant>, RegExp][] = [
    [
      'expired',
      async () => {
        const grant = await playbackGrant(streamerA, { Ttl: '1' });
        await new Promise((r) => setTimeout(r, 3_500)); // exp + 1 s tolerance + the Date header's second
        return grant;
      },
      /expired/,
    ],
    ['for another streamer', async () => ({ ...(await playbackGrant(streamerA)), playerStreamerSid: streamerB }), /different PlayerStreamer/],
    [
      'with a forged signature',
      async () => {
        const grant = await playbackGrant(streamerA);
        const jwt = grantJwtOf(grant);
        const forger = await generateSigningKey();
        const forged = await new SignJWT(claimsOf(jwt))
          .setProtectedHeader({ alg: 'ES256', typ: 'JWT', kid: headerOf(jwt)['kid'] as string })
          .sign(await importJWK(forger.privateJwk, 'ES256'));
        return withGrantJwt(grant, forged);
      },
      /signature is invalid/,
    ],
    [
      'with alg none',
      async () => {
        const grant = await playbackGrant(streamerA);
        const jwt = grantJwtOf(grant);
        const header = base64url.encode(JSON.stringify({ alg: 'none', typ: 'JWT', kid: headerOf(jwt)['kid'] }));
        return withGrantJwt(grant, `${header}.${jwt.split('.')[1]}.`);
      },
      /ES256/,
    ],
    [
      'with a Ttl above 60 (signed with the server key)',
      async () => {
        const grant = await playbackGrant(streamerA);
        const jwt = grantJwtOf(grant);
        const now = Math.floor(Date.now() / 1000);
        const key = serverPrivateKey();
        const long = await new SignJWT({ ...claimsOf(jwt), iat: now, exp: now + 120 })
          .setProtectedHeader({ alg: 'ES256', typ: 'JWT', kid: key.kid! })
          .sign(await importJWK(key, 'ES256'));
        return withGrantJwt(grant, long);
      },
      /lifetime of 120 s exceeds the maximum of 60 s/,
    ],
  ];

  beforeAll(async () => {
    [streamerA, streamerB] = await Promise.all([createStreamer(), createStreamer()]);
  });

  test.each(cases)('a grant %s: Player.connect rejects with 20101', async (_name, makeGrant, message) => {
    const token = viewerToken(await makeGrant());
    const page = await openPage();
    const result = await connectInPage(page, token, 'iife');
    expect(result, pageLog(page)).toMatchObject({ ok: false, name: 'PlayerError', code: 20101 });
    expect(result.message).toMatch(message);
    expect(result.message).not.toContain(token.split('.')[2]);
    expect(page.playback).toStrictEqual([]);
    await page.close();
  });

  test.each(cases)('a grant %s: /embed/player shows error 20101', async (_name, makeGrant) => {
    const token = viewerToken(await makeGrant());
    const page = await openPage();
    await page.goto(`${server.url}/embed/player?token=${encodeURIComponent(token)}`);
    await waitForBodyState(page, 'error', 15_000);
    expect(await page.evaluate('document.body.dataset.errorCode')).toBe('20101');
    expect(page.playback).toStrictEqual([]);
    await page.close();
  });

  test('an origin-restricted grant: framed only by its origins, refused at top level', async () => {
    const grant = await playbackGrant(streamerA, { AccessControlAllowOrigin: 'https://app.example,https://b.example' });
    const page = await openPage();
    const res = await page.goto(`${server.url}/embed/player?token=${encodeURIComponent(viewerToken(grant))}`);
    expect(res!.headers()['content-security-policy']).toContain('; frame-ancestors https://app.example https://b.example');
    expect(res!.headers()['referrer-policy']).toBe('no-referrer');
    await waitForBodyState(page, 'error', 15_000);
    expect(await page.evaluate('document.body.dataset.errorCode')).toBe('20403');
    expect(page.playback).toStrictEqual([]);
    await page.close();
  });

  test('the bundles are served, the IIFE within 150 KB gzipped', async () => {
    for (const path of ['/sdk/player.js', '/sdk/player.mjs']) {
      const res = await fetch(`${server.url}${path}`, { headers: { 'accept-encoding': 'identity' } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/javascript/);
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
      expect((await res.text()).length).toBeGreaterThan(100_000);
    }
    const jwks = await fetch(`${server.url}/.well-known/jwks.json`);
    expect(jwks.headers.get('access-control-expose-headers')).toMatch(/date/i);
  });
});

describe('a live stream plays, then ends', () => {
  const speakers: LoggedPage[] = [];
  let processorSid: string;
  let streamerSid: string;
  const viewers: { name: string; page: LoggedPage & { playback: string[] } }[] = [];

  beforeAll(async () => {
    for (const who of ['ada', 'grace']) speakers.push(await openSpeaker(browser, server.url, videoToken(server, who, 'player-show')));
    await Promise.all(speakers.map((p) => waitForState(p, 'connected')));
    const client = twilioClient(server);
    const streamer = await client.media.v1.playerStreamer.create();
    streamerSid = streamer.sid;
    const processor = await client.media.v1.mediaProcessor.create({
      extension: 'video-composer-v1',
      extensionContext: JSON.stringify({ room: { name: 'player-show' }, outputs: [streamer.sid], resolution: '640x360' }),
    });
    processorSid = processor.sid;
  }, 90_000);

  afterAll(async () => {
    if (processorSid) await api(server, 'POST', `/v1/MediaProcessors/${processorSid}`, { Status: 'ended' });
    await Promise.all([...speakers, ...viewers.map((v) => v.page)].map((p) => p.close().catch(() => undefined)));
  });

  test.each(['esm', 'iife'] as const)('through the %s bundle: idle → ready → playing, frames decode', async (bundle) => {
    const page = await openPage();
    viewers.push({ name: bundle, page });
    const result = await connectInPage(page, viewerToken(await playbackGrant(streamerSid)), bundle);
    expect(result, pageLog(page)).toStrictEqual({ ok: true });
    await eventually(async () => ((await page.evaluate('window.__states')) as string[]).includes('playing'), 60_000, 250).catch(
      async (err: Error) => {
        throw new Error(`${err.message}: ${JSON.stringify(await page.evaluate('[window.__states, window.__errors]'))}\n${pageLog(page)}`);
      },
    );
    // (a stall right after the start may follow; the start itself is exactly this)
    expect(((await page.evaluate('window.__states')) as string[]).slice(0, 3)).toStrictEqual(['idle', 'ready', 'playing']);
    const [playing] = await waitForPlayingVideos(page, 'video', 1, 20_000);
    expect(playing!.nonBlack).toBe(true);
    const before = playing!.currentTime;
    await new Promise((r) => setTimeout(r, 1_500));
    const [later] = await videoStats(page);
    expect(later!.currentTime).toBeGreaterThan(before + 0.5);
    const info = (await page.evaluate(
      '({ stats: window.player.stats, latency: window.player.liveLatency, muted: window.player.isMuted, errors: window.__errors })',
    )) as { stats: { framesDecoded: number; bitrate: number | null }; latency: number | null; muted: boolean; errors: unknown[] };
    expect(info.stats.framesDecoded).toBeGreaterThan(0);
    expect(info.latency).toBeGreaterThan(0);
    expect(info.errors).toStrictEqual([]);
    expect(page.playback[0]).toBe(`POST /playback/${streamerSid}`);
  }, 120_000);

  test('through /embed/player: body data-state goes to playing', async () => {
    const page = await openPage();
    viewers.push({ name: 'embed', page });
    const token = viewerToken(await playbackGrant(streamerSid));
    const res = await page.goto(`${server.url}/embed/player?token=${encodeURIComponent(token)}`);
    expect(res!.headers()['content-security-policy']).toMatch(/; frame-ancestors \*$/);
    await waitForBodyState(page, 'playing', 60_000);
    const [playing] = await waitForPlayingVideos(page, 'video', 1, 20_000);
    expect(playing!.nonBlack).toBe(true);
  }, 90_000);

  test('<onair-player token> (IIFE) plays in its open shadow root', async () => {
    const page = await openPage();
    viewers.push({ name: 'element', page });
    await page.goto(`${server.url}/healthz`);
    await page.addScriptTag({ url: '/sdk/player.js' });
    const token = viewerToken(await playbackGrant(streamerSid));
    await page.evaluate(`(() => {
      const el = document.createElement('onair-player');
      el.setAttribute('token', ${JSON.stringify(token)});
      el.style.width = '640px';
      document.body.append(el);
    })()`);
    await page.waitForSelector('onair-player[data-state="playing"]', { timeout: 60_000 }).catch(async (err: Error) => {
      throw new Error(`${err.message}: ${await page.$eval('onair-player', (el) => JSON.stringify((el as HTMLElement).dataset))}\n${pageLog(page)}`);
    });
    const [playing] = await waitForPlayingVideos(page, 'video', 1, 20_000);
    expect(playing!.nonBlack).toBe(true);
    await page.evaluate(`window.player = document.querySelector('onair-player').player`);
  }, 90_000);

  test('with sound blocked by the autoplay policy it starts muted and offers to unmute', async () => {
    const strict = await launchBrowser({ fakeMedia: false, extraArgs: ['--autoplay-policy=user-gesture-required'] });
    try {
      const page = await newPage(strict);
      // puppeteer's evaluate, waitForSelector and exposeFunction act as user gestures, which
      // lift the policy: the page is read over CDP without one
      const cdp = await page.createCDPSession();
      const read = async (expression: string) =>
        (await cdp.send('Runtime.evaluate', { expression, userGesture: false, returnByValue: true })).result.value as unknown;
      await page.goto(`${server.url}/embed/player?token=${encodeURIComponent(viewerToken(await playbackGrant(streamerSid)))}`);
      await eventually(async () => ['playing', 'error'].includes((await read('document.body.dataset.state')) as string), 60_000, 250);
      expect(await read('document.body.dataset.state'), pageLog(page)).toBe('playing');
      expect(await read('navigator.userActivation.hasBeenActive')).toBe(false);
      const state = () =>
        read(
          '({ muted: window.onairPlayer.isMuted, byPolicy: window.onairPlayer.mutedByAutoplayPolicy, button: !document.getElementById("unmute").hidden })',
        );
      expect(await state()).toStrictEqual({ muted: true, byPolicy: true, button: true });
      await page.click('#unmute'); // a user gesture: sound is allowed now
      // the player unmutes at once; the page hides its button on the element's volumechange event, which follows
      await eventually(async () => {
        const s = (await state()) as { muted: boolean; button: boolean };
        return !s.muted && !s.button;
      }, 5_000);
      expect(await state()).toStrictEqual({ muted: false, byPolicy: false, button: false });
      // unmuting keeps it playing (with a 0.7 s low latency buffer on a busy machine it may pass through a short `buffering`)
      await eventually(async () => (await page.evaluate('document.body.dataset.state')) === 'playing', 10_000, 250);
      expect(await page.evaluate('document.body.dataset.state')).toBe('playing');
    } finally {
      await strict.close();
    }
  }, 90_000);

  test('with sound allowed it plays unmuted', async () => {
    const embed = viewers.find((v) => v.name === 'embed')!;
    expect(await embed.page.evaluate('[window.onairPlayer.isMuted, window.onairPlayer.mutedByAutoplayPolicy]')).toStrictEqual([false, false]);
  });

  test('every player reaches ended after the stream is stopped via REST', async () => {
    expect(viewers.length).toBeGreaterThan(0);
    const stopped = await api(server, 'POST', `/v1/MediaProcessors/${processorSid}`, { Status: 'ended' });
    expect(stopped.status).toBe(200);
    for (const { name, page } of viewers) {
      await eventually(async () => {
        const state = await page.evaluate('window.onairPlayer ? window.onairPlayer.state : window.player && window.player.state');
        return state === 'ended';
      }, 60_000, 500).catch(async (err: Error) => {
        throw new Error(`${name}: ${err.message}: ${JSON.stringify(await page.evaluate('[window.__states, window.__errors, document.body.dataset]'))}`);
      });
    }
    const embed = viewers.find((v) => v.name === 'embed');
    if (embed) expect(await embed.page.evaluate('document.body.dataset.state')).toBe('ended');
    const element = viewers.find((v) => v.name === 'element');
    if (element) expect(await element.page.$eval('onair-player', (el) => (el as HTMLElement).dataset['state'])).toBe('ended');
    for (const { page } of viewers.filter((v) => v.name === 'esm' || v.name === 'iife')) {
      expect(((await page.evaluate('window.__states')) as string[]).at(-1)).toBe('ended');
    }
  }, 120_000);
});

describe('live edge, stalls and EXT-X-ENDLIST (test source)', () => {
  let stream: TestStream;
  let streamerSid: string;
  let page: LoggedPage & { playback: string[] };
  const latency = async () => (await page.evaluate('window.player.liveLatency')) as number | null;
  const states = async () => (await page.evaluate('window.__states')) as string[];

  beforeAll(async () => {
    streamerSid = await createStreamer();
    stream = await startTestStream({ dataDir: server.dataDir, streamerSid, segmentSeconds: 1, windowSegments: 30 });
    await stream.waitForSegments(2);
  }, 60_000);

  afterAll(async () => {
    await stream?.stop();
    await page?.close().catch(() => undefined);
  });

  test('plays, and catches up with the live edge after a pause', async () => {
    page = await openPage();
    expect(await connectInPage(page, viewerToken(await playbackGrant(streamerSid)), 'iife')).toStrictEqual({ ok: true });
    await eventually(async () => (await states()).includes('playing'), 30_000, 250);
    await page.evaluate(`window.__rebuffering = 0; window.player.on('rebuffering', () => window.__rebuffering++)`);
    await page.evaluate('window.player.pause()');
    await new Promise((r) => setTimeout(r, 8_000));
    expect(await page.evaluate('window.player.state')).toBe('ready');
    const behind = (await latency())!;
    expect(behind).toBeGreaterThan(8);
    await page.evaluate('window.player.play()');
    // more than 3 s behind its target: it jumps back instead of playing the backlog (speeding
    // up, as hls.js does at 1.5x, would win back at most 1.5 s in these 3 s)
    await eventually(async () => ((await latency()) ?? Infinity) < behind - 4, 3_000, 200);
    expect(await page.evaluate('window.player.state')).toBe('playing');
    // the jump was a seek (the element waited for it), not a stall: no rebuffering event
    expect(await page.evaluate('window.__rebuffering')).toBe(0);
  }, 90_000);

  test('a network stall goes buffering (rebuffering event), then back to playing near the edge', async () => {
    const cdp = await page.createCDPSession();
    const network = (offline: boolean) =>
      cdp.send('Network.emulateNetworkConditions', { offline, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    await cdp.send('Network.enable');
    await network(true);
    try {
      await eventually(async () => (await page.evaluate('window.player.state')) === 'buffering', 20_000, 250);
    } finally {
      await new Promise((r) => setTimeout(r, 4_000)); // the live edge moves on meanwhile
      await network(false);
    }
    await eventually(async () => (await page.evaluate('window.player.state')) === 'playing', 30_000, 250).catch(
      async (err: Error) => {
        const seen = await page.evaluate(`JSON.stringify([window.__states, window.__errors, window.player.stats, window.player.liveLatency,
          window.player.position, [...Array(window.player.videoElement.buffered.length).keys()].map((i) => [window.player.videoElement.buffered.start(i), window.player.videoElement.buffered.end(i)])])`);
        throw new Error(`${err.message}: ${seen}\n${pageLog(page).slice(-1500)}`);
      },
    );
    expect(await page.evaluate('window.__rebuffering')).toBeGreaterThanOrEqual(1);
    const seq = await states();
    expect(seq.slice(seq.lastIndexOf('buffering') - 1)).toStrictEqual(['playing', 'buffering', 'playing']);
    await eventually(async () => ((await latency()) ?? Infinity) < 6, 15_000, 250);
    expect(await page.evaluate('window.__errors')).toStrictEqual([]);
  }, 90_000);

  test('EXT-X-ENDLIST appended on its own after the last segment: the player plays out and ends', async () => {
    // the player has seen the last segment listed live; the end arrives as a bare ENDLIST
    await stream.stop({ endlistAfterMs: 4_000 });
    await eventually(async () => (await states()).at(-1) === 'ended', 40_000, 250);
    expect(await page.evaluate('window.player.liveLatency')).toBe(null);
    expect(await page.evaluate('window.__errors')).toStrictEqual([]);
  }, 60_000);
});
