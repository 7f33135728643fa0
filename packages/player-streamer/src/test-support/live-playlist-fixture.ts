/** A live LL-HLS playlist as the origin reads it: segments 5, 6 (6 has 5 parts), open segment 7 with parts 35, 36, hint part-37, PART-TARGET 0.234. */
import type { LivePlaylist } from '../playback/live-playlist.js';

export const LIVE_LL_PLAYLIST: LivePlaylist = {
  targetDuration: 2,
  mediaSequence: 5,
  lastMsn: 6,
  openMsn: 7,
  openParts: 2,
  lastSegmentParts: 5,
  partTarget: 0.234,
  lastPartNumber: 36,
  preloadHint: { uri: 'part-37.m4s', partNumber: 37 },
  ended: false,
  canBlockReload: true,
};
