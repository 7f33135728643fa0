/**
 * Whether a stream that has ended (its playlist has EXT-X-ENDLIST) has been played to its end.
 *
 * The `<video>` element's own `ended` event needs the media source marked ended, which
 * hls.js does once it believes every fragment up to the end is buffered. When a live playlist
 * turns into an ended one that bookkeeping can miss (the last segment was appended while the
 * playlist was live, audio ends a few frames before video, a short last segment), and the
 * element then waits at the end for ever. The player instead watches the play head: stuck at
 * the end of what is buffered, and that is the end of the playlist, it has ended.
 */
export interface StreamEndInput {
  /** the playlist is still live (no EXT-X-ENDLIST yet) */
  live: boolean;
  /** the application or the viewer paused */
  paused: boolean;
  /** how long the play head has not moved, ms */
  stuckMs: number;
  /** seconds buffered ahead of the play head */
  bufferAhead: number;
  /** the play head, seconds of media time */
  position: number;
  /** where the playlist's last segment ends, seconds of media time; null when unknown */
  playlistEnd: number | null;
}

export interface StreamEndOptions {
  /** stuck this long at the end of the playlist, the stream has been played out, ms */
  stuckAtEndMs: number;
  /** stuck this long anywhere after the stream ended, the rest cannot be loaded, ms */
  stuckGiveUpMs: number;
  /** how close to the playlist's end counts as the end (a last frame or two), seconds */
  endTolerance: number;
}

export const streamEndDefaults: StreamEndOptions = { stuckAtEndMs: 2_000, stuckGiveUpMs: 15_000, endTolerance: 1 };

export function hasPlayedToEnd(input: StreamEndInput, options: StreamEndOptions = streamEndDefaults): boolean {
  if (input.live || input.paused || input.bufferAhead >= 0.5) return false;
  if (input.stuckMs >= options.stuckGiveUpMs) return true;
  if (input.playlistEnd === null || input.stuckMs < options.stuckAtEndMs) return false;
  return input.position + input.bufferAhead >= input.playlistEnd - options.endTolerance;
}
