import { readFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterEach, beforeEach, describe, expect, it, test } from 'vitest';
import type { PlayerStreamerError } from '../errors.js';
import { AUDIO, VIDEO, avFragment, avStream, ftyp, moov } from '../test-support/mp4-builder.js';
import { parsePlaylist } from '../test-support/playlist-parser.js';
import type { SegmentInfo } from './events.js';
import type { HlsPackagerOptions } from './options.js';
import { HlsPackager } from './packager.js';

const T0 = Date.UTC(2026, 10, 22, 10, 0, 0);
let dir: string;
let clock: number;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'onair-packager-'));
  clock = T0;
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function open(options: Partial<HlsPackagerOptions> = {}) {
  const packager = await HlsPackager.open({ dir, targetDurationSec: 2, windowSegments: 3, now: () => clock, ...options });
  const segments: SegmentInfo[] = [];
  const errors: PlayerStreamerError[] = [];
  const warnings: PlayerStreamerError[] = [];
  packager.on('segment', (s) => void segments.push(s));
  packager.on('error', (e) => void errors.push(e));
  packager.on('warning', (w) => void warnings.push(w));
  return { packager, segments, errors, warnings };
}

const playlist = async (packager: HlsPackager) => parsePlaylist(await readFile(packager.playlistPath, 'utf8'));
/** Bytes that cannot start a box: a non-printable type. */
const GARBAGE = Buffer.from('0000001000010203deadbeefdeadbeef', 'hex');
const files = async () => (await readdir(dir)).sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));

/** Writes `bytes` in chunks of pseudo-random sizes (deterministic). */
function writeChunked(write: (chunk: Buffer) => unknown, bytes: Buffer, seed = 1): void {
  let state = seed;
  for (let at = 0; at < bytes.length; ) {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    const size = 1 + (state % 700);
    write(bytes.subarray(at, at + size));
    at += size;
  }
}

describe('HlsPackager with synthetic fMP4', () => {
  it('publishes one segment per keyframe fragment, byte-exact, with the playlist already on disk', async () => {
    const { packager, segments } = await open();
    const onDisk: string[] = [];
    packager.on('segment', (s) => void onDisk.push(readFileSync(packager.playlistPath, 'utf8').includes(s.uri) ? 'listed' : 'missing'));
    const input = packager.input();
    writeChunked((c) => input.write(c), avStream([20, 20, 20, 10]));
    const summary = await input.end();

    expect(summary).toEqual({ input: 0, bytesReceived: avStream([20, 20, 20, 10]).length, segments: 4, droppedTailBytes: 0, droppedFragments: 0 });
    expect(segments.map((s) => [s.sequence, s.uri, s.durationSec, s.keyframe, s.discontinuity, s.initUri])).toEqual([
      [0, 'seg-0.m4s', 2, true, false, 'init-0.mp4'],
      [1, 'seg-1.m4s', 2, true, false, 'init-0.mp4'],
      [2, 'seg-2.m4s', 2, true, false, 'init-0.mp4'],
      [3, 'seg-3.m4s', 1, true, false, 'init-0.mp4'],
    ]);
    expect(onDisk).toEqual(['listed', 'listed', 'listed', 'listed']);
    // The first fragment arrived at T0 and lasted 2 s: its first frame was captured at T0 - 2 s.
    expect(segments.map((s) => s.programDateTime.getTime() - T0)).toEqual([-2000, 0, 2000, 4000]);
    expect(await readFile(join(dir, 'init-0.mp4'))).toEqual(Buffer.concat([ftyp(), moov([VIDEO, AUDIO])]));
    expect(await readFile(join(dir, 'seg-1.m4s'))).toEqual(avFragment(2, 2000, 20));
    expect(segments[1]?.bytes).toBe(avFragment(2, 2000, 20).length);
    expect(packager.segmentCount).toBe(4);
    expect(packager.lastSegmentAt).toBe(T0);

    const parsed = await playlist(packager);
    expect(parsed).toMatchObject({ version: 7, targetDuration: 3, mediaSequence: 0, discontinuitySequence: 0, independentSegments: true, ended: false });
    expect(parsed.segments.map((s) => [s.uri, s.durationSec, s.map])).toEqual([
      ['seg-0.m4s', 2, 'init-0.mp4'],
      ['seg-1.m4s', 2, 'init-0.mp4'],
      ['seg-2.m4s', 2, 'init-0.mp4'],
      ['seg-3.m4s', 1, 'init-0.mp4'],
    ]);
    expect(await files()).toEqual(['index.m3u8', 'init-0.mp4', 'seg-0.m4s', 'seg-1.m4s', 'seg-2.m4s', 'seg-3.m4s']);
  });

  it('produces the same files whatever the chunking', async () => {
    const bytes = avStream([20, 5, 20, 20]);
    const results: string[][] = [];
    for (const seed of [1, 2, 3]) {
      const { packager } = await open({ dir: join(dir, String(seed)) });
      const input = packager.input();
      writeChunked((c) => input.write(c), bytes, seed);
      await input.end();
      const names = (await readdir(packager.dir)).sort();
      results.push(await Promise.all(names.map(async (n) => `${n}:${(await readFile(join(packager.dir, n))).toString('base64')}`)));
    }
    expect(results[1]).toEqual(results[0]);
    expect(results[2]).toEqual(results[0]);
  });

  it('starts each later input with a discontinuity and its own init; slides the window and collects files', async () => {
    const { packager, segments } = await open({ windowSegments: 3, keepSegments: 1 });
    const steps: Array<[number, number, string[]]> = [];
    packager.on('segment', async () => {
      const p = await playlist(packager);
      steps.push([p.mediaSequence, p.discontinuitySequence, p.segments.map((s) => `${s.discontinuity ? '|' : ''}${s.sequence}`)]);
    });
    for (let run = 0; run < 3; run += 1) {
      const input = packager.input();
      input.write(avStream([20, 20, 20]));
      clock += 6000;
      await input.end();
    }
    expect(segments.map((s) => `${s.input}:${s.discontinuity ? 'D' : ''}${s.sequence}`)).toEqual(['0:0', '0:1', '0:2', '1:D3', '1:4', '1:5', '2:D6', '2:7', '2:8']);
    // Window: ≥ 3 segments and ≥ 3 × TARGETDURATION (9 s) → 5 segments of 2 s.
    expect(steps).toEqual([
      [0, 0, ['0']],
      [0, 0, ['0', '1']],
      [0, 0, ['0', '1', '2']],
      [0, 0, ['0', '1', '2', '|3']],
      [0, 0, ['0', '1', '2', '|3', '4']],
      [1, 0, ['1', '2', '|3', '4', '5']],
      [2, 0, ['2', '|3', '4', '5', '|6']],
      [3, 0, ['|3', '4', '5', '|6', '7']],
      [4, 1, ['4', '5', '|6', '7', '8']],
    ]);
    const last = await playlist(packager);
    expect(last.segments.map((s) => s.map)).toEqual(['init-1.mp4', 'init-1.mp4', 'init-2.mp4', 'init-2.mp4', 'init-2.mp4']);
    // keepSegments 1: seg-3 (left the window) stays; init-0 is no longer needed.
    expect(await files()).toEqual(['index.m3u8', 'init-1.mp4', 'init-2.mp4', 'seg-3.m4s', 'seg-4.m4s', 'seg-5.m4s', 'seg-6.m4s', 'seg-7.m4s', 'seg-8.m4s']);
    // Dates never go backwards across inputs.
    const dates = segments.map((s) => s.programDateTime.getTime());
    expect([...dates].sort((a, b) => a - b)).toEqual(dates);
  });

  it('drops an incomplete trailing fragment at end()', async () => {
    const { packager, segments, errors } = await open();
    const bytes = avStream([20, 20]);
    const input = packager.input();
    input.write(bytes.subarray(0, bytes.length - 7));
    const summary = await input.end();
    expect(summary.droppedTailBytes).toBe(avFragment(2, 2000, 20).length - 7);
    expect(segments.map((s) => s.uri)).toEqual(['seg-0.m4s']);
    expect(errors).toEqual([]);
    expect(packager.state).toBe('live');
  });

  it('fails only the input on garbage, keeps what came before, and takes a new input', async () => {
    const { packager, segments, errors } = await open();
    const input = packager.input();
    expect(input.write(avStream([20, 20]))).toBe(true);
    expect(input.write(GARBAGE)).toBe(false);
    expect(input.state).toBe('failed');
    expect(errors.map((e) => [e.name, e.code])).toEqual([['Mp4ParseError', 'ERR_MP4_INVALID_BOX']]);
    expect(input.write(avFragment(3, 4000, 20))).toBe(false);
    const summary = await input.end();
    expect(summary.error?.code).toBe('ERR_MP4_INVALID_BOX');
    expect(segments.map((s) => s.uri)).toEqual(['seg-0.m4s', 'seg-1.m4s']);

    const next = packager.input();
    next.write(avStream([20]));
    await next.end();
    expect(segments.at(-1)).toMatchObject({ uri: 'seg-2.m4s', discontinuity: true, initUri: 'init-1.mp4' });
    expect(packager.state).toBe('live');
  });

  it('drops fragments before the first keyframe with one warning, and warns about too long segments', async () => {
    const { packager, segments, warnings } = await open();
    const input = packager.input();
    input.write(avStream([10, 10, 20, 40], new Set([0, 1])));
    await input.end();
    expect(warnings.map((w) => w.code)).toEqual(['ERR_HLS_NO_KEYFRAME', 'ERR_HLS_SEGMENT_TOO_LONG']);
    expect((await input.end()).droppedFragments).toBe(2);
    expect(segments.map((s) => s.durationSec)).toEqual([2, 4]);
  });

  it('refuses misuse with typed errors; finish() ends the active input, writes ENDLIST once', async () => {
    const { packager } = await open();
    let finished = 0;
    packager.on('finish', () => void (finished += 1));
    const input = packager.input();
    expect(() => packager.input()).toThrow(expect.objectContaining({ code: 'ERR_HLS_INPUT_ACTIVE' }));
    input.write(avStream([20, 20]));
    const [a, b] = [packager.finish(), packager.finish()];
    await Promise.all([a, b]);
    expect(input.state).toBe('ended');
    expect(input.write(avFragment(3, 4000, 20))).toBe(false); // ignored: ffmpeg may still be writing during shutdown
    expect(() => packager.input()).toThrow(expect.objectContaining({ code: 'ERR_HLS_FINISHED' }));
    const parsed = await playlist(packager);
    expect(parsed.ended).toBe(true);
    expect(parsed.segments).toHaveLength(2);
    expect(packager.state).toBe('finished');
    expect(finished).toBe(1);
  });

  it('finish() lists the input\'s last segment and EXT-X-ENDLIST in one playlist write', async () => {
    const { packager } = await open();
    const listedLive: number[] = [];
    packager.on('segment', (s) => {
      const now = parsePlaylist(readFileSync(packager.playlistPath, 'utf8'));
      if (!now.ended) listedLive.push(s.sequence);
    });
    const input = packager.input();
    input.write(avStream([20, 20, 20]));
    await packager.finish();
    // segments 0 and 1 were cut while live; 2, flushed by finish(), never shows without ENDLIST
    expect(listedLive).toEqual([0, 1]);
    expect((await playlist(packager)).segments).toHaveLength(3);
  });

  it('writes an ENDLIST playlist even without segments', async () => {
    const { packager } = await open();
    await packager.finish();
    expect(await playlist(packager)).toMatchObject({ ended: true, segments: [] });
  });

  it('signals backpressure when the disk is behind, and drains', async () => {
    const { packager } = await open({ highWaterMarkBytes: 100 });
    const input = packager.input();
    expect(input.write(avStream([20, 20]))).toBe(false);
    await input.drained();
    expect(input.write(Buffer.alloc(0))).toBe(true);
    await input.end();
  });

  it('accepts a stream through writable() and pipeline()', async () => {
    const { packager, segments } = await open({ highWaterMarkBytes: 1000 });
    const input = packager.input();
    const bytes = avStream([20, 20, 20]);
    const chunks: Buffer[] = [];
    writeChunked((c) => chunks.push(Buffer.from(c)), bytes);
    await pipeline(Readable.from(chunks), input.writable());
    expect(input.state).toBe('ended');
    expect(segments).toHaveLength(3);
  });

  it('makes pipeline() reject when the input fails', async () => {
    const { packager } = await open();
    const input = packager.input();
    await expect(pipeline(Readable.from([avStream([20]), GARBAGE]), input.writable())).rejects.toMatchObject({ code: 'ERR_MP4_INVALID_BOX' });
    expect(input.state).toBe('failed');
    expect((await input.end()).segments).toBe(1);
  });

  it('fails for good on an I/O error', async () => {
    const { packager, errors } = await open();
    const input = packager.input();
    input.write(avStream([20]));
    await packager.idle();
    await rm(dir, { recursive: true });
    await writeFile(dir, 'not a directory any more');
    input.write(avFragment(2, 2000, 20));
    await input.end();
    expect(errors.map((e) => e.code)).toEqual(['ERR_HLS_IO']);
    expect(packager.state).toBe('failed');
    expect(packager.error?.code).toBe('ERR_HLS_IO');
    await expect(packager.finish()).rejects.toMatchObject({ code: 'ERR_HLS_IO' });
    expect(() => packager.input()).toThrow(expect.objectContaining({ code: 'ERR_HLS_IO' }));
    await rm(dir, { force: true });
  });

  it('reports listener exceptions without breaking', async () => {
    const reported: string[] = [];
    const { packager, segments } = await open({ onListenerError: (event) => void reported.push(event) });
    packager.on('segment', () => {
      throw new Error('listener bug');
    });
    const input = packager.input();
    input.write(avStream([20, 20]));
    await input.end();
    expect(segments).toHaveLength(2);
    expect(reported).toEqual(['segment', 'segment']);
  });

  test.each([
    { targetDurationSec: 0 },
    { targetDurationSec: Number.NaN },
    { windowSegments: 0 },
    { windowSegments: 2.5 },
    { keepSegments: -1 },
    { playlistTargetDuration: 1 },
    { playlistTargetDuration: 2.5 },
    { maxBoxSize: 10 },
    { dir: '' },
  ])('refuses options %j', async (bad) => {
    await expect(HlsPackager.open({ dir, targetDurationSec: 2, windowSegments: 3, ...bad })).rejects.toMatchObject({ code: 'ERR_HLS_INVALID_OPTIONS' });
  });

  it('uses ceil(target × 1.5) as TARGETDURATION unless told otherwise', async () => {
    expect((await HlsPackager.open({ dir, targetDurationSec: 2, windowSegments: 3 })).targetDuration).toBe(3);
    expect((await HlsPackager.open({ dir, targetDurationSec: 1, windowSegments: 3 })).targetDuration).toBe(2);
    expect((await HlsPackager.open({ dir, targetDurationSec: 6, windowSegments: 3 })).targetDuration).toBe(9);
    expect((await HlsPackager.open({ dir, targetDurationSec: 2, windowSegments: 3, playlistTargetDuration: 2 })).targetDuration).toBe(2);
  });
});
