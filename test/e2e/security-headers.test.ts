/**
 * Response headers of a real `onair serve` (issue 14, point 9):
 * - a Content-Security-Policy on every HTML page (/demo/, /demo/speaker, /demo/watch,
 *   /embed/player with its frame-ancestors kept, /composer/);
 * - `Referrer-Policy: no-referrer` on the pages whose URL carries a token;
 * - `X-Content-Type-Options: nosniff` on every response, refusals on raw sockets included;
 * and the policy does not get in the pages' way: in real Chromium, no CSP violation while
 * the demo pages load (the speaker connects, the audience page plays) and while
 * /embed/player plays a live stream (MSE, hls.js, fetch).
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { launchBrowser, newPage, pageLog, type Browser, type Page } from './support/browser.js';
import { createStreamer, playbackGrant, viewerToken } from './support/playback.js';
import { rawHttp } from './support/raw-answer.js';
import { videoToken } from './support/signaling.js';
import { api, startServer, type RunningServer } from './support/server.js';
import { startTestStream, type TestStream } from './support/test-stream.js';

let server: RunningServer;
let browser: Browser;
let streamerSid: string;
let stream: TestStream | undefined;

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  await api(server, 'POST', '/v1/Rooms', { UniqueName: 'headers-room' });
  streamerSid = await createStreamer(server);
  // a live stream for the players of /demo/watch and /embed/player
  stream = await startTestStream({ dataDir: server.dataDir, streamerSid, segmentSeconds: 1, windowSegments: 30 });
  await stream.waitForSegments(2);
}, 60_000);

afterAll(async () => {
  await stream?.stop();
  await browser?.close();
  if (server) expect(await server.stop()).toBe(0);
});

const directives = (csp: string | undefined) =>
  new Map((csp ?? '').split(';').map((d) => d.trim().split(/\s+/)).map(([name = '', ...values]) => [name, values] as const));

async function pages(): Promise<[string, string][]> {
  const viewer = viewerToken(server, await playbackGrant(server, streamerSid));
  return [
    ['/demo/', 'no token'],
    ['/demo/speaker', 'no token'],
    [`/demo/speaker?token=${encodeURIComponent(videoToken(server, 'header-speaker', 'headers-room'))}`, 'token'],
    [`/demo/watch?streamer=${streamerSid}`, 'token'],
    ['/demo/watch?streamer=nope', 'error page'],
    [`/embed/player?token=${encodeURIComponent(viewer)}`, 'token'],
    ['/embed/player?token=garbage', 'token'],
    ['/composer/', 'token'],
  ];
}

describe('headers', () => {
  test('every HTML page has a CSP, no Referer and nosniff', async () => {
    for (const [path] of await pages()) {
      const res = await fetch(server.url + path, { headers: { accept: 'text/html' } });
      expect(res.headers.get('content-type'), path).toMatch(/^text\/html/);
      const csp = directives(res.headers.get('content-security-policy') ?? undefined);
      expect(csp.get('default-src'), path).toEqual(["'self'"]);
      expect(csp.get('script-src')?.[0], path).toBe("'self'");
      expect(csp.get('script-src'), path).not.toContain("'unsafe-inline'");
      expect(csp.get('object-src'), path).toEqual(["'none'"]);
      expect(csp.get('base-uri'), path).toEqual(["'none'"]);
      expect(csp.has('frame-ancestors'), path).toBe(true);
      expect(res.headers.get('referrer-policy'), path).toBe('no-referrer');
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
    }
  });

  test('/demo/watch allows its one inline script by hash, nothing else inline', async () => {
    const res = await fetch(`${server.url}/demo/watch?streamer=${streamerSid}`);
    const html = await res.text();
    const inline = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]!);
    expect(inline).toHaveLength(1);
    const hash = `'sha256-${createHash('sha256').update(inline[0]!, 'utf8').digest('base64')}'`;
    expect(directives(res.headers.get('content-security-policy') ?? undefined).get('script-src')).toEqual(["'self'", hash]);
    expect(html).not.toMatch(/\son[a-z]+=/i); // no inline event handlers
  });

  test("/embed/player keeps the grant's frame-ancestors and may fetch from the grant's playback origin", async () => {
    const grant = await playbackGrant(server, streamerSid, { AccessControlAllowOrigin: 'https://app.example' });
    const res = await fetch(`${server.url}/embed/player?token=${encodeURIComponent(viewerToken(server, grant))}`);
    const csp = directives(res.headers.get('content-security-policy') ?? undefined);
    expect(csp.get('frame-ancestors')).toEqual(['https://app.example']);
    expect(csp.get('connect-src')).toEqual(["'self'", new URL(grant.playbackUrl).origin]);
    const forged = await fetch(`${server.url}/embed/player?token=garbage`);
    expect(directives(forged.headers.get('content-security-policy') ?? undefined).get('frame-ancestors')).toEqual(["'none'"]);
  });

  test('nosniff on every kind of response, refusals on raw sockets included', async () => {
    const auth = { authorization: `Basic ${Buffer.from(`${server.creds.apiKeySid}:${server.creds.apiSecret}`).toString('base64')}` };
    const requests: [string, string, Record<string, string>][] = [
      ['GET', '/healthz', {}],
      ['GET', '/metrics', {}],
      ['GET', '/.well-known/jwks.json', {}],
      ['GET', '/v1/Rooms', auth],
      ['GET', '/v1/Rooms', {}],
      ['GET', '/v1/Rooms/%E0%A4%A', auth],
      ['GET', '/sdk/player.js', {}],
      ['GET', '/demo/index.js', {}],
      ['GET', '/demo/api/dashboard', {}],
      ['GET', '/composer/composer.js', {}],
      ['POST', `/playback/${streamerSid}`, {}],
      ['GET', `/playback/${streamerSid}/s/x/index.m3u8`, {}],
      ['GET', '/nope', {}],
      ['GET', '/internal/ingest/nope', { connection: 'Upgrade', upgrade: 'websocket' }],
      ['GET', '/nope', { connection: 'Upgrade', upgrade: 'websocket' }],
      ['BREW', '/', {}],
    ];
    for (const [method, target, headers] of requests) {
      const result = await rawHttp(server.url, { method, target, headers });
      expect(result.answer?.headers['x-content-type-options'], `${method} ${target}`).toBe('nosniff');
    }
  });
});

describe('the policy does not break the pages (real Chromium)', () => {
  /** CSP violations the page reported (its `securitypolicyviolation` events and the console's). */
  async function openWatched(path: string): Promise<{ page: Page; violations: () => Promise<string[]> }> {
    const page = await newPage(browser);
    const consoleViolations: string[] = [];
    page.on('console', (msg) => {
      if (/Content Security Policy/i.test(msg.text())) consoleViolations.push(msg.text());
    });
    await page.evaluateOnNewDocument(() => {
      const w = window as unknown as { __cspViolations: string[] };
      w.__cspViolations = [];
      document.addEventListener('securitypolicyviolation', (e) => w.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`));
    });
    await page.goto(server.url + path);
    return {
      page,
      violations: async () => [...consoleViolations, ...((await page.evaluate('window.__cspViolations')) as string[])],
    };
  }

  test('the demo pages and the composer page load without a violation', async () => {
    const paths = [
      '/demo/',
      `/demo/speaker?token=${encodeURIComponent(videoToken(server, 'csp-speaker', 'headers-room'))}`,
      `/demo/watch?streamer=${streamerSid}`,
      '/composer/',
    ];
    for (const path of paths) {
      const { page, violations } = await openWatched(path);
      // the speaker page connects (WebSocket to /signaling, camera, WebRTC), the dashboard fetches /demo/api
      if (path.startsWith('/demo/speaker')) await page.waitForSelector('body[data-state="connected"]', { timeout: 30_000 });
      // the watch page's player plays, and its inline script mirrors that onto <body>
      if (path.startsWith('/demo/watch')) await page.waitForSelector('body[data-state="playing"]', { timeout: 60_000 });
      await new Promise((r) => setTimeout(r, 1000));
      expect(await violations(), `${path}\n${pageLog(page)}`).toEqual([]);
      await page.close();
    }
  }, 120_000);

  test('/embed/player plays a live stream without a violation', async () => {
    const { page, violations } = await openWatched(`/embed/player?token=${encodeURIComponent(viewerToken(server, await playbackGrant(server, streamerSid)))}`);
    await page.waitForSelector('body[data-state="playing"]', { timeout: 60_000 }).catch((err: Error) => {
      throw new Error(`${err.message}\n${pageLog(page)}`);
    });
    await new Promise((r) => setTimeout(r, 2000));
    expect(await violations(), pageLog(page)).toEqual([]);
    await page.close();
  }, 120_000);
});
