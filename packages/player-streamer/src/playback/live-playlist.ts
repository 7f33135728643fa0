/**
 * What the playback origin needs to know about a live media playlist to hold requests for
 * Low-Latency HLS (RFC 8216bis §6.2.5.2 blocking reload, §6.2.6 preload hints). Pure: text in,
 * numbers out. A tolerant reader (it never throws): the packager writes the playlist, so
 * anything unexpected is skipped, and a playlist without EXT-X-SERVER-CONTROL
 * CAN-BLOCK-RELOAD=YES is simply served as it is.
 *
 * Segments after EXT-X-MEDIA-SEQUENCE are counted by their EXTINF; the EXT-X-PART lines
 * after the last segment URI belong to the open (incomplete) segment, whose Media Sequence
 * Number is MEDIA-SEQUENCE + the number of EXTINF entries.
 */
import { partNumberOf } from './stream-files.js';

export interface PreloadHint {
  readonly uri: string;
  /** G of `part-<G>.m4s`; undefined for another name */
  readonly partNumber: number | undefined;
}

export interface LivePlaylist {
  /** EXT-X-TARGETDURATION, s (0 when absent) */
  readonly targetDuration: number;
  /** EXT-X-MEDIA-SEQUENCE (0 when absent, as §4.4.3.2 says) */
  readonly mediaSequence: number;
  /** Media Sequence Number of the last complete segment; undefined when none is listed */
  readonly lastMsn: number | undefined;
  /** Media Sequence Number of the segment being built (the next one) */
  readonly openMsn: number;
  /** EXT-X-PART lines of the open segment */
  readonly openParts: number;
  /** EXT-X-PART lines of the last complete segment (0 when its parts are not listed) */
  readonly lastSegmentParts: number;
  /** EXT-X-PART-INF PART-TARGET, s */
  readonly partTarget: number | undefined;
  /** G of the last listed `part-<G>.m4s` */
  readonly lastPartNumber: number | undefined;
  /** the first EXT-X-PRELOAD-HINT with TYPE=PART (§6.3.8: clients use the first) */
  readonly preloadHint: PreloadHint | undefined;
  /** EXT-X-ENDLIST */
  readonly ended: boolean;
  /** EXT-X-SERVER-CONTROL CAN-BLOCK-RELOAD=YES */
  readonly canBlockReload: boolean;
}

/** `KEY=value,KEY="quoted, value"` → map (§4.2 attribute lists). */
export function parseAttributes(list: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of list.matchAll(/([A-Z0-9-]+)=("[^"\r\n]*"|[^,]*)/g)) {
    const [, key = '', value = ''] = m;
    if (!out.has(key)) out.set(key, value.startsWith('"') ? value.slice(1, -1) : value);
  }
  return out;
}

/** An HLS decimal-integer (§4.2: digits only), when it is a safe integer; else undefined. */
export function decimalInteger(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d{1,16}$/.test(value)) return undefined;
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : undefined;
}

const decimalFloat = (value: string | undefined): number | undefined => {
  if (value === undefined || !/^\d+(?:\.\d+)?$/.test(value.trim())) return undefined;
  return Number(value.trim());
};

const tagValue = (line: string, tag: string): string | undefined => (line.startsWith(`${tag}:`) ? line.slice(tag.length + 1) : undefined);

export function parseLivePlaylist(text: string): LivePlaylist {
  let targetDuration = 0;
  let mediaSequence = 0;
  let segments = 0;
  let parts = 0;
  let lastSegmentParts = 0;
  let partTarget: number | undefined;
  let lastPartNumber: number | undefined;
  let preloadHint: PreloadHint | undefined;
  let ended = false;
  let canBlockReload = false;
  let inSegment = false; // an EXTINF waits for its URI

  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    if (!line.startsWith('#')) {
      if (inSegment) {
        segments += 1;
        lastSegmentParts = parts;
        parts = 0;
        inSegment = false;
      }
      continue;
    }
    let value: string | undefined;
    if ((value = tagValue(line, '#EXTINF')) !== undefined) inSegment = true;
    else if ((value = tagValue(line, '#EXT-X-PART')) !== undefined) {
      parts += 1;
      const uri = parseAttributes(value).get('URI');
      const n = uri === undefined ? undefined : partNumberOf(uri);
      if (n !== undefined) lastPartNumber = n;
    } else if ((value = tagValue(line, '#EXT-X-PRELOAD-HINT')) !== undefined) {
      const attrs = parseAttributes(value);
      const uri = attrs.get('URI');
      if (preloadHint === undefined && attrs.get('TYPE') === 'PART' && uri !== undefined) preloadHint = { uri, partNumber: partNumberOf(uri) };
    } else if ((value = tagValue(line, '#EXT-X-TARGETDURATION')) !== undefined) targetDuration = decimalInteger(value.trim()) ?? 0;
    else if ((value = tagValue(line, '#EXT-X-MEDIA-SEQUENCE')) !== undefined) mediaSequence = decimalInteger(value.trim()) ?? 0;
    else if ((value = tagValue(line, '#EXT-X-SERVER-CONTROL')) !== undefined) canBlockReload = parseAttributes(value).get('CAN-BLOCK-RELOAD') === 'YES';
    else if ((value = tagValue(line, '#EXT-X-PART-INF')) !== undefined) partTarget = decimalFloat(parseAttributes(value).get('PART-TARGET'));
    else if (line === '#EXT-X-ENDLIST') ended = true;
  }

  const openMsn = mediaSequence + segments;
  return {
    targetDuration,
    mediaSequence,
    lastMsn: segments > 0 ? openMsn - 1 : undefined,
    openMsn,
    openParts: parts,
    lastSegmentParts,
    partTarget,
    lastPartNumber,
    preloadHint,
    ended,
    canBlockReload,
  };
}
