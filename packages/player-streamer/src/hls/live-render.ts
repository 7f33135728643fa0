/**
 * The text of the packager's live playlist: its window, and with Low-Latency HLS the parts
 * of recent segments, the segment being built and the preload hint. Pure.
 */
import { HLS_PACKAGER_DEFAULTS, type ResolvedHlsOptions } from './options.js';
import { withRecentParts } from './part-list.js';
import { renderPlaylist, type OpenSegment } from './playlist.js';
import type { LiveWindow } from './window.js';

/**
 * `open` and `hintUri`: the segment being built and the next part as of when the write was
 * queued (parts added since are queued behind it).
 */
export function renderLive(
  options: Pick<ResolvedHlsOptions, 'playlistTargetDuration' | 'lowLatency'>,
  window: LiveWindow,
  ended: boolean,
  open?: OpenSegment,
  hintUri?: string,
): string {
  const base = {
    targetDuration: options.playlistTargetDuration,
    mediaSequence: window.mediaSequence,
    discontinuitySequence: window.discontinuitySequence,
    ended,
  };
  const lowLatency = options.lowLatency;
  if (!lowLatency) return renderPlaylist({ ...base, segments: window.segments });
  const openSec = open?.parts.reduce((sum, p) => sum + p.durationSec, 0) ?? 0;
  const horizonSec = HLS_PACKAGER_DEFAULTS.partListTargetDurations * options.playlistTargetDuration;
  return renderPlaylist({
    ...base,
    segments: withRecentParts(window.segments, openSec, horizonSec),
    lowLatency: {
      partTargetSec: lowLatency.partTargetSec,
      partHoldBackSec: lowLatency.partHoldBackSec,
      ...(open ? { open } : {}),
      ...(hintUri ? { preloadHintUri: hintUri } : {}),
    },
  });
}
