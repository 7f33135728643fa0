/** Parses and checks our live playlists in tests (a strict reader of what renderPlaylist writes). */
import { expect } from 'vitest';

export interface ParsedSegment {
  readonly sequence: number;
  readonly uri: string;
  readonly durationSec: number;
  readonly discontinuity: boolean;
  readonly map: string;
  readonly programDateTime: number;
}

export interface ParsedPlaylist {
  readonly version: number;
  readonly targetDuration: number;
  readonly mediaSequence: number;
  readonly discontinuitySequence: number;
  readonly independentSegments: boolean;
  readonly ended: boolean;
  readonly segments: readonly ParsedSegment[];
}

const header = (lines: string[], tag: string): string => {
  const line = lines.find((l) => l.startsWith(`${tag}:`));
  if (!line) throw new Error(`missing ${tag}`);
  return line.slice(tag.length + 1);
};

/** Parses a playlist and asserts the RFC 8216 rules we promise. */
export function parsePlaylist(text: string): ParsedPlaylist {
  expect(text.endsWith('\n')).toBe(true);
  const lines = text.trimEnd().split('\n');
  expect(lines[0]).toBe('#EXTM3U');
  expect(lines.filter((l) => l.startsWith('#EXT-X-PLAYLIST-TYPE'))).toEqual([]);
  const targetDuration = Number(header(lines, '#EXT-X-TARGETDURATION'));
  const mediaSequence = Number(header(lines, '#EXT-X-MEDIA-SEQUENCE'));
  const segments: ParsedSegment[] = [];
  let pending: { discontinuity: boolean; pdt?: number; duration?: number } = { discontinuity: false };
  let map: string | undefined;
  for (const line of lines.slice(1)) {
    if (line === '#EXT-X-DISCONTINUITY') pending.discontinuity = true;
    else if (line.startsWith('#EXT-X-MAP:')) map = /^#EXT-X-MAP:URI="(init-\d+\.mp4)"$/.exec(line)?.[1];
    else if (line.startsWith('#EXT-X-PROGRAM-DATE-TIME:')) pending.pdt = Date.parse(line.slice(25));
    else if (line.startsWith('#EXTINF:')) {
      expect(line).toMatch(/^#EXTINF:\d+\.\d{3},$/);
      pending.duration = Number(line.slice(8, -1));
    } else if (!line.startsWith('#')) {
      expect(line).toMatch(/^seg-\d+\.m4s$/);
      expect(map, `EXT-X-MAP before ${line}`).toBeDefined();
      expect(pending.pdt, `PROGRAM-DATE-TIME before ${line}`).toEqual(expect.any(Number));
      expect(pending.duration, `EXTINF before ${line}`).toEqual(expect.any(Number));
      const sequence = mediaSequence + segments.length;
      expect(line).toBe(`seg-${sequence}.m4s`);
      expect(Math.round(pending.duration!)).toBeLessThanOrEqual(targetDuration);
      segments.push({ sequence, uri: line, durationSec: pending.duration!, discontinuity: pending.discontinuity, map: map!, programDateTime: pending.pdt! });
      pending = { discontinuity: false };
    }
  }
  for (let i = 1; i < segments.length; i += 1) {
    expect(segments[i]!.programDateTime).toBeGreaterThanOrEqual(segments[i - 1]!.programDateTime);
    // A new init file only comes with a discontinuity.
    if (segments[i]!.map !== segments[i - 1]!.map) expect(segments[i]!.discontinuity).toBe(true);
  }
  return {
    version: Number(header(lines, '#EXT-X-VERSION')),
    targetDuration,
    mediaSequence,
    discontinuitySequence: Number(header(lines, '#EXT-X-DISCONTINUITY-SEQUENCE')),
    independentSegments: lines.includes('#EXT-X-INDEPENDENT-SEGMENTS'),
    ended: lines.at(-1) === '#EXT-X-ENDLIST',
    segments,
  };
}
