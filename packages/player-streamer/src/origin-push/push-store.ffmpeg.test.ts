/**
 * HttpPushStore end to end on loopback: a real packager cuts real ffmpeg LL fMP4 and pushes
 * it through HttpPushStore to a real node:http origin (createOriginIngest), whose real
 * PlaybackOrigin serves it to a viewer session from the same directory.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlayerStreamerError } from '../errors.js';
import type { SegmentInfo } from '../hls/events.js';
import { HlsPackager } from '../hls/packager.js';
import { FFMPEG, encodeArgs, run } from '../test-support/media-tools.js';
import { API_KEY, API_SECRET, startOriginHarness, type OriginHarness } from '../test-support/origin-harness.js';
import { parsePlaylist } from '../test-support/playlist-parser.js';
import { HttpPushStore, type HttpPushStoreOptions } from './push-store.js';

let root: string;
let clip: Buffer;
let origin: OriginHarness;
let n = 0;
const sid = () => `VJ${(++n).toString(16).padStart(32, '0')}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'onair-push-'));
  origin = await startOriginHarness(root);
  const result = await run(FFMPEG, encodeArgs({ seconds: 12, partSeconds: 0.2 }));
  expect(result.code, result.stderr).toBe(0);
  clip = result.stdout;
});
afterAll(async () => {
  await origin.close();
  await rm(root, { recursive: true, force: true });
});

const LL = { targetDurationSec: 2, windowSegments: 3, keepSegments: 1, partTargetSec: 0.25, resume: true } as const;

function pushStore(streamerSid: string, over: Partial<HttpPushStoreOptions> = {}) {
  const store = new HttpPushStore({ originUrl: origin.url, streamerSid, apiKeySid: API_KEY, apiSecret: API_SECRET, ...over });
  const events: string[] = [];
  store.on('retrying', (name) => void events.push(`retrying ${name}`));
  store.on('recovered', () => void events.push('recovered'));
  store.on('dropped', (name, reason) => void events.push(`dropped ${name} ${reason}`));
  store.on('refused', (status) => void events.push(`refused ${status}`));
  return { store, events };
}

async function openPackager(store: HttpPushStore) {
  const packager = await HlsPackager.open({ store, ...LL });
  const segments: SegmentInfo[] = [];
  const errors: PlayerStreamerError[] = [];
  packager.on('segment', (s) => void segments.push(s));
  packager.on('error', (e) => void errors.push(e));
  return { packager, segments, errors };
}

/** Feeds `bytes` as a live encoder would, spread over `seconds`; `at(fraction)` is awaited on the way. */
async function feedLive(packager: HlsPackager, bytes: Buffer, seconds: number, at?: (fraction: number) => Promise<void>) {
  const input = packager.input();
  const pieces = Math.ceil(bytes.length / 8192);
  for (let i = 0; i < pieces; i++) {
    expect(input.write(bytes.subarray(i * 8192, (i + 1) * 8192))).toBe(true); // the network never holds ffmpeg back
    await at?.(i / pieces);
    await sleep((seconds * 1000) / pieces);
  }
  await input.end();
}

const dirOf = (streamerSid: string) => join(origin.streamsDir, streamerSid);

/** Every file the origin's playlist lists is on the origin's disk. */
async function expectComplete(streamerSid: string) {
  const text = await readFile(join(dirOf(streamerSid), 'index.m3u8'), 'utf8');
  const parsed = parsePlaylist(text);
  for (const s of parsed.segments) {
    expect(existsSync(join(dirOf(streamerSid), s.uri)), s.uri).toBe(true);
    expect(existsSync(join(dirOf(streamerSid), s.map)), s.map).toBe(true);
  }
  for (const m of text.matchAll(/#EXT-X-PART:[^\n]*URI="(part-\d+\.m4s)"/g)) expect(existsSync(join(dirOf(streamerSid), m[1]!)), m[1]).toBe(true);
  return { text, parsed };
}

describe('HttpPushStore → origin → viewer', () => {
  it('a viewer plays what the packager pushes: blocking reloads answered by pushed parts, byte-exact media, ffmpeg reads it over HTTP', async () => {
    const streamerSid = sid();
    const { store, events } = pushStore(streamerSid);
    const { packager, segments, errors } = await openPackager(store);
    const viewer = { reloads: 0, parts: 0 };
    let playlistUrl: string | undefined;
    const feeding = feedLive(packager, clip, 4, async () => {
      if (playlistUrl || segments.length < 1) return;
      await store.flushed();
      playlistUrl = await origin.openSession(streamerSid);
    });
    // the viewer: blocking reloads for the next part, then fetches that part, while the stream is live
    while (!playlistUrl) await sleep(20);
    for (let k = 0; k < 6; k++) {
      const text = await (await fetch(playlistUrl)).text();
      const hint = /PRELOAD-HINT:TYPE=PART,URI="part-(\d+)\.m4s"/.exec(text);
      if (!hint) break;
      const msn = Number(/MEDIA-SEQUENCE:(\d+)/.exec(text)![1]) + text.split('\n').filter((l) => l.startsWith('seg-')).length;
      const partIndex = text.slice(text.lastIndexOf('.m4s\n') + 5).split('\n').filter((l) => l.startsWith('#EXT-X-PART:')).length;
      const blocked = await fetch(`${playlistUrl}?_HLS_msn=${msn}&_HLS_part=${partIndex}`);
      expect(blocked.status).toBe(200);
      expect(await blocked.text()).toContain(`part-${hint[1]}.m4s`);
      viewer.reloads += 1;
      const part = await fetch(new URL(`part-${hint[1]}.m4s`, playlistUrl));
      expect(part.status).toBe(200);
      expect(Buffer.from(await part.arrayBuffer())).toEqual(await readFile(join(dirOf(streamerSid), `part-${hint[1]}.m4s`)));
      viewer.parts += 1;
    }
    await feeding;
    await packager.finish();
    expect(errors).toEqual([]);
    expect(events).toEqual([]);
    expect(viewer).toEqual({ reloads: 6, parts: 6 });
    const { parsed } = await expectComplete(streamerSid);
    expect(parsed.ended).toBe(true);
    expect(parsed.segments.at(-1)!.sequence).toBe(segments.at(-1)!.sequence);
    const readBack = await run(FFMPEG, ['-v', 'error', '-i', playlistUrl!, '-c', 'copy', '-f', 'null', '-']);
    expect(readBack.code, readBack.stderr).toBe(0);
  });

  it('keeps the stream going through an origin restart (down ~2 s), then the origin has all it lists', async () => {
    const streamerSid = sid();
    const { store, events } = pushStore(streamerSid);
    const { packager, segments, errors } = await openPackager(store);
    let restarted: Promise<void> | undefined;
    let playlistUrl: string | undefined;
    await feedLive(packager, clip, 6, async (fraction) => {
      if (!playlistUrl && segments.length >= 1) {
        await store.flushed();
        playlistUrl = await origin.openSession(streamerSid);
      }
      if (fraction >= 0.3 && !restarted) {
        await origin.stop();
        restarted = sleep(2000).then(() => origin.start());
      }
    });
    await restarted;
    await packager.finish();
    expect(errors).toEqual([]);
    expect(events).toContain('recovered');
    expect(events.some((e) => e.startsWith('retrying'))).toBe(true);
    expect(events.filter((e) => e.startsWith('dropped'))).toEqual([]);
    const { parsed } = await expectComplete(streamerSid);
    expect(parsed.ended).toBe(true);
    expect(parsed.segments.at(-1)!.sequence).toBe(segments.at(-1)!.sequence);
    // the session opened before the restart still plays (the server keeps its session key)
    const after = await fetch(playlistUrl!);
    expect(after.status).toBe(200);
    expect(await after.text()).toContain('#EXT-X-ENDLIST');
    const readBack = await run(FFMPEG, ['-v', 'error', '-i', join(dirOf(streamerSid), 'index.m3u8'), '-c', 'copy', '-f', 'null', '-']);
    expect(readBack.code, readBack.stderr).toBe(0);
  });

  it('a packager on another worker resumes the stream from the snapshot on the origin', async () => {
    const streamerSid = sid();
    const first = await openPackager(pushStore(streamerSid).store);
    const input = first.packager.input();
    input.write(clip.subarray(0, Math.floor(clip.length / 2))); // then that worker dies
    await first.packager.idle();
    await sleep(300); // what it had queued reaches the origin; the rest is lost with it

    const second = await openPackager(pushStore(streamerSid).store);
    expect(second.packager.resumed).toBe(true);
    await feedLive(second.packager, clip, 1);
    await second.packager.finish();
    expect(second.errors).toEqual([]);
    const { parsed } = await expectComplete(streamerSid);
    expect(second.segments[0]).toMatchObject({ sequence: first.segments.length, discontinuity: true, initUri: 'init-2.mp4' }); // init-1 skipped: resume's margin
    expect(parsed.segments.at(-1)!.sequence).toBe(second.segments.at(-1)!.sequence);
    const resumedAt = first.segments.length;
    if (parsed.mediaSequence > resumedAt) expect(parsed.discontinuitySequence).toBe(1); // the discontinuity left the window
    else expect(parsed.segments.find((s) => s.sequence === resumedAt)?.discontinuity).toBe(true);
  });

  it('stops for good when the origin refuses the credentials: the packager fails with ERR_ORIGIN_REFUSED', async () => {
    const streamerSid = sid();
    const { store, events } = pushStore(streamerSid, { apiSecret: 'not-the-secret-0123456789abcdefgh' });
    await expect(HlsPackager.open({ store, ...LL })).rejects.toMatchObject({ code: 'ERR_ORIGIN_REFUSED' });
    expect(events).toEqual(['refused 401']);

    const other = pushStore(streamerSid, { apiSecret: 'not-the-secret-0123456789abcdefgh' });
    const { packager, errors } = await HlsPackager.open({ store: other.store, ...LL, resume: false }).then((p) => {
      const errs: PlayerStreamerError[] = [];
      p.on('error', (e) => void errs.push(e));
      return { packager: p, errors: errs };
    });
    const input = packager.input();
    for (let i = 0; i < 40 && packager.state === 'live'; i++) {
      input.write(clip.subarray(i * 16384, (i + 1) * 16384));
      await sleep(20);
    }
    expect(packager.state).toBe('failed');
    expect(errors.map((e) => e.code)).toContain('ERR_ORIGIN_REFUSED');
    expect(other.events).toEqual(['refused 401']);
    expect(existsSync(dirOf(streamerSid))).toBe(false);
  });
});
