/**
 * Rooms end to end in real headless Chromium with a fake camera and microphone: the
 * `/demo/speaker` page and the room SDK against the real `onair serve`, media peer to peer
 * over WebRTC on 127.0.0.1, checked on decoded, non-black frames.
 */
import { createAccessToken } from '@onair/tokens';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { launchBrowser, pageLog, type Browser, type LoggedPage } from './support/browser.js';
import { callbackReceiver } from './support/callback-receiver.js';
import { videoStats, waitForPlayingVideos } from './support/media.js';
import { api, eventually, startServer, type RunningServer } from './support/server.js';
import { hiddenToken, videoToken } from './support/signaling.js';
import { joinWithSdk, openSpeaker, statesOf, tileIdentities, waitForState } from './support/speakers.js';
import { tcpProxy, type TcpProxy } from './support/tcp-proxy.js';

let server: RunningServer;
let browser: Browser;
let hooks: Awaited<ReturnType<typeof callbackReceiver>>;
const pages: LoggedPage[] = [];

beforeAll(async () => {
  [server, browser, hooks] = await Promise.all([startServer(), launchBrowser(), callbackReceiver()]);
});

afterAll(async () => {
  await browser?.close();
  await Promise.all([server?.stop(), hooks?.close()]);
});

async function speaker(identity: string, room: string, base = server.url): Promise<LoggedPage> {
  const page = await openSpeaker(browser, base, videoToken(server, identity, room));
  pages.push(page);
  return page;
}

async function closeAll(): Promise<void> {
  await Promise.all(pages.splice(0).map((p) => p.close().catch(() => undefined)));
}

/** Records the room SDK's participantDisconnected events of a speaker page in `window.left`. */
const recordLeaves = (page: LoggedPage) =>
  page.evaluate(`window.left = []; window.onairSpeaker.room.on('participantDisconnected', (p) => window.left.push(p.identity))`);

const participantsOf = async (room: string, status: string) =>
  (await api(server, 'GET', `/v1/Rooms/${room}/Participants?Status=${status}`)).json.participants as {
    sid: string;
    identity: string;
    status: string;
    start_time: string;
    end_time: string | null;
    duration: number | null;
  }[];

describe('rooms in the browser', () => {
  test('three speakers see each other; one leaves and everyone, REST and callbacks know', async () => {
    const created = await api(server, 'POST', '/v1/Rooms', {
      UniqueName: 'trio',
      StatusCallback: hooks.url,
    });
    expect(created.status).toBe(201);
    const names = ['alice', 'bob', 'carol'];
    const [alice, bob, carol] = await Promise.all(names.map((n) => speaker(n, 'trio')));
    await Promise.all([alice, bob, carol].map((p) => waitForState(p!, 'connected')));

    // each renders the other two participants' video: frames decode, pixels are not black
    const seen = await Promise.all([alice, bob, carol].map((p) => waitForPlayingVideos(p!, 'li.tile video', 2, 30_000)));
    seen.forEach((videos, i) => {
      const others = names.filter((_, j) => j !== i);
      expect(videos.map((v) => v.identity).sort()).toEqual(others);
      for (const v of videos) {
        expect(v.videoWidth).toBeGreaterThan(0);
        expect(v.meanLuma).toBeGreaterThan(16);
      }
    });
    // and its own preview
    expect((await waitForPlayingVideos(alice!, 'video#local-video', 1))[0]!.nonBlack).toBe(true);

    // REST lists them as connected, with the SIDs the pages hold
    const connected = await participantsOf('trio', 'connected');
    expect(connected.map((p) => p.identity).sort()).toEqual(names);
    const carolSid = await carol!.evaluate(() => document.body.dataset.participantSid);
    expect(connected.find((p) => p.identity === 'carol')?.sid).toBe(carolSid);

    // carol leaves with the page's button
    await Promise.all([recordLeaves(alice!), recordLeaves(bob!)]);
    await carol!.click('#leave');
    await waitForState(carol!, 'disconnected');
    for (const p of [alice!, bob!]) {
      await eventually(async () => ((await p.evaluate('window.left')) as string[]).includes('carol'));
      await eventually(async () => (await tileIdentities(p)).length === 1);
      expect(await p.evaluate('window.left')).toEqual(['carol']);
    }
    expect(await tileIdentities(alice!)).toEqual(['bob']);
    expect(await tileIdentities(bob!)).toEqual(['alice']);

    const gone = await api(server, 'GET', `/v1/Rooms/trio/Participants/${carolSid}`);
    expect(gone.json).toMatchObject({ identity: 'carol', status: 'disconnected' });
    expect(Date.parse(gone.json.end_time)).toBeGreaterThanOrEqual(Date.parse(gone.json.start_time));
    expect(gone.json.duration).toEqual(expect.any(Number));
    expect(gone.json.duration).toBeGreaterThanOrEqual(0);
    expect((await participantsOf('trio', 'connected')).map((p) => p.identity).sort()).toEqual(['alice', 'bob']);

    const events = () => hooks.received.filter((c) => c.params.RoomName === 'trio').map((c) => c.params);
    await eventually(async () => events().some((e) => e.StatusCallbackEvent === 'participant-disconnected'));
    const byEvent = (name: string) => events().filter((e) => e.StatusCallbackEvent === name);
    expect(byEvent('participant-connected').map((e) => e.ParticipantIdentity).sort()).toEqual(names);
    expect(byEvent('participant-disconnected').map((e) => e.ParticipantIdentity)).toEqual(['carol']);
    expect(byEvent('track-added').length).toBeGreaterThanOrEqual(6); // camera + mic each

    // the two left keep playing each other
    await waitForPlayingVideos(alice!, 'li.tile video', 1);
    for (const p of [alice!, bob!, carol!]) expect(p.log, pageLog(p)).toEqual([]);
    await closeAll();
  });

  test.each([
    ['a token for another room', 20106, async () => ({ token: videoToken(server, 'dora', 'elsewhere'), room: 'guarded' })],
    [
      'an expired token',
      20104,
      async () => ({
        token: await createAccessToken({
          ...keys(),
          identity: 'dora',
          video: { room: 'guarded' },
          ttl: 60,
          now: new Date(Date.now() - 3_600_000),
        }),
      }),
    ],
    ['a token with a bad signature', 20107, async () => ({ token: videoToken(server, 'dora', 'guarded', { secret: 'x'.repeat(32) }) })],
  ])('refuses %s with code %i', async (_name, code, make) => {
    await api(server, 'POST', '/v1/Rooms', { UniqueName: 'guarded' });
    const { token, room } = (await make()) as { token: string; room?: string };
    const page = await openSpeaker(browser, server.url, token, room ? { room } : {});
    pages.push(page);
    await waitForState(page, 'error');
    expect(await page.evaluate(() => document.body.dataset.errorCode)).toBe(String(code));
    expect(await page.$$('li.tile')).toHaveLength(0);
    expect(await participantsOf('guarded', 'connected')).toEqual([]);
    await closeAll();
  });

  test('a hidden participant receives every track and is invisible to the others', async () => {
    const [ann, ben] = await Promise.all([speaker('ann', 'stage'), speaker('ben', 'stage')]);
    await Promise.all([waitForState(ann!, 'connected'), waitForState(ben!, 'connected')]);
    await Promise.all([waitForPlayingVideos(ann!, 'li.tile video', 1, 30_000), waitForPlayingVideos(ben!, 'li.tile video', 1, 30_000)]);
    await Promise.all([recordLeaves(ann!), recordLeaves(ben!)]);

    const { page: hidden, joined } = await joinWithSdk(browser, server.url, await hiddenToken(server, 'video-composer-v1', 'stage'), {
      hidden: true,
    });
    pages.push(hidden);
    expect(joined.participants).toEqual(['ann', 'ben']);
    const received = await waitForPlayingVideos(hidden, 'div[data-identity] video', 2, 30_000);
    expect(received.map((v) => v.identity).sort()).toEqual(['ann', 'ben']);

    // nobody sees it: no tile, not in the SDK's participants, no participantConnected
    for (const p of [ann!, ben!]) {
      expect(await tileIdentities(p)).toHaveLength(1);
      expect(await p.evaluate('[...window.onairSpeaker.room.participants.values()].map((x) => x.identity)')).toHaveLength(1);
    }
    // a speaker who joins later does not see it either
    const cal = await speaker('cal', 'stage');
    await waitForState(cal, 'connected');
    await waitForPlayingVideos(cal, 'li.tile video', 2, 30_000);
    expect(await tileIdentities(cal)).toEqual(['ann', 'ben']);
    await waitForPlayingVideos(hidden, 'div[data-identity] video', 3, 30_000);
    expect(await hidden.evaluate('window.events')).toEqual(['connected:cal']);

    // it leaves without anyone having noticed
    await hidden.evaluate('window.room.disconnect()');
    await new Promise((r) => setTimeout(r, 500));
    for (const p of [ann!, ben!]) expect(await p.evaluate('window.left')).toEqual([]);
    for (const p of [ann!, ben!, cal]) expect(await tileIdentities(p)).toHaveLength(2);
    for (const p of pages) expect(p.log, pageLog(p)).toEqual([]);
    await closeAll();
  });

  test('after its signaling socket is killed, a speaker reconnects as the same participant and media flows', async () => {
    const proxy: TcpProxy = await tcpProxy(server.url);
    try {
      const flaky = await speaker('flaky', 'sturdy', proxy.url);
      const steady = await speaker('steady', 'sturdy');
      await Promise.all([waitForState(flaky, 'connected'), waitForState(steady, 'connected')]);
      await Promise.all([waitForPlayingVideos(flaky, 'li.tile video', 1, 30_000), waitForPlayingVideos(steady, 'li.tile video', 1, 30_000)]);
      await recordLeaves(steady);
      const sid = await flaky.evaluate(() => document.body.dataset.participantSid);

      expect(proxy.drop(/^GET \/signaling/)).toBe(1);
      await waitForState(flaky, 'connected', 30_000);
      expect(await statesOf(flaky)).toEqual(['connecting', 'connected', 'reconnecting', 'connected']);
      expect(await flaky.evaluate(() => document.body.dataset.participantSid)).toBe(sid);

      // media flows both ways after the reconnect (frames keep advancing)
      const before = new Map((await videoStats(steady, 'li.tile video')).map((v) => [v.key, v.totalVideoFrames]));
      const [fromFlaky] = await waitForPlayingVideos(steady, 'li.tile video', 1, 20_000);
      expect(fromFlaky!.identity).toBe('flaky');
      expect(fromFlaky!.totalVideoFrames).toBeGreaterThan(before.get(fromFlaky!.key) ?? 0);
      const [atFlaky] = await waitForPlayingVideos(flaky, 'li.tile video', 1, 20_000);
      expect(atFlaky!.identity).toBe('steady');

      // the other side never saw it leave; REST still has it connected, once
      expect(await steady.evaluate('window.left')).toEqual([]);
      const connected = await participantsOf('sturdy', 'connected');
      expect(connected.map((p) => [p.identity, p.sid]).sort()).toEqual([
        ['flaky', sid],
        ['steady', connected.find((p) => p.identity === 'steady')!.sid],
      ]);
      expect(await participantsOf('sturdy', 'disconnected')).toEqual([]);
      // it can still leave cleanly through the new socket
      await flaky.click('#leave');
      await eventually(async () => ((await steady.evaluate('window.left')) as string[]).includes('flaky'));
    } finally {
      await closeAll();
      await proxy.close();
    }
  });
});

function keys() {
  const { accountSid, apiKeySid, apiSecret } = server.creds;
  return { accountSid, apiKeySid, apiSecret };
}
