/**
 * Renders a live HLS media playlist with fMP4 segments (RFC 8216). Pure.
 *
 * Choices:
 * - No EXT-X-PLAYLIST-TYPE: a plain live playlist (EVENT would forbid removing segments).
 * - VERSION 7 (EXT-X-MAP in a media playlist needs ≥ 6).
 * - EXT-X-INDEPENDENT-SEGMENTS: every segment starts with a keyframe (segmenter.ts).
 * - EXT-X-MAP before the first listed segment and wherever the init section changes
 *   (after each discontinuity, one init file per input).
 * - EXT-X-DISCONTINUITY stays on a segment while it is listed, also when it is the first
 *   one; EXT-X-DISCONTINUITY-SEQUENCE counts the tags that left the playlist, so every
 *   segment keeps the same discontinuity sequence number in every reload (§6.2.2).
 * - EXT-X-PROGRAM-DATE-TIME on every segment (ms precision, UTC).
 */

export interface PlaylistSegment {
  readonly sequence: number;
  readonly uri: string;
  readonly initUri: string;
  readonly durationSec: number;
  /** An EXT-X-DISCONTINUITY precedes this segment (first segment of a later input). */
  readonly discontinuity: boolean;
  readonly programDateTime: Date;
}

export interface PlaylistModel {
  readonly targetDuration: number;
  readonly mediaSequence: number;
  readonly discontinuitySequence: number;
  readonly segments: readonly PlaylistSegment[];
  readonly ended: boolean;
}

/** EXTINF duration: three decimals, as the brief of the playlist format wants. */
export function formatDuration(sec: number): string {
  return sec.toFixed(3);
}

export function renderPlaylist(model: PlaylistModel): string {
  const lines = [
    '#EXTM3U',
    '#EXT-X-VERSION:7',
    `#EXT-X-TARGETDURATION:${model.targetDuration}`,
    `#EXT-X-MEDIA-SEQUENCE:${model.mediaSequence}`,
    `#EXT-X-DISCONTINUITY-SEQUENCE:${model.discontinuitySequence}`,
    '#EXT-X-INDEPENDENT-SEGMENTS',
  ];
  let map: string | undefined;
  for (const segment of model.segments) {
    if (segment.discontinuity) lines.push('#EXT-X-DISCONTINUITY');
    if (segment.initUri !== map) {
      lines.push(`#EXT-X-MAP:URI="${segment.initUri}"`);
      map = segment.initUri;
    }
    lines.push(`#EXT-X-PROGRAM-DATE-TIME:${segment.programDateTime.toISOString()}`);
    lines.push(`#EXTINF:${formatDuration(segment.durationSec)},`);
    lines.push(segment.uri);
  }
  if (model.ended) lines.push('#EXT-X-ENDLIST');
  return `${lines.join('\n')}\n`;
}
