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
 *
 * Low-Latency HLS (RFC 8216bis §4.4.3.7, §4.4.4.9, §4.4.5.3), when `lowLatency` is given:
 * - VERSION 9, EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK and EXT-X-PART-INF.
 * - EXT-X-PART lines for the segments that carry `parts` (the packager keeps them on the
 *   last three target durations), INDEPENDENT=YES on parts that start with a keyframe.
 * - The open segment's parts after the last complete segment (its DISCONTINUITY, MAP and
 *   PROGRAM-DATE-TIME first), then EXT-X-PRELOAD-HINT for the next part while live.
 * - A client that ignores parts reads an ordinary live playlist.
 */

export interface PlaylistSegment {
  readonly sequence: number;
  readonly uri: string;
  readonly initUri: string;
  readonly durationSec: number;
  /** An EXT-X-DISCONTINUITY precedes this segment (first segment of a later input). */
  readonly discontinuity: boolean;
  readonly programDateTime: Date;
  /** Its parts, listed while the segment is recent (Low-Latency HLS). */
  readonly parts?: readonly PlaylistPart[];
}

export interface PlaylistPart {
  readonly uri: string;
  readonly durationSec: number;
  /** starts with a keyframe */
  readonly independent: boolean;
}

/** The segment being built: listed as parts only. */
export interface OpenSegment {
  readonly initUri: string;
  readonly discontinuity: boolean;
  readonly programDateTime: Date;
  readonly parts: readonly PlaylistPart[];
}

export interface LowLatencyModel {
  /** EXT-X-PART-INF PART-TARGET: no part lasts longer, s */
  readonly partTargetSec: number;
  /** EXT-X-SERVER-CONTROL PART-HOLD-BACK, s (≥ 2 × PART-TARGET; 3 × recommended) */
  readonly partHoldBackSec: number;
  readonly open?: OpenSegment;
  /** EXT-X-PRELOAD-HINT URI of the next part; omitted once the stream ended */
  readonly preloadHintUri?: string;
}

export interface PlaylistModel {
  readonly targetDuration: number;
  readonly mediaSequence: number;
  readonly discontinuitySequence: number;
  readonly segments: readonly PlaylistSegment[];
  readonly ended: boolean;
  readonly lowLatency?: LowLatencyModel;
}

/** EXTINF duration: three decimals, as the brief of the playlist format wants. */
export function formatDuration(sec: number): string {
  return sec.toFixed(3);
}

export function renderPlaylist(model: PlaylistModel): string {
  const ll = model.lowLatency;
  const lines = ['#EXTM3U', `#EXT-X-VERSION:${ll ? 9 : 7}`, `#EXT-X-TARGETDURATION:${model.targetDuration}`];
  if (ll) {
    lines.push(`#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=${formatDuration(ll.partHoldBackSec)}`);
    lines.push(`#EXT-X-PART-INF:PART-TARGET=${formatDuration(ll.partTargetSec)}`);
  }
  lines.push(
    `#EXT-X-MEDIA-SEQUENCE:${model.mediaSequence}`,
    `#EXT-X-DISCONTINUITY-SEQUENCE:${model.discontinuitySequence}`,
    '#EXT-X-INDEPENDENT-SEGMENTS',
  );
  let map: string | undefined;
  const head = (segment: { discontinuity: boolean; initUri: string; programDateTime: Date }) => {
    if (segment.discontinuity) lines.push('#EXT-X-DISCONTINUITY');
    if (segment.initUri !== map) {
      lines.push(`#EXT-X-MAP:URI="${segment.initUri}"`);
      map = segment.initUri;
    }
    lines.push(`#EXT-X-PROGRAM-DATE-TIME:${segment.programDateTime.toISOString()}`);
  };
  const parts = (list: readonly PlaylistPart[] | undefined) => {
    for (const part of list ?? []) {
      lines.push(`#EXT-X-PART:DURATION=${formatDuration(part.durationSec)},URI="${part.uri}"${part.independent ? ',INDEPENDENT=YES' : ''}`);
    }
  };
  for (const segment of model.segments) {
    head(segment);
    if (ll) parts(segment.parts);
    lines.push(`#EXTINF:${formatDuration(segment.durationSec)},`);
    lines.push(segment.uri);
  }
  if (ll?.open && ll.open.parts.length > 0 && !model.ended) {
    head(ll.open);
    parts(ll.open.parts);
  }
  if (ll?.preloadHintUri && !model.ended) lines.push(`#EXT-X-PRELOAD-HINT:TYPE=PART,URI="${ll.preloadHintUri}"`);
  if (model.ended) lines.push('#EXT-X-ENDLIST');
  return `${lines.join('\n')}\n`;
}
