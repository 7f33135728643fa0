/**
 * The server is killed (SIGKILL) mid-stream, in the embedded mode (one `onair serve`, no
 * Redis): a real composed stream (a fake-camera speaker → MediaProcessor → HLS) plays in
 * `/embed/player`, the server is killed and started again on the same data dir.
 * - restarted on the same port (the player's URLs reach the new server), and
 * - restarted on another port (the player's URLs reach nothing),
 * the embed player reaches `ended` or `error` (with a code) within 10 s of the kill, and no
 * Chromium or ffmpeg of the killed server is left running.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { launchBrowser, newPage, pageLog, type Browser, type LoggedPage } from './support/browser.js';
import { readPlaylist, streamDir } from './support/hls.js';
import { allProcesses, mediaProcesses, type ProcInfo, composerProcessesOf } from './support/processes.js';
import { playbackGrant, viewerToken } from './support/playback.js';
import { api, eventually, startServer, type RunningServer } from './support/server.js';
import { videoToken } from './support/signaling.js';
import { openSpeaker, waitForState } from './support/speakers.js';
import { twilioClient } from './support/twilio-client.js';

/** the bound: from the kill to `ended`/`error` on the page */
const GONE_WITHIN_MS = 10_000;

let browser: Browser;
const servers: RunningServer[] = [];
const pages: LoggedPage[] = [];

beforeAll(async () => {
  browser = await launchBrowser();
}, 60_000);

afterEach(async () => {
  await Promise.all(pages.splice(0).map((p) => p.close().catch(() => undefined)));
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});

afterAll(async () => {
  await browser?.close();
});

const portOf = (url: string) => new URL(url).port;

/** A composed stream of one speaker, playing in `/embed/player`; resolves once the page says `playing`. */
async function streamPlayingInEmbed(server: RunningServer, room: string) {
  const speaker = await openSpeaker(browser, server.url, videoToken(server, 'ada', room));
  pages.push(speaker);
  await waitForState(speaker, 'connected');
  const client = twilioClient(server);
  const streamer = await client.media.v1.playerStreamer.create();
  const processor = await client.media.v1.mediaProcessor.create({
    extension: 'video-composer-v1',
    extensionContext: JSON.stringify({ room: { name: room }, outputs: [streamer.sid], resolution: '640x360' }),
  });
  await eventually(async () => (await api(server, 'GET', `/v1/PlayerStreamers/${streamer.sid}`)).json.status === 'started', 40_000, 250);
  const viewer = await newPage(browser);
  pages.push(viewer);
  const token = viewerToken(server, await playbackGrant(server, streamer.sid));
  await viewer.goto(`${server.url}/embed/player?token=${encodeURIComponent(token)}`);
  await viewer.waitForSelector('body[data-state="playing"]', { timeout: 60_000 }).catch(async (err: Error) => {
    throw new Error(`${err.message}: ${await bodyState(viewer)}\n${pageLog(viewer)}`);
  });
  return { streamer, processor, viewer };
}

const bodyState = (page: LoggedPage) => page.evaluate('JSON.stringify(document.body.dataset)') as Promise<string>;

/** Waits for the embed page to reach `ended` or `error`; returns its dataset and when. */
async function waitForGone(page: LoggedPage, since: number): Promise<{ state: string; errorCode?: string; afterMs: number }> {
  try {
    await page.waitForSelector('body[data-state="ended"], body[data-state="error"]', { timeout: GONE_WITHIN_MS + 20_000 });
  } catch (err) {
    throw new Error(`the player never reached ended or error (${await bodyState(page)}): ${(err as Error).message}\n${pageLog(page)}`);
  }
  const afterMs = Date.now() - since;
  const data = JSON.parse(await bodyState(page)) as { state: string; errorCode?: string };
  return { ...data, afterMs };
}

/** The killed server's Chromium and ffmpeg (they are reparented once it is gone: found by pid and marker). */
function leftOver(before: ProcInfo[], processorSid: string): string[] {
  const alive = new Set(allProcesses().map((p) => `${p.pid} ${p.cmdline}`));
  const stale = before.filter((p) => alive.has(`${p.pid} ${p.cmdline}`));
  const marked = composerProcessesOf(processorSid);
  return [...new Set([...stale, ...marked].map((p) => `${p.pid} ${p.comm} ${p.cmdline.slice(0, 100)}`))];
}

describe('SIGKILL of onair serve mid-stream, then a restart on the same data dir', () => {
  test.each([
    ['the same port', true],
    ['another port', false],
  ] as const)('restarted on %s: the embed player reaches ended or error within 10 s; no Chromium or ffmpeg is left', async (_name, samePort) => {
    const first = await startServer();
    servers.push(first);
    const { streamer, processor, viewer } = await streamPlayingInEmbed(first, `crash-${samePort ? 'same' : 'other'}`);
    const media = mediaProcesses(first.proc.pid!);
    expect(media.chromium.length, 'the job has a Chromium').toBeGreaterThan(0);
    expect(media.ffmpeg.length, 'the job has an ffmpeg').toBeGreaterThan(0);
    const before = [...media.chromium, ...media.ffmpeg];

    const killedAt = Date.now();
    const trace: string[] = [];
    viewer.on('response', (r) => trace.push(`${Date.now() - killedAt} ${r.status()} ${r.url().replace(/.*\//, '')}`));
    viewer.on('requestfailed', (r) => trace.push(`${Date.now() - killedAt} failed ${r.url().replace(/.*\//, '')}`));
    await first.kill();
    servers.splice(servers.indexOf(first), 1);
    const second = await startServer({ dataDir: first.dataDir, args: samePort ? ['--port', portOf(first.url)] : [] });
    servers.push(second);
    trace.push(`${Date.now() - killedAt} restarted`);
    if (samePort) expect(second.url).toBe(first.url);

    const gone = await waitForGone(viewer, killedAt);
    const seen = `${JSON.stringify(gone)}; ms after the kill:\n${trace.join('\n')}`;
    expect(gone.afterMs, seen).toBeLessThanOrEqual(GONE_WITHIN_MS);
    if (gone.state === 'error') expect(gone.errorCode, 'an error carries a code').toMatch(/^\d+$/);

    // the restarted server ended the processor and its streamer, and sealed the playlist the
    // killed one left live (EXT-X-ENDLIST: a viewer whose session survived plays out and ends)
    expect((await api(second, 'GET', `/v1/MediaProcessors/${processor.sid}`)).json).toMatchObject({
      status: 'ended',
      ended_reason: 'internal-service-error',
    });
    expect((await api(second, 'GET', `/v1/PlayerStreamers/${streamer.sid}`)).json).toMatchObject({ status: 'ended' });
    const playlist = readPlaylist(streamDir(first.dataDir, streamer.sid));
    expect(playlist?.ended, playlist?.text).toBe(true);
    expect(playlist?.text).not.toMatch(/PRELOAD-HINT/);

    // the old job's processes are gone
    await eventually(async () => leftOver(before, processor.sid).length === 0, 10_000, 250).catch(() => undefined);
    expect(leftOver(before, processor.sid)).toEqual([]);
  }, 180_000);
});
