import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { AUDIO, VIDEO, avFragment, ftyp, moov } from '../test-support/mp4-builder.js';
import type { PartInfo, SegmentInfo } from './events.js';
import type { HlsPackagerOptions } from './options.js';
import { HlsPackager } from './packager.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'onair-ll-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** 200 ms fragments (2 frames of 100 ms), a keyframe every `gop` fragments. */
function fragments(count: number, gop = 5, first = 0): Buffer[] {
  return Array.from({ length: count }, (_, k) => {
    const i = first + k;
    return avFragment(i + 1, i * 200, 2, { keyframe: i % gop === 0 });
  });
}

async function open(options: Partial<HlsPackagerOptions> = {}) {
  const packager = await HlsPackager.open({ dir, targetDurationSec: 1, windowSegments: 3, partTargetSec: 0.25, ...options });
  const parts: PartInfo[] = [];
  const segments: SegmentInfo[] = [];
  const warnings: string[] = [];
  packager.on('part', (p) => void parts.push(p));
  packager.on('segment', (s) => void segments.push(s));
  packager.on('warning', (w) => void warnings.push(w.code));
  return { packager, parts, segments, warnings };
}

const text = (packager: HlsPackager) => readFile(packager.playlistPath, 'utf8');
const partLines = (playlist: string) => playlist.split('\n').filter((l) => l.startsWith('#EXT-X-PART:'));

describe('HlsPackager, Low-Latency HLS', () => {
  test('every fragment is a part on disk, listed with EXT-X-PART, the next one hinted', async () => {
    const { packager, parts, segments } = await open();
    const input = packager.input();
    const frags = fragments(7);
    input.write(Buffer.concat([ftyp(), moov([VIDEO, AUDIO]), ...frags]));
    await packager.idle();
    expect(parts.map((p) => [p.sequence, p.independent, p.segmentSequence])).toEqual([
      [0, true, 0], [1, false, 0], [2, false, 0], [3, false, 0], [4, false, 0], [5, true, 1], [6, false, 1],
    ]);
    expect(segments.map((s) => [s.sequence, s.durationSec])).toEqual([[0, 1]]);
    const playlist = await text(packager);
    const lines = playlist.split('\n');
    expect(lines.slice(0, 9)).toEqual([
      '#EXTM3U',
      '#EXT-X-VERSION:9',
      '#EXT-X-TARGETDURATION:2',
      '#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=0.750',
      '#EXT-X-PART-INF:PART-TARGET=0.250',
      '#EXT-X-MEDIA-SEQUENCE:0',
      '#EXT-X-DISCONTINUITY-SEQUENCE:0',
      '#EXT-X-INDEPENDENT-SEGMENTS',
      '#EXT-X-MAP:URI="init-0.mp4"',
    ]);
    expect(lines[9]).toMatch(/^#EXT-X-PROGRAM-DATE-TIME:/);
    expect(lines.slice(10, 17)).toEqual([
      '#EXT-X-PART:DURATION=0.200,URI="part-0.m4s",INDEPENDENT=YES',
      '#EXT-X-PART:DURATION=0.200,URI="part-1.m4s"',
      '#EXT-X-PART:DURATION=0.200,URI="part-2.m4s"',
      '#EXT-X-PART:DURATION=0.200,URI="part-3.m4s"',
      '#EXT-X-PART:DURATION=0.200,URI="part-4.m4s"',
      '#EXTINF:1.000,',
      'seg-0.m4s',
    ]);
    expect(lines[17]).toMatch(/^#EXT-X-PROGRAM-DATE-TIME:/);
    expect(Date.parse(lines[17]!.slice(25)) - Date.parse(lines[9]!.slice(25))).toBe(1000);
    expect(lines.slice(18)).toEqual([
      '#EXT-X-PART:DURATION=0.200,URI="part-5.m4s",INDEPENDENT=YES',
      '#EXT-X-PART:DURATION=0.200,URI="part-6.m4s"',
      '#EXT-X-PRELOAD-HINT:TYPE=PART,URI="part-7.m4s"',
      '',
    ]);
    // a part is exactly its fragment; the segment is exactly its parts
    for (let i = 0; i < 7; i++) expect(await readFile(join(dir, `part-${i}.m4s`))).toEqual(frags[i]);
    expect(await readFile(join(dir, 'seg-0.m4s'))).toEqual(Buffer.concat(frags.slice(0, 5)));

    input.write(Buffer.concat(fragments(3, 5, 7)));
    await input.end();
    await packager.finish();
    const ended = await text(packager);
    expect(ended).toMatch(/seg-1\.m4s\n#EXT-X-ENDLIST\n$/);
    expect(ended).not.toContain('PRELOAD-HINT');
    expect(partLines(ended)).toHaveLength(10);
  });

  test('parts stay listed on the last three target durations; their files go with their segment', async () => {
    const { packager, segments } = await open({ windowSegments: 3, keepSegments: 0 });
    const input = packager.input();
    input.write(Buffer.concat([ftyp(), moov([VIDEO, AUDIO]), ...fragments(61)]));
    await packager.idle();
    expect(segments).toHaveLength(12);
    const playlist = await text(packager);
    const lines = playlist.split('\n');
    // 6 s window (3 × TARGETDURATION 2): segments 6–11 listed, plus the open one (part 60)
    expect(lines.filter((l) => l.startsWith('seg-'))).toEqual(['seg-6.m4s', 'seg-7.m4s', 'seg-8.m4s', 'seg-9.m4s', 'seg-10.m4s', 'seg-11.m4s']);
    const listedParts = partLines(playlist).map((l) => Number(/part-(\d+)/.exec(l)![1]));
    // the open part (0.2 s) + segments ending less than 6 s from the edge: 11, 10, 9, 8, 7 (5 × 1 s), 6 starts 5.2 s back
    expect(listedParts[0]).toBe(30);
    expect(listedParts.at(-1)).toBe(60);
    expect(listedParts).toHaveLength(31);
    // segments 0–5 left the playlist: their segment and part files are gone
    expect(existsSync(join(dir, 'seg-5.m4s'))).toBe(false);
    expect(existsSync(join(dir, 'part-29.m4s'))).toBe(false);
    expect(existsSync(join(dir, 'part-30.m4s'))).toBe(true);
    await packager.finish();
  });

  test('a new input starts its open segment with a discontinuity and its own init section', async () => {
    const { packager } = await open();
    const first = packager.input();
    first.write(Buffer.concat([ftyp(), moov([VIDEO, AUDIO]), ...fragments(6)]));
    await first.end();
    const second = packager.input();
    second.write(Buffer.concat([ftyp(), moov([VIDEO, AUDIO]), ...fragments(2)]));
    await packager.idle();
    const playlist = await text(packager);
    expect(playlist).toMatch(
      /seg-1\.m4s\n#EXT-X-DISCONTINUITY\n#EXT-X-MAP:URI="init-1\.mp4"\n#EXT-X-PROGRAM-DATE-TIME:[^\n]+\n#EXT-X-PART:DURATION=0\.200,URI="part-6\.m4s",INDEPENDENT=YES\n#EXT-X-PART:DURATION=0\.200,URI="part-7\.m4s"\n#EXT-X-PRELOAD-HINT:TYPE=PART,URI="part-8\.m4s"\n$/,
    );
    await packager.finish();
  });

  test('a part longer than PART-TARGET is a warning', async () => {
    const { packager, warnings } = await open({ partTargetSec: 0.15 });
    const input = packager.input();
    input.write(Buffer.concat([ftyp(), moov([VIDEO, AUDIO]), ...fragments(2)]));
    await input.end();
    expect(warnings).toContain('ERR_HLS_PART_TOO_LONG');
    await packager.finish();
  });

  test.each<[Partial<HlsPackagerOptions>, RegExp]>([
    [{ partTargetSec: 2 }, /partTargetSec must be/],
    [{ partTargetSec: 0.01 }, /partTargetSec must be/],
    [{ partTargetSec: 0.2, partHoldBackSec: 0.3 }, /partHoldBackSec must be at least/],
    [{ partTargetSec: 0.2, fragmentsEndAtKeyframes: true }, /exclude each other/],
  ])('refuses %j', async (options, message) => {
    await expect(HlsPackager.open({ dir, targetDurationSec: 1, windowSegments: 3, ...options })).rejects.toMatchObject({
      code: 'ERR_HLS_INVALID_OPTIONS',
      message: expect.stringMatching(message),
    });
  });
});
