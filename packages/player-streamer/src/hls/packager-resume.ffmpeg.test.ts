/**
 * Resume with real ffmpeg output: a Low-Latency stream whose packager dies in the middle of
 * a segment is continued by a new packager instance (as on another worker after a
 * hand-over), and the result is one valid LL-HLS playlist that ffmpeg reads back.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FFMPEG, encodeArgs, rechunk, run, seededRandom } from '../test-support/media-tools.js';
import { parsePlaylist, type ParsedPlaylist } from '../test-support/playlist-parser.js';
import type { PlayerStreamerError } from '../errors.js';
import type { PartInfo, SegmentInfo } from './events.js';
import { HlsPackager } from './packager.js';
import { parseSnapshot } from './snapshot.js';
import { RESUME_MARGIN } from './resume.js';

/** the resumed packager's init: the first packager's one input, then the margin */
const RESUMED_INIT = `init-${1 + RESUME_MARGIN.inputs}.mp4`;

let root: string;
/** 12 s of LL ffmpeg output: 2 s GOPs, a fragment (part) about every 0.2 s. */
let clip: Buffer;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'onair-hls-resume-'));
  const result = await run(FFMPEG, encodeArgs({ seconds: 12, partSeconds: 0.2 }));
  expect(result.code, result.stderr).toBe(0);
  clip = result.stdout;
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const OPTIONS = { targetDurationSec: 2, windowSegments: 3, keepSegments: 1, partTargetSec: 0.25, resume: true } as const;

async function open(dir: string) {
  const packager = await HlsPackager.open({ dir, ...OPTIONS });
  const segments: SegmentInfo[] = [];
  const parts: PartInfo[] = [];
  const errors: PlayerStreamerError[] = [];
  packager.on('segment', (s) => void segments.push(s));
  packager.on('part', (p) => void parts.push(p));
  packager.on('error', (e) => void errors.push(e));
  return { packager, segments, parts, errors };
}

const partUris = (text: string) => [...text.matchAll(/#EXT-X-PART:[^\n]*URI="(part-(\d+)\.m4s)"/g)].map((m) => m[1]!);
const partNumber = (uri: string) => Number(/^part-(\d+)\.m4s$/.exec(uri)![1]);

describe('HlsPackager resume with real ffmpeg', () => {
  it('continues a stream cut in the middle of a segment as one valid LL-HLS playlist', async () => {
    const dir = join(root, 'cut');
    const first = await open(dir);
    expect(first.packager.resumed).toBe(false);
    // The first packager gets 45% of the stream, then "dies": no end(), no finish().
    const input = first.packager.input();
    for (const piece of rechunk(clip.subarray(0, Math.floor(clip.length * 0.45)), seededRandom(3))) input.write(piece);
    await first.packager.idle();
    expect(first.errors).toEqual([]);
    expect(first.segments.length).toBeGreaterThanOrEqual(2);
    const before = readFileSync(join(dir, 'index.m3u8'), 'utf8');
    const snapshot = parseSnapshot(readFileSync(join(dir, 'packager.json'), 'utf8'));
    expect(snapshot.openParts.length).toBeGreaterThan(0); // cut mid-segment: an unfinished segment is listed
    expect(snapshot.nextSequence).toBe(first.segments.length);
    expect(snapshot.nextPart).toBe(first.parts.length);
    const oldOpen = new Set(snapshot.openParts);
    const firstFiles = new Map<string, Buffer>();
    for (const name of await readdir(dir)) if (/^(part|seg|init)-/.test(name)) firstFiles.set(name, await readFile(join(dir, name)));

    const second = await open(dir);
    expect(second.packager.resumed).toBe(true);
    const texts: string[] = []; // parsed after: a listener's exception would only be logged
    const look = () => void texts.push(readFileSync(join(dir, 'index.m3u8'), 'utf8'));
    second.packager.on('part', look);
    second.packager.on('segment', look);
    const next = second.packager.input();
    for (const piece of rechunk(clip, seededRandom(4))) next.write(piece);
    await next.end();
    await second.packager.finish();
    expect(second.errors).toEqual([]);
    const reloads: ParsedPlaylist[] = texts.map(parsePlaylist);

    // Every playlist the second packager wrote: valid, and continuing the first one's.
    const old = parsePlaylist(before);
    expect(reloads[0]!.mediaSequence).toBe(old.mediaSequence);
    expect(reloads[0]!.segments.map((s) => s.uri)).toEqual(old.segments.map((s) => s.uri)); // window kept, open segment dropped
    for (let i = 1; i < reloads.length; i++) {
      expect(reloads[i]!.mediaSequence).toBeGreaterThanOrEqual(reloads[i - 1]!.mediaSequence);
      expect(reloads[i]!.discontinuitySequence).toBeGreaterThanOrEqual(reloads[i - 1]!.discontinuitySequence);
    }
    for (const text of texts) for (const uri of partUris(text)) expect(oldOpen.has(uri), `${uri} of the dropped segment is listed`).toBe(false);
    // The first segment of the new packager carries the discontinuity and its own init section.
    expect(second.segments[0]).toMatchObject({ sequence: snapshot.nextSequence, discontinuity: true, initUri: RESUMED_INIT });
    expect(second.segments.slice(1).every((s) => !s.discontinuity)).toBe(true);
    // Part numbers go on after the part the old playlist hinted at, and the margin: no name reused.
    expect(second.parts[0]!.sequence).toBe(snapshot.nextPart + 1 + RESUME_MARGIN.parts);
    const hinted = /PRELOAD-HINT:TYPE=PART,URI="(part-\d+\.m4s)"/.exec(before)![1]!;
    expect(partNumber(hinted)).toBe(snapshot.nextPart);

    const final = readFileSync(join(dir, 'index.m3u8'), 'utf8');
    const parsed = parsePlaylist(final);
    expect(parsed.ended).toBe(true);
    // one discontinuity: listed on the first resumed segment, or counted once it left
    const listedDiscontinuities = parsed.segments.filter((s) => s.discontinuity).map((s) => s.sequence);
    if (parsed.mediaSequence > snapshot.nextSequence) expect([parsed.discontinuitySequence, listedDiscontinuities]).toEqual([1, []]);
    else expect([parsed.discontinuitySequence, listedDiscontinuities]).toEqual([0, [snapshot.nextSequence]]);
    for (const s of parsed.segments) expect(s.map).toBe(s.sequence < snapshot.nextSequence ? 'init-0.mp4' : RESUMED_INIT);
    const listedParts = partUris(final).map(partNumber);
    expect([...listedParts].sort((a, b) => a - b)).toEqual(listedParts);

    // Files: what the first packager wrote was never overwritten; what left the window is collected.
    const now = new Set(await readdir(dir));
    for (const [name, bytes] of firstFiles) {
      if (now.has(name)) expect((await readFile(join(dir, name))).equals(bytes), `${name} was overwritten`).toBe(true);
    }
    for (const uri of oldOpen) expect(now.has(uri), `${uri} left behind`).toBe(false);
    expect(existsSync(join(dir, `part-${snapshot.nextPart}.m4s`))).toBe(false);
    const listed = new Set(parsed.segments.map((s) => s.uri));
    const segFiles = [...now].filter((n) => n.startsWith('seg-'));
    expect(segFiles.filter((n) => !listed.has(n))).toHaveLength(OPTIONS.keepSegments);
    expect([...now].filter((n) => n.startsWith('init-')).sort()).toEqual(parsed.segments[0]!.map === 'init-0.mp4' ? ['init-0.mp4', RESUMED_INIT] : [RESUMED_INIT]);

    const readBack = await run(FFMPEG, ['-v', 'error', '-i', join(dir, 'index.m3u8'), '-c', 'copy', '-f', 'null', '-']);
    expect(readBack.code, readBack.stderr).toBe(0);
  });
});
