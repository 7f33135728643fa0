/**
 * Integration: real ffmpeg (npm static 4.1) writes fragmented MP4 on stdout, the packager
 * cuts it into HLS, and ffprobe / ffmpeg check the result independently of our parser.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BoxSplitter } from '../mp4/box-splitter.js';
import { FFMPEG, encodeArgs, probeSegment, rechunk, run, seededRandom, spawnFfmpeg, type FfmpegProcess } from '../test-support/media-tools.js';
import { parsePlaylist } from '../test-support/playlist-parser.js';
import type { PlayerStreamerError } from '../errors.js';
import type { PackagerInput } from './input.js';
import type { InputSummary, SegmentInfo } from './events.js';
import { HlsPackager } from './packager.js';

let root: string;
/** 7 s of ffmpeg output (keyframes at 0, 2, 4, 6 s), encoded once and replayed by several tests. */
let clip: Buffer;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'onair-hls-ffmpeg-'));
  const result = await run(FFMPEG, encodeArgs({ seconds: 7 }));
  expect(result.code, result.stderr).toBe(0);
  clip = result.stdout;
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function open(name: string, options: { windowSegments?: number; keepSegments?: number } = {}) {
  const packager = await HlsPackager.open({ dir: join(root, name), targetDurationSec: 2, windowSegments: options.windowSegments ?? 6, ...(options.keepSegments !== undefined ? { keepSegments: options.keepSegments } : {}) });
  const segments: SegmentInfo[] = [];
  const errors: PlayerStreamerError[] = [];
  packager.on('segment', (s) => void segments.push(s));
  packager.on('error', (e) => void errors.push(e));
  return { packager, segments, errors };
}

/** Feeds ffmpeg's stdout into an input in random chunk sizes, honouring backpressure. */
function feed(ffmpeg: FfmpegProcess, input: PackagerInput, seed: number, onChunk?: (chunk: Buffer) => void): Promise<InputSummary> {
  const random = seededRandom(seed);
  return new Promise((resolve, reject) => {
    ffmpeg.stdout.on('data', (chunk: Buffer) => {
      let ok = true;
      for (const piece of rechunk(chunk, random)) ok = input.write(piece) && ok;
      onChunk?.(chunk);
      if (!ok && input.state === 'open') {
        ffmpeg.stdout.pause();
        void input.drained().then(() => ffmpeg.stdout.resume());
      }
    });
    ffmpeg.stdout.on('end', () => void input.end().then(resolve, reject));
    ffmpeg.on('error', reject);
  });
}

function replay(input: PackagerInput, bytes: Buffer, seed: number): Promise<InputSummary> {
  for (const piece of rechunk(bytes, seededRandom(seed))) input.write(piece);
  return input.end();
}

/** Every segment on disk starts with a keyframe, per ffprobe (which knows nothing of our parser). */
async function expectKeyframeFirst(packager: HlsPackager, segments: readonly SegmentInfo[]) {
  const names = new Set(await readdir(packager.dir));
  const probed = [];
  for (const s of segments.filter((s) => names.has(s.uri))) {
    const probe = await probeSegment(join(packager.dir, s.initUri), join(packager.dir, s.uri), join(root, `probe-${s.sequence}.mp4`));
    expect(probe.videoFlags[0], `${s.uri} first video packet`).toMatch(/^K/);
    expect(probe.audioPackets, `${s.uri} has audio`).toBeGreaterThan(0);
    probed.push({ uri: s.uri, keyframes: probe.videoFlags.filter((f) => f.startsWith('K')).length, durationSec: probe.durationSec });
  }
  return probed;
}

async function ffmpegReadsBack(packager: HlsPackager) {
  const result = await run(FFMPEG, ['-v', 'error', '-i', packager.playlistPath, '-c', 'copy', '-f', 'null', '-']);
  expect(result.code, result.stderr).toBe(0);
}

describe('HlsPackager with real ffmpeg', () => {
  it('cuts a live ffmpeg stdout into ~2 s keyframe-first segments that ffmpeg can read back', async () => {
    const { packager, segments, errors } = await open('live');
    const input = packager.input();
    const summary = await feed(spawnFfmpeg(encodeArgs({ seconds: 7 })), input, 42);

    expect(errors).toEqual([]);
    expect(summary).toMatchObject({ segments: 4, droppedTailBytes: 0, droppedFragments: 0 });
    expect(segments.map((s) => s.sequence)).toEqual([0, 1, 2, 3]);
    for (const s of segments.slice(0, -1)) expect(Math.abs(s.durationSec - 2)).toBeLessThanOrEqual(0.2);
    expect(segments.reduce((sum, s) => sum + s.durationSec, 0)).toBeCloseTo(7, 1);
    expect(segments.every((s) => s.keyframe)).toBe(true);

    const probed = await expectKeyframeFirst(packager, segments);
    expect(probed.map((p) => p.keyframes)).toEqual([1, 1, 1, 1]); // one 2 s GOP each
    probed.forEach((p, i) => expect(p.durationSec).toBeCloseTo(segments[i]!.durationSec, 1));

    const live = parsePlaylist(await readFile(packager.playlistPath, 'utf8'));
    expect(live).toMatchObject({ version: 7, targetDuration: 3, mediaSequence: 0, discontinuitySequence: 0, independentSegments: true, ended: false });
    expect(live.segments.map((s) => [s.uri, s.map])).toEqual(segments.map((s) => [s.uri, 'init-0.mp4']));

    await packager.finish();
    await packager.finish();
    expect(parsePlaylist(await readFile(packager.playlistPath, 'utf8')).ended).toBe(true);
    await ffmpegReadsBack(packager);
  });

  it('marks each later input with a discontinuity and its own map as the window slides', async () => {
    const { packager, segments, errors } = await open('inputs', { windowSegments: 3, keepSegments: 2 });
    const seen: Array<{ mediaSequence: number; discontinuitySequence: number; listed: string[] }> = [];
    packager.on('segment', () => {
      const p = parsePlaylist(readFileSync(packager.playlistPath, 'utf8'));
      // Invariants on every reload: ≥ 3 × TARGETDURATION listed (or everything so far), and the
      // discontinuity sequence counts exactly the discontinuities that left the window.
      const total = p.segments.reduce((sum, s) => sum + s.durationSec, 0);
      if (p.mediaSequence > 0) expect(total).toBeGreaterThanOrEqual(3 * p.targetDuration);
      const left = segments.filter((s) => s.sequence < p.mediaSequence && s.discontinuity).length;
      expect(p.discontinuitySequence).toBe(left);
      seen.push({ mediaSequence: p.mediaSequence, discontinuitySequence: p.discontinuitySequence, listed: p.segments.map((s) => `${s.discontinuity ? '|' : ''}${s.sequence}@${s.map}`) });
    });
    for (let run = 0; run < 3; run += 1) await replay(packager.input(), clip, run + 1);
    await packager.idle();

    expect(errors).toEqual([]);
    expect(segments.map((s) => `${s.discontinuity ? '|' : ''}${s.sequence}`)).toEqual(['0', '1', '2', '3', '|4', '5', '6', '7', '|8', '9', '10', '11']);
    const last = seen.at(-1)!;
    expect(last.discontinuitySequence).toBe(1); // the discontinuity before 4 has left, the one before 8 is listed
    expect(last.listed).toEqual(['6@init-1.mp4', '7@init-1.mp4', '|8@init-2.mp4', '9@init-2.mp4', '10@init-2.mp4', '11@init-2.mp4']);
    expect(seen.map((s) => s.discontinuitySequence)).toContain(0);
    // Files: listed + 2 kept; init-0 collected once nothing needs it.
    const files = (await readdir(packager.dir)).filter((n) => !n.startsWith('.')).sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
    expect(files).toEqual(['index.m3u8', 'init-1.mp4', 'init-2.mp4', 'seg-4.m4s', 'seg-5.m4s', 'seg-6.m4s', 'seg-7.m4s', 'seg-8.m4s', 'seg-9.m4s', 'seg-10.m4s', 'seg-11.m4s']);

    await expectKeyframeFirst(packager, segments);
    await packager.finish();
    await ffmpegReadsBack(packager);
  });

  it('drops the partial tail when ffmpeg is killed mid-fragment, and stays healthy', async () => {
    const { packager, segments, errors } = await open('killed');
    const input = packager.input();
    const ffmpeg = spawnFfmpeg(encodeArgs({ seconds: 60, videoBitrate: '8M' }));
    const tap = new BoxSplitter({ keep: ['mdat'] });
    let mdats = 0;
    let killed = false;
    const summary = await feed(ffmpeg, input, 7, (chunk) => {
      mdats += tap.push(chunk).length;
      // Two fragments done, the third started (~1 MB, far more than the 64 KB pipe): stop
      // reading so ffmpeg blocks inside the fragment, then kill it.
      if (!killed && mdats >= 2 && tap.pendingType === 'mdat' && tap.pendingBytes < 200_000) {
        killed = true;
        ffmpeg.stdout.pause();
        ffmpeg.kill('SIGKILL');
        setTimeout(() => ffmpeg.stdout.resume(), 100);
      }
    });
    expect(killed).toBe(true);
    expect(tap.pendingBytes).toBeGreaterThan(0); // the stream really ended inside a box
    expect(summary.droppedTailBytes).toBeGreaterThan(tap.pendingBytes); // moof + partial mdat
    expect(summary.segments).toBe(mdats);
    expect(errors).toEqual([]);
    expect(packager.state).toBe('live');
    await expectKeyframeFirst(packager, segments);

    const next = await replay(packager.input(), clip, 9);
    expect(next.segments).toBe(4);
    expect(segments[mdats]).toMatchObject({ discontinuity: true, initUri: 'init-1.mp4' });
    await packager.finish();
    await ffmpegReadsBack(packager);
  });
});
