/**
 * The one-click demo at /demo/, driven through its UI in headless Chromium against a real
 * `onair serve`: create a room, open two speakers from the page's links (fake cameras),
 * start a stream (PlayerStreamer + video-composer-v1), watch it on the audience view until
 * the player plays, follow it on the dashboard (participants, streamer started, viewers),
 * and stop it. Also: /demo/api validates its input with clear JSON errors, no /demo/*
 * response carries the API secret, and `--no-demo` / `ONAIR_DEMO=0` turn /demo/* into 404s.
 *
 * Screenshots of the playing audience view and of the dashboard go to test-artifacts/.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { launchBrowser, newPage, pageLog, type Browser, type LoggedPage } from './support/browser.js';
import { api, endRunningProcessors, eventually, repoRoot, startServer, type RunningServer } from './support/server.js';
import { openSpeaker, waitForState } from './support/speakers.js';

const ARTIFACTS = join(repoRoot, 'test-artifacts');
const ROOM = 'demo-show';

let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  if (server) {
    await endRunningProcessors(server);
    expect(await server.stop()).toBe(0);
  }
});

/** Secrets that must never reach a browser. */
const secrets = () => [server.creds.apiSecret, server.creds.authToken];

/** Records the body (and headers) of every response from /demo/* a page receives. */
function recordDemoResponses(page: LoggedPage, into: { url: string; text: string }[]): void {
  page.on('response', (res) => {
    if (!new URL(res.url()).pathname.startsWith('/demo')) return;
    const headers = JSON.stringify(res.headers());
    if (res.status() >= 300 && res.status() < 400) {
      into.push({ url: res.url(), text: headers });
      return;
    }
    res.text().then(
      (text) => into.push({ url: res.url(), text: headers + text }),
      () => into.push({ url: res.url(), text: headers }),
    );
  });
}

/** Waits for a selector on the dashboard; fails with the page's state and log otherwise. */
async function waitOnDashboard(page: LoggedPage, selector: string, timeoutMs = 20_000): Promise<void> {
  try {
    await page.waitForSelector(selector, { timeout: timeoutMs });
  } catch (err) {
    const state = await page.evaluate(() => ({ ...document.body.dataset, notice: document.getElementById('notice')?.textContent }));
    throw new Error(`dashboard never showed ${selector} (${JSON.stringify(state)}): ${(err as Error).message}\n${pageLog(page)}`);
  }
}

/** Clicks a room's action button once it is there and enabled, and waits for the action to finish. */
async function roomAction(page: LoggedPage, action: string): Promise<void> {
  const selector = `.room[data-room-name="${ROOM}"] button[data-action="${action}"]:not(:disabled)`;
  await page.evaluate(() => (document.body.dataset['actionState'] = 'idle'));
  // the dashboard re-renders its rooms on every refresh: a button found just before one is
  // replaced under the click ("Node is detached"); find it again then
  for (let attempt = 1; ; attempt++) {
    await waitOnDashboard(page, selector);
    try {
      await page.click(selector);
      break;
    } catch (err) {
      if (attempt >= 5 || !/detached|not clickable|No node found/i.test((err as Error).message)) throw err;
    }
  }
  await page.waitForFunction(() => ['ok', 'error'].includes(document.body.dataset['actionState'] ?? ''), { timeout: 60_000 });
  const outcome = await page.evaluate(() => ({ ...document.body.dataset, notice: document.getElementById('notice')?.textContent }));
  expect(outcome, `action ${action}`).toMatchObject({ actionState: 'ok' });
}

describe('/demo/ in Chromium', () => {
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  test('room, two speakers, stream, audience view, dashboard with viewers, stop', async () => {
    const responses: { url: string; text: string }[] = [];
    const dashboard = await newPage(browser);
    recordDemoResponses(dashboard, responses);
    await dashboard.goto(`${server.url}/demo/`);
    await waitOnDashboard(dashboard, 'body[data-state="ready"]');

    // create a room through the form
    await dashboard.type('#room-name-input', ROOM);
    await dashboard.click('#create-room');
    await waitOnDashboard(dashboard, `.room[data-room-name="${ROOM}"][data-status="in-progress"]`);

    // two speaker links, each opened in its own page (fake camera and microphone)
    await roomAction(dashboard, 'add-speaker');
    await roomAction(dashboard, 'add-speaker');
    const links = await dashboard.$$eval(`.room[data-room-name="${ROOM}"] a.speaker-link`, (as) =>
      as.map((a) => ({ href: (a as HTMLAnchorElement).href, identity: a.getAttribute('data-identity')!, target: a.getAttribute('target') })),
    );
    expect(links).toHaveLength(2);
    expect(new Set(links.map((l) => l.identity)).size).toBe(2);
    const speakers: LoggedPage[] = [];
    for (const link of links) {
      const url = new URL(link.href);
      expect(url.pathname).toBe('/demo/speaker');
      expect(link.target).toBe('_blank');
      const speaker = await openSpeaker(browser, server.url, url.searchParams.get('token')!);
      await waitForState(speaker, 'connected');
      expect(await speaker.evaluate(() => document.body.dataset['roomName'])).toBe(ROOM);
      speakers.push(speaker);
    }
    for (const link of links) {
      await waitOnDashboard(
        dashboard,
        `.room[data-room-name="${ROOM}"] li.participant[data-identity="${link.identity}"][data-status="connected"]`,
      );
    }

    // start the stream: a PlayerStreamer fed by a video-composer-v1 processor
    await roomAction(dashboard, 'start-stream');
    await waitOnDashboard(dashboard, `#processors tr[data-room="${ROOM}"][data-status="started"]`);
    // the worker that runs it: this server's embedded one
    expect(await dashboard.$eval(`#processors tr[data-room="${ROOM}"][data-status="started"]`, (tr) => tr.getAttribute('data-worker'))).toMatch(/\S/);
    await waitOnDashboard(dashboard, `#streamers tr[data-room="${ROOM}"][data-status="started"]`, 90_000);
    const streamerSid = await dashboard.$eval(`#streamers tr[data-room="${ROOM}"][data-status="started"]`, (tr) =>
      tr.getAttribute('data-streamer-sid'),
    );
    expect(streamerSid).toMatch(/^VJ[0-9a-f]{32}$/);
    const processor = (await api(server, 'GET', '/v1/MediaProcessors?Status=started')).json.media_processors[0];
    expect(processor.extension).toBe('video-composer-v1');
    expect(JSON.parse(processor.extension_context)).toStrictEqual({ room: { name: ROOM }, outputs: [streamerSid] });

    // the audience view, from the room's Watch link
    const watchHref = await dashboard.$eval(`.room[data-room-name="${ROOM}"] a[data-action="watch"]`, (a) => (a as HTMLAnchorElement).href);
    expect(watchHref).toBe(`${server.url}/demo/watch?streamer=${streamerSid}`);
    const watch = await newPage(browser);
    recordDemoResponses(watch, responses);
    await watch.goto(watchHref);
    try {
      await watch.waitForSelector('body[data-state="playing"]', { timeout: 90_000 });
    } catch (err) {
      const state = await watch.evaluate(() => JSON.stringify(document.body.dataset));
      throw new Error(`the audience view never played (${state}): ${(err as Error).message}\n${pageLog(watch)}`);
    }
    // past the composer's first frames (its page connecting), so the screenshot shows the speakers
    await watch.waitForFunction(
      () => {
        const player = document.querySelector('onair-player');
        const video = player?.shadowRoot?.querySelector('video') ?? document.querySelector('video');
        return (video?.currentTime ?? 0) >= 4;
      },
      { timeout: 60_000 },
    );
    mkdirSync(ARTIFACTS, { recursive: true });
    const watchShot = join(ARTIFACTS, 'demo-watch-playing.png');
    await watch.screenshot({ path: watchShot });

    // the dashboard counts the viewer (the onair_playback_viewers gauge)
    await dashboard.waitForFunction(
      (sid) => Number(document.querySelector(`#streamers tr[data-streamer-sid="${sid}"]`)?.getAttribute('data-viewers') ?? 0) >= 1,
      { timeout: 20_000 },
      streamerSid,
    );
    const viewers = await (await fetch(`${server.url}/demo/api/streams/${streamerSid}/viewers`)).json();
    expect(viewers).toStrictEqual({ streamerSid, viewers: expect.any(Number) });
    // one audience page is one playback session (an upgraded <onair-player> used to open two)
    expect(viewers.viewers).toBe(1);
    await dashboard.bringToFront();
    const dashboardShot = join(ARTIFACTS, 'demo-dashboard.png');
    await dashboard.screenshot({ path: dashboardShot, fullPage: true });

    // stop: the streamer ends via the API, its processor too
    await roomAction(dashboard, 'stop-stream');
    await waitOnDashboard(dashboard, `#streamers tr[data-streamer-sid="${streamerSid}"][data-status="ended"]`);
    await waitOnDashboard(dashboard, `#processors tr[data-processor-sid="${processor.sid}"][data-status="ended"]`);
    expect((await api(server, 'GET', `/v1/PlayerStreamers/${streamerSid}`)).json).toMatchObject({
      status: 'ended',
      ended_reason: 'ended-via-api',
    });
    await waitOnDashboard(dashboard, `.room[data-room-name="${ROOM}"] button[data-action="start-stream"]`);
    expect(dashboard.log.filter((l) => !l.includes('[console.warn]'))).toStrictEqual([]);

    // everything the browser got from /demo/* (pages, scripts, /demo/api JSON): no secret
    await eventually(async () => responses.some((r) => r.url.includes('/demo/api/streams/')));
    expect(responses.map((r) => new URL(r.url).pathname)).toEqual(
      expect.arrayContaining(['/demo/', '/demo/index.js', '/demo/api/rooms', `/demo/api/rooms/${ROOM}/speakers`, '/demo/api/dashboard', '/demo/watch']),
    );
    for (const r of responses) for (const s of secrets()) expect(r.text.includes(s), r.url).toBe(false);
    console.info(`demo screenshots: ${watchShot} ${dashboardShot}`);
    await Promise.all([...speakers, watch, dashboard].map((p) => p.close()));
  }, 300_000);
});

describe('/demo/api over HTTP', () => {
  const post = (path: string, body: string | undefined, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
    fetch(`${server.url}/demo/api${path}`, { method: 'POST', headers, ...(body !== undefined ? { body } : {}) });

  test.each([
    ['a room name with markup', '/rooms', '{"name":"<b>x</b>"}', undefined, 400, 20001],
    ['a room name that is too long', '/rooms', JSON.stringify({ name: 'r'.repeat(65) }), undefined, 400, 20001],
    ['a missing room name', '/rooms', '{}', undefined, 400, 20001],
    ['a body that is not JSON', '/rooms', '{name', undefined, 400, 20001],
    ['a form body', '/rooms', 'name=x', { 'content-type': 'application/x-www-form-urlencoded' }, 415, 20415],
    ['another site', '/rooms', '{"name":"x"}', { 'content-type': 'application/json', origin: 'https://evil.example' }, 403, 20403],
    ['an unknown room', '/rooms/no-such-room/speakers', '{}', undefined, 404, 20404],
    ['a bad identity', '/rooms/no-such-room/speakers', '{"identity":"a b"}', undefined, 400, 20001],
    ['a body that is not an object', '/rooms', '["x"]', undefined, 400, 20001],
    ['a room path that is not a name', '/rooms/a%20b/stream', '{}', undefined, 400, 20001],
    ['a stream for an unknown room', '/rooms/no-such-room/stream', '{}', undefined, 404, 20404],
    ['stopping a streamer that is not a SID', '/streams/VJ123/stop', '{}', undefined, 400, 20001],
  ])('%s: clear JSON error', async (_name, path, body, headers, status, code) => {
    const res = await post(path, body, headers);
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const json = await res.json();
    expect(json).toMatchObject({ code, status, more_info: `https://www.twilio.com/docs/errors/${code}` });
    expect(json.message).toEqual(expect.any(String));
  });

  test('a duplicate room is refused with the REST API\'s own error', async () => {
    expect((await post('/rooms', '{"name":"twice"}')).status).toBe(201);
    const again = await post('/rooms', '{"name":"twice"}');
    expect(again.status).toBe(400);
    expect(await again.json()).toMatchObject({ code: 53113 });
  });

  test('no /demo/* response carries the API secret or the auth token', async () => {
    const created = await post('/rooms', '{"name":"secret-check"}');
    const speaker = await post('/rooms/secret-check/speakers', '{"identity":"alice"}');
    const streamer = (await api(server, 'POST', '/v1/PlayerStreamers')).json.sid as string;
    const fetched = await Promise.all(
      [
        '/demo/', '/demo/index.js', '/demo/index.js.map', '/demo/speaker', '/demo/speaker.js', '/demo/room-client.js',
        '/demo/api/dashboard', `/demo/api/streams/${streamer}/viewers`, `/demo/watch?streamer=${streamer}`, '/demo/watch',
        '/demo/api/nope', '/demo/nope',
      ].map((path) => fetch(server.url + path)),
    );
    const all = [created, speaker, ...fetched];
    expect(all.filter((r) => r.status === 200 || r.status === 201).length).toBeGreaterThanOrEqual(10);
    for (const res of all) {
      const text = JSON.stringify([...res.headers]) + (await res.text());
      for (const s of secrets()) expect(text.includes(s), res.url).toBe(false);
    }
  });
});

describe('turning the demo off', () => {
  test.each([
    ['ONAIR_DEMO=0', { env: { ONAIR_DEMO: '0' } }],
    ['--no-demo', { args: ['--no-demo'] }],
  ])('%s: /demo/* answers 404, the rest still works', async (_name, opts) => {
    const off = await startServer(opts);
    try {
      for (const path of ['/demo/', '/demo', '/demo/speaker', '/demo/index.js', '/demo/watch', '/demo/api/dashboard']) {
        const res = await fetch(off.url + path, { redirect: 'manual' });
        expect(res.status, path).toBe(404);
        expect(await res.json()).toMatchObject({ code: 20404, status: 404 });
      }
      const create = await fetch(`${off.url}/demo/api/rooms`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"name":"x"}',
      });
      expect(create.status).toBe(404);
      expect((await api(off, 'GET', '/v1/Rooms')).status).toBe(200);
    } finally {
      expect(await off.stop()).toBe(0);
    }
  });

  test('ONAIR_DEMO must be 1 or 0', async () => {
    await expect(startServer({ env: { ONAIR_DEMO: 'maybe' } })).rejects.toThrow(/ONAIR_DEMO must be 1 or 0/);
  });
});
