import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { concatList, finalizeRecording, orderPieces, remuxArgs, RecordingError } from './recording-finalize.js';
import { childBoxes, moovDurationSec, mvhdDurationSec, parseBoxHeader } from './recording-mp4.js';
import { RecordingSink, pieceName } from './recording-sink.js';
import { resolveFfmpegPath } from './binaries.js';

const box = (type: string, payload: Buffer) => {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(8 + payload.length, 0);
  head.write(type, 4, 'latin1');
  return Buffer.concat([head, payload]);
};

function mvhdV0(timescale: number, duration: number): Buffer {
  const p = Buffer.alloc(100);
  p.writeUInt32BE(timescale, 12);
  p.writeUInt32BE(duration, 16);
  return box('mvhd', p);
}

function mvhdV1(timescale: number, duration: bigint): Buffer {
  const p = Buffer.alloc(112);
  p.writeUInt8(1, 0);
  p.writeUInt32BE(timescale, 20);
  p.writeBigUInt64BE(duration, 24);
  return box('mvhd', p);
}

describe('recording-mp4', () => {
  test('reads box headers: 32-bit, 64-bit and to-the-end sizes; refuses truncated ones', () => {
    expect(parseBoxHeader(box('ftyp', Buffer.alloc(4)), 0, 12)).toEqual({ type: 'ftyp', offset: 0, size: 12, headerSize: 8 });
    const large = Buffer.alloc(16);
    large.writeUInt32BE(1, 0);
    large.write('mdat', 4, 'latin1');
    large.writeBigUInt64BE(5_000_000_000n, 8);
    expect(parseBoxHeader(large, 0, 6_000_000_000)).toMatchObject({ type: 'mdat', size: 5_000_000_000, headerSize: 16 });
    const toEnd = Buffer.alloc(8);
    toEnd.write('mdat', 4, 'latin1');
    expect(parseBoxHeader(toEnd, 0, 1234)).toMatchObject({ size: 1234 });
    expect(parseBoxHeader(Buffer.alloc(5), 0, 5)).toBeUndefined();
    const tiny = Buffer.alloc(8);
    tiny.writeUInt32BE(4, 0);
    expect(parseBoxHeader(tiny, 0, 8)).toBeUndefined();
  });

  test.each([
    ['version 0', mvhdV0(1000, 7250), 7.25],
    ['version 1', mvhdV1(90_000, 90_000n * 3600n), 3600],
  ])('mvhd %s gives the duration', (_name, mvhd, seconds) => {
    expect(mvhdDurationSec(mvhd.subarray(8))).toBe(seconds);
    expect(moovDurationSec(box('moov', Buffer.concat([mvhd, box('trak', Buffer.alloc(8))])))).toBe(seconds);
  });

  test('no mvhd, zero timescale or another box: no duration', () => {
    expect(moovDurationSec(box('moov', box('trak', Buffer.alloc(8))))).toBeUndefined();
    expect(moovDurationSec(box('moov', mvhdV0(0, 10)))).toBeUndefined();
    expect(moovDurationSec(box('moof', mvhdV0(1000, 10)))).toBeUndefined();
  });

  test('childBoxes stops at a box that overruns its container', () => {
    const buf = Buffer.concat([box('ftyp', Buffer.alloc(4)), box('moov', Buffer.alloc(8)), box('mdat', Buffer.alloc(100)).subarray(0, 50)]);
    expect(childBoxes(buf).map((b) => b.type)).toEqual(['ftyp', 'moov']);
  });
});

describe('recording-finalize helpers', () => {
  test('orders pieces and ignores other files', () => {
    expect(orderPieces(['media.mp4', pieceName(10), 'pieces.txt', pieceName(2), 'piece-1.mp4', pieceName(1)])).toEqual([
      'piece-000001.mp4',
      'piece-000002.mp4',
      'piece-000010.mp4',
    ]);
  });

  test('concat list names only pieces', () => {
    expect(concatList([pieceName(1), pieceName(2)])).toBe("file 'piece-000001.mp4'\nfile 'piece-000002.mp4'\n");
    expect(() => concatList(["x'; rm -rf /"])).toThrow(/not a piece/);
  });

  test('the remux copies streams and moves the index to the front', () => {
    const args = remuxArgs('pieces.txt', 'out.mp4');
    expect(args.join(' ')).toContain('-f concat -safe 0 -i pieces.txt -map 0 -c copy -movflags +faststart');
    expect(args.at(-1)).toBe('out.mp4');
    expect(args).not.toContain('libx264');
  });

  test('a directory without media fails as empty, without running ffmpeg', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'onair-rec-'));
    writeFileSync(join(dir, pieceName(1)), Buffer.concat([box('ftyp', Buffer.alloc(4)), box('moov', Buffer.alloc(8))]));
    const err = await finalizeRecording({ ffmpegPath: '/nonexistent/ffmpeg', dir }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RecordingError);
    expect((err as RecordingError).code).toBe('ERR_RECORDING_EMPTY');
    const missing = await finalizeRecording({ ffmpegPath: '/nonexistent/ffmpeg', dir: join(dir, 'nope') }).catch((e: unknown) => e);
    expect((missing as RecordingError).code).toBe('ERR_RECORDING_EMPTY');
  });
});

describe('finalizeRecording with ffmpeg', () => {
  /** a fragmented MP4 piece like the job's ffmpeg writes: H.264 + AAC, a fragment per keyframe */
  const piece = (ffmpeg: string, file: string, seconds: number) =>
    execFileSync(ffmpeg, [
      '-hide_banner', '-loglevel', 'error',
      '-f', 'lavfi', '-i', 'testsrc=size=320x180:rate=30', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000',
      '-t', String(seconds), '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '30', '-pix_fmt', 'yuv420p', '-c:a', 'aac',
      '-f', 'mp4', '-movflags', '+frag_keyframe+empty_moov+default_base_moof', file,
    ]);

  test('joins pieces (one cut short by a crash, one without media) into one faststart MP4', async () => {
    const ffmpegPath = resolveFfmpegPath();
    const dir = mkdtempSync(join(tmpdir(), 'onair-rec-'));
    piece(ffmpegPath, join(dir, pieceName(1)), 2);
    piece(ffmpegPath, join(dir, pieceName(2)), 3);
    piece(ffmpegPath, join(dir, pieceName(3)), 2);
    truncateSync(join(dir, pieceName(3)), Math.floor(statSync(join(dir, pieceName(3))).size * 0.6));
    writeFileSync(join(dir, pieceName(4)), Buffer.concat([box('ftyp', Buffer.alloc(4))]));
    const done = await finalizeRecording({ ffmpegPath, dir });
    expect(done.pieces).toBe(3);
    expect(done.durationSec).toBeGreaterThan(5.5);
    expect(done.durationSec).toBeLessThan(7.2);
    expect(done.size).toBe(statSync(join(dir, 'media.mp4')).size);
    expect(readdirSync(dir)).toEqual(['media.mp4']);
    const { fileBoxes } = await import('./recording-mp4.js');
    expect((await fileBoxes(join(dir, 'media.mp4'))).map((b) => b.type).slice(0, 2)).toEqual(['ftyp', 'moov']);
    // finalising again (a restart before the store heard of it) measures the same file
    expect(await finalizeRecording({ ffmpegPath, dir })).toMatchObject({ size: done.size, durationSec: done.durationSec, pieces: 0 });
  });
});

describe('RecordingSink', () => {
  test('writes one piece per input, numbered after the pieces already there', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'onair-rec-'));
    writeFileSync(join(dir, pieceName(3)), 'earlier run');
    const sink = await RecordingSink.open({ dir });
    const a = sink.input();
    a.write(Buffer.from('abc'));
    a.write(Buffer.from('def'));
    await a.end();
    const b = sink.input();
    b.write(Buffer.from('gh'));
    await b.end();
    await b.end(); // idempotent
    b.write(Buffer.from('ignored after end'));
    expect(sink.bytes).toBe(8);
    expect(sink.openPieces).toBe(0);
    expect(readdirSync(dir).sort()).toEqual([pieceName(3), pieceName(4), pieceName(5)]);
  });

  test('a piece that cannot be written reports once and drops the rest', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'onair-rec-'));
    const errors: string[] = [];
    const sink = await RecordingSink.open({ dir, onError: (_err, piece) => errors.push(piece) });
    writeFileSync(join(dir, pieceName(1)), 'in the way'); // 'wx' refuses to overwrite
    const input = sink.input();
    input.write(Buffer.from('x'));
    await input.end();
    expect(errors).toEqual([pieceName(1)]);
  });
});
