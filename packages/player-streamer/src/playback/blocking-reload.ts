/**
 * When a Low-Latency HLS request is answered, held or refused (pure). The rules are RFC 8216bis
 * (draft-pantos-hls-rfc8216bis) §6.2.5.2 "Blocking Playlist Reload" and §6.2.6 "Preload Hints":
 *
 * - `_HLS_msn=M` alone: answer once the playlist contains segment M (complete) or later.
 * - `_HLS_msn=M&_HLS_part=P`: answer once it contains part P of segment M or a later part; a
 *   part index past the final part of a complete segment is part 0 of the next one.
 * - `_HLS_part` without `_HLS_msn` → 400 (MUST). M more than two segments beyond the last
 *   segment of the playlist, or P more than the Advance Part Limit beyond its last part → 400
 *   at once (SHOULD); the Advance Part Limit is 3 / PART-TARGET when PART-TARGET < 1 s, else 3.
 * - The directives are ignored when the playlist has EXT-X-ENDLIST (MUST) and, here, when it
 *   does not advertise CAN-BLOCK-RELOAD=YES (the server does not support them for it).
 * - Not available after blocking for three target durations → 503 (SHOULD).
 * - A part that is not there: held when it is the hinted one (or just past it), else 404
 *   (§6.2.6: 404 for "a resource that it cannot find and that is not specified by an
 *   EXT-X-PRELOAD-HINT tag in an active Media Playlist").
 */
import { decimalInteger, type LivePlaylist } from './live-playlist.js';

/** A blocking reload request: `_HLS_msn` and, optionally, `_HLS_part`. */
export interface BlockingRequest {
  readonly msn: number;
  readonly part?: number;
}

/** `bad`: the query is malformed (400); `none`: no directive (a plain playlist request). */
export type DirectivesParse = { readonly kind: 'none' } | { readonly kind: 'bad'; readonly reason: string } | { readonly kind: 'block'; readonly request: BlockingRequest };

export const PART_DIRECTIVE = '_HLS_part';
export const MSN_DIRECTIVE = '_HLS_msn';

/** Parts past the hinted one that are still held for (a client may run a little ahead of the hint). */
export const PARTS_AHEAD_OF_HINT = 2;

/** Strict: each directive at most once, a decimal integer (digits only, safe). */
export function parseDirectives(rawQuery: string): DirectivesParse {
  const params = new URLSearchParams(rawQuery);
  const msn = params.getAll(MSN_DIRECTIVE);
  const part = params.getAll(PART_DIRECTIVE);
  if (msn.length === 0 && part.length === 0) return { kind: 'none' };
  if (msn.length === 0) return { kind: 'bad', reason: `${PART_DIRECTIVE} needs ${MSN_DIRECTIVE}` };
  if (msn.length > 1 || part.length > 1) return { kind: 'bad', reason: `${MSN_DIRECTIVE} and ${PART_DIRECTIVE} may each appear once` };
  const m = decimalInteger(msn[0]);
  if (m === undefined) return { kind: 'bad', reason: `${MSN_DIRECTIVE} must be a non-negative integer` };
  if (part.length === 0) return { kind: 'block', request: { msn: m } };
  const p = decimalInteger(part[0]);
  if (p === undefined) return { kind: 'bad', reason: `${PART_DIRECTIVE} must be a non-negative integer` };
  return { kind: 'block', request: { msn: m, part: p } };
}

/** How a request stands against the current playlist. */
export type Decision = { readonly kind: 'answer' } | { readonly kind: 'hold' } | { readonly kind: 'refuse'; readonly reason: string };

const ANSWER: Decision = Object.freeze({ kind: 'answer' });
const HOLD: Decision = Object.freeze({ kind: 'hold' });

/** RFC 8216bis §6.2.5.2: 3 / PART-TARGET when PART-TARGET < 1 s, else 3. */
export function advancePartLimit(partTarget: number | undefined): number {
  return partTarget !== undefined && partTarget > 0 && partTarget < 1 ? 3 / partTarget : 3;
}

/** Whether the playlist holds requests at all: it advertises CAN-BLOCK-RELOAD=YES and is live. */
export const blocksReload = (p: LivePlaylist): boolean => p.canBlockReload && !p.ended;

export function decideReload(p: LivePlaylist, r: BlockingRequest): Decision {
  if (!blocksReload(p)) return ANSWER;
  if (r.msn > p.openMsn + 1) {
    return { kind: 'refuse', reason: `${MSN_DIRECTIVE}=${r.msn} is more than two segments beyond the last segment of the playlist (${p.openMsn - 1})` };
  }
  const last = p.openMsn - 1; // every segment before the open one is complete (listed, or gone from the window)
  if (r.part === undefined) return r.msn <= last ? ANSWER : HOLD;
  if (r.msn < last) return ANSWER; // the segment after it is complete
  if (r.msn === last) {
    // complete: its parts are all there; past its final part means part 0 of the open segment
    if (p.lastSegmentParts === 0 || r.part < p.lastSegmentParts) return ANSWER;
    return p.openParts > 0 ? ANSWER : HOLD;
  }
  // the open segment or the one after it: how many parts past the last listed one?
  const ahead = r.msn === p.openMsn ? r.part - (p.openParts - 1) : r.part + 1 + Math.max(0, p.lastSegmentParts - p.openParts);
  if (ahead > advancePartLimit(p.partTarget)) {
    return { kind: 'refuse', reason: `${PART_DIRECTIVE}=${r.part} of segment ${r.msn} is more than the Advance Part Limit beyond the last part of the playlist` };
  }
  return r.msn === p.openMsn && r.part < p.openParts ? ANSWER : HOLD;
}

/**
 * A part file that is not on disk (yet): held while it is the preload hint or a couple of
 * parts past it in a live playlist, else refused (404: it is gone, or far ahead).
 */
export function decideMissingPart(p: LivePlaylist, partNumber: number): Decision {
  if (p.ended) return { kind: 'refuse', reason: 'The stream ended' };
  const hinted = p.preloadHint?.partNumber;
  const lastListed = p.lastPartNumber ?? (hinted === undefined ? undefined : hinted - 1);
  if (lastListed === undefined) return { kind: 'refuse', reason: 'The playlist lists no parts' };
  if (partNumber <= lastListed) return { kind: 'refuse', reason: 'The part has left the live window' };
  const next = Math.max(hinted ?? lastListed + 1, lastListed + 1);
  if (partNumber > next + PARTS_AHEAD_OF_HINT) return { kind: 'refuse', reason: 'The part is too far ahead of the live edge' };
  return HOLD;
}

/** §6.2.5.2: a server that cannot answer after blocking for three target durations answers 503. */
export function holdTimeoutMs(p: LivePlaylist): number {
  return 3 * Math.max(p.targetDuration, 1) * 1000;
}
