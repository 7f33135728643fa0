/**
 * The free-disk floor (ONAIR_MIN_FREE_DISK), on a real `onair serve`:
 * - a floor above the free space refuses new MediaProcessors with 503 (20503), Twilio JSON,
 *   stores nothing and counts the refusal; a malformed value stops the server at start;
 * - on a disk of its own (a 200 MB tmpfs in a private mount namespace), a running recording
 *   ends when the disk falls below the floor (the test fills it): the MediaRecording
 *   completes and its MP4 downloads and plays, while the stream goes on; new processors are
 *   then refused.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { statfs } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { launchBrowser, type Browser, type LoggedPage } from './support/browser.js';
import { probe } from './support/recording.js';
import { api, cliPath, endRunningProcessors, eventually, newDataDir, startServer, type RunningServer } from './support/server.js';
import { videoToken } from './support/signaling.js';
import { openSpeaker, waitForState } from './support/speakers.js';
import { twilioClient } from './support/twilio-client.js';

const MB = 1_000_000;
const creds = {
  ONAIR_ACCOUNT_SID: `AC${'1'.repeat(32)}`,
  ONAIR_API_KEY: `SK${'2'.repeat(32)}`,
  ONAIR_API_SECRET: `disk-secret-${'x'.repeat(20)}`,
  ONAIR_AUTH_TOKEN: `disk-token-${'y'.repeat(22)}`,
};
const servers: RunningServer[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map(async (s) => {
    await endRunningProcessors(s).catch(() => undefined);
    await s.stop();
  }));
});

const metric = async (server: RunningServer, name: string) => {
  const text = (await api(server, 'GET', '/metrics')).text;
  return text.split('\n').filter((l) => l.startsWith(name));
};

async function newStreamer(server: RunningServer): Promise<string> {
  return (await api(server, 'POST', '/v1/PlayerStreamers', {})).json.sid as string;
}

const composerContext = (room: string, streamer: string, recordings = false) =>
  JSON.stringify({ room: { name: room }, outputs: [streamer], resolution: '640x360', ...(recordings ? { recordings: [{ containerFormat: 'mp4' }] } : {}) });

describe('a floor above the free space', () => {
  test('refuses new MediaProcessors with 503 20503 (Twilio JSON), stores none, counts the refusal', async () => {
    const server = await startServer({ env: { ONAIR_MIN_FREE_DISK: '1000TB' } });
    servers.push(server);
    const streamer = await newStreamer(server);
    const res = await api(server, 'POST', '/v1/MediaProcessors', {
      Extension: 'video-composer-v1',
      ExtensionContext: composerContext('full', streamer, true),
    });
    expect(res.status).toBe(503);
    expect(res.json).toStrictEqual({
      code: 20503,
      message: expect.stringMatching(/ONAIR_MIN_FREE_DISK/),
      more_info: expect.stringMatching(/20503/),
      status: 503,
    });
    expect((await api(server, 'GET', '/v1/MediaProcessors')).json.media_processors).toEqual([]);
    expect((await api(server, 'GET', '/v1/MediaRecordings')).json.media_recordings).toEqual([]);
    expect(await metric(server, 'onair_disk_floor_refusals_total')).toEqual(['onair_disk_floor_refusals_total{what="media-processor"} 1']);
    const free = (await metric(server, 'onair_disk_free_bytes '))[0];
    expect(Number(free?.split(' ')[1])).toBeGreaterThan(0);
    // other REST calls are not affected
    expect((await api(server, 'POST', '/v1/Rooms', {})).status).toBe(201);
  });

  test('a malformed ONAIR_MIN_FREE_DISK stops the server at start with a clear message; --help documents it', async () => {
    await expect(startServer({ env: { ONAIR_MIN_FREE_DISK: 'lots' } })).rejects.toThrow(/ONAIR_MIN_FREE_DISK must be a size.*'lots'/s);
    const help = spawnSync(process.execPath, [cliPath, 'serve', '--help'], { encoding: 'utf8' });
    expect(help.stdout).toMatch(/ONAIR_MIN_FREE_DISK[^]*default 1GB/);
  });
});

describe('a disk of its own (tmpfs) that fills while a recording runs', () => {
  let browser: Browser;
  const pages: LoggedPage[] = [];
  beforeAll(async () => {
    browser = await launchBrowser();
  }, 60_000);
  afterAll(async () => {
    await Promise.all(pages.map((p) => p.close().catch(() => undefined)));
    await browser?.close();
  });

  test('the recording ends, keeping what it wrote (completed, downloadable MP4); the stream goes on; new processors are refused', async () => {
    const dataDir = newDataDir();
    const server = await startServer({
      dataDir,
      env: { ...creds, ONAIR_MIN_FREE_DISK: '150MB' },
      // the server's data dir is a 200 MB tmpfs that only it (and /proc/<pid>/root) sees
      wrapper: ['unshare', '-m', 'sh', '-c', 'mount -t tmpfs -o size=200m onair-test "$0" && exec "$@"', dataDir],
    });
    servers.push(server);
    const speaker = await openSpeaker(browser, server.url, videoToken(server, 'ada', 'disk-show'));
    pages.push(speaker);
    await waitForState(speaker, 'connected');
    const client = twilioClient(server);
    const streamer = await newStreamer(server);
    const processor = await client.media.v1.mediaProcessor.create({
      extension: 'video-composer-v1',
      extensionContext: composerContext('disk-show', streamer, true),
    });
    const [recording] = await client.media.v1.mediaRecording.list({ processorSid: processor.sid });
    await eventually(async () => (await api(server, 'GET', `/v1/PlayerStreamers/${streamer}`)).json.status === 'started', 40_000, 250);
    await new Promise((r) => setTimeout(r, 3_000)); // a few seconds recorded

    // fill the server's disk below the floor, through its own view of the mount
    const root = `/proc/${server.proc.pid}/root${dataDir}`;
    const { bavail, bsize } = await statfs(root);
    const filler = Number(bavail) * Number(bsize) - 100 * MB;
    expect(filler).toBeGreaterThan(0);
    writeFileSync(join(root, 'filler'), Buffer.alloc(filler));

    const done = await eventually(async () => {
      const r = await client.media.v1.mediaRecording(recording!.sid).fetch();
      return r.status !== 'processing' ? r : undefined;
    }, 20_000, 250);
    expect(done.status).toBe('completed');
    expect(done.duration).toBeGreaterThanOrEqual(1);
    expect(await metric(server, 'onair_disk_floor_recordings_ended_total')).toEqual(['onair_disk_floor_recordings_ended_total 1']);

    // what it wrote downloads as a playable MP4
    const media = await fetch(`${server.url}/v1/MediaRecordings/${recording!.sid}/Media`, {
      headers: { authorization: `Basic ${Buffer.from(`${creds.ONAIR_API_KEY}:${creds.ONAIR_API_SECRET}`).toString('base64')}` },
    });
    expect(media.status).toBe(200);
    const bytes = Buffer.from(await media.arrayBuffer());
    expect(bytes.length).toBe(done.mediaSize);
    const file = join(newDataDir(), 'media.mp4');
    writeFileSync(file, bytes);
    const probed = await probe(file);
    expect(probed.streams.map((s) => s.codec_type).sort()).toEqual(['audio', 'video']);

    // the stream goes on; a new processor is refused while the disk is low
    expect((await api(server, 'GET', `/v1/MediaProcessors/${processor.sid}`)).json.status).toBe('started');
    expect((await api(server, 'GET', `/v1/PlayerStreamers/${streamer}`)).json.status).toBe('started');
    const refused = await api(server, 'POST', '/v1/MediaProcessors', {
      Extension: 'video-composer-v1',
      ExtensionContext: composerContext('disk-show', await newStreamer(server)),
    });
    expect(refused.status).toBe(503);
    expect(refused.json.code).toBe(20503);
  }, 150_000);
});
