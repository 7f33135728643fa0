import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, test } from 'vitest';
import { avStream } from '../test-support/mp4-builder.js';
import { parsePlaylist } from '../test-support/playlist-parser.js';
import type { SegmentInfo } from './events.js';
import type { HlsPackagerOptions } from './options.js';
import { HlsPackager } from './packager.js';
import { parseSnapshot } from './snapshot.js';

let dir: string;
let clock: number;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'onair-resume-'));
  clock = Date.UTC(2026, 10, 22, 10, 0, 0);
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function open(options: Partial<HlsPackagerOptions> = {}) {
  const packager = await HlsPackager.open({ dir, targetDurationSec: 2, windowSegments: 3, keepSegments: 1, resume: true, now: () => clock, ...options });
  const segments: SegmentInfo[] = [];
  packager.on('segment', (s) => void segments.push(s));
  return { packager, segments };
}

/** One run of three 2 s segments, `clock` moving with it. */
async function runOnce(packager: HlsPackager): Promise<void> {
  const input = packager.input();
  input.write(avStream([20, 20, 20]));
  clock += 6000;
  await input.end();
}

const playlist = async () => parsePlaylist(await readFile(join(dir, 'index.m3u8'), 'utf8'));
const names = async () => (await readdir(dir)).sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));

describe('HlsPackager resume', () => {
  it('without resume: a fresh directory, no snapshot (as before)', async () => {
    await writeFile(join(dir, 'packager.json'), '{}');
    await writeFile(join(dir, 'seg-7.m4s'), 'old');
    const { packager, segments } = await open({ resume: false });
    await runOnce(packager);
    expect(segments.map((s) => s.sequence)).toEqual([0, 1, 2]);
    expect(await names()).toEqual(['index.m3u8', 'init-0.mp4', 'seg-0.m4s', 'seg-1.m4s', 'seg-2.m4s']);
  });

  it('resume without a snapshot starts fresh (old files go) and keeps a snapshot', async () => {
    await writeFile(join(dir, 'seg-7.m4s'), 'old');
    const { packager, segments } = await open();
    expect(packager.resumed).toBe(false);
    await runOnce(packager);
    expect(segments.map((s) => [s.sequence, s.discontinuity])).toEqual([[0, false], [1, false], [2, false]]);
    expect(await names()).toEqual(['index.m3u8', 'init-0.mp4', 'packager.json', 'seg-0.m4s', 'seg-1.m4s', 'seg-2.m4s']);
    const snapshot = parseSnapshot(await readFile(join(dir, 'packager.json'), 'utf8'));
    expect(snapshot).toMatchObject({ nextSequence: 3, nextInput: 1, discontinuitySequence: 0, inits: ['init-0.mp4'], openParts: [], targetDuration: 3 });
    expect(snapshot.listed.map((s) => s.uri)).toEqual(['seg-0.m4s', 'seg-1.m4s', 'seg-2.m4s']);
  });

  it('a chain of packagers (each closed for a hand-over) is one playlist with a discontinuity at each hand-over', async () => {
    const all: SegmentInfo[] = [];
    for (let k = 0; k < 3; k++) {
      const { packager, segments } = await open();
      expect(packager.resumed).toBe(k > 0);
      await runOnce(packager);
      await packager.close();
      expect(packager.state).toBe('finished');
      expect(() => packager.input()).toThrow(expect.objectContaining({ code: 'ERR_HLS_FINISHED' }));
      all.push(...segments);
      const p = await playlist();
      expect(p.ended).toBe(false); // close() is not the end of the stream
    }
    expect(all.map((s) => `${s.discontinuity ? '|' : ''}${s.sequence}@${s.initUri}`)).toEqual([
      '0@init-0.mp4', '1@init-0.mp4', '2@init-0.mp4',
      // each packager skips RESUME_MARGIN.inputs (1) init numbers past its snapshot's
      '|3@init-2.mp4', '4@init-2.mp4', '5@init-2.mp4',
      '|6@init-4.mp4', '7@init-4.mp4', '8@init-4.mp4',
    ]);
    const dates = all.map((s) => s.programDateTime.getTime());
    expect([...dates].sort((a, b) => a - b)).toEqual(dates);
    // the window slid across the hand-overs exactly as within one packager
    const p = await playlist();
    expect([p.mediaSequence, p.discontinuitySequence, p.segments.map((s) => `${s.discontinuity ? '|' : ''}${s.sequence}`)]).toEqual([4, 1, ['4', '5', '|6', '7', '8']]);
    expect(await names()).toEqual(['index.m3u8', 'init-2.mp4', 'init-4.mp4', 'packager.json', 'seg-3.m4s', 'seg-4.m4s', 'seg-5.m4s', 'seg-6.m4s', 'seg-7.m4s', 'seg-8.m4s']);
    const { packager } = await open();
    await packager.finish();
    expect((await playlist()).ended).toBe(true);
  });

  test.each([
    ['not JSON', '{'],
    ['a wrong version', JSON.stringify({ version: 2 })],
    ['a hostile name', null],
  ])('refuses a snapshot with %s (ERR_HLS_SNAPSHOT_INVALID)', async (_what, text) => {
    const first = await open();
    await runOnce(first.packager);
    const good = JSON.parse(await readFile(join(dir, 'packager.json'), 'utf8')) as { listed: Array<{ uri: string }> };
    good.listed[0]!.uri = '../../etc/passwd';
    await writeFile(join(dir, 'packager.json'), text ?? JSON.stringify(good));
    await expect(open()).rejects.toMatchObject({ code: 'ERR_HLS_SNAPSHOT_INVALID' });
  });

  it('refuses to continue a stream with another TARGETDURATION', async () => {
    const first = await open();
    await runOnce(first.packager);
    await expect(open({ playlistTargetDuration: 4 })).rejects.toMatchObject({ code: 'ERR_HLS_SNAPSHOT_INVALID', message: expect.stringMatching(/TARGETDURATION 3/) });
  });
});
