/**
 * How a PlayerStreamer's HLS is cut, from its latency mode and the composer's media settings.
 *
 * - `low` (default): Low-Latency HLS. Segments of one keyframe interval, every ffmpeg
 *   fragment a part; PART-TARGET is the part duration plus one frame, since ffmpeg closes a
 *   fragment with the first packet past its duration (FACTS: Low-Latency HLS).
 * - `standard`: plain HLS with `standardSegmentSeconds` segments (several keyframe
 *   intervals), for players and CDNs that do not know LL-HLS.
 */
import type { LatencyMode } from '@onair/protocol';
import type { HlsPackagerOptions } from '@onair/player-streamer';
import type { MediaSettings } from '../defaults.js';

export function streamPackaging(mode: LatencyMode, media: MediaSettings): Omit<HlsPackagerOptions, 'dir'> {
  const windowSegments = media.windowSegments;
  if (mode === 'standard' || media.partSeconds <= 0) {
    const targetDurationSec = mode === 'standard' ? Math.max(media.segmentSeconds, media.standardSegmentSeconds) : media.segmentSeconds;
    return {
      targetDurationSec,
      windowSegments: mode === 'standard' ? Math.max(3, Math.ceil((windowSegments * media.segmentSeconds) / targetDurationSec)) : windowSegments,
      // without parts ffmpeg writes one fragment per GOP: publish each segment once complete
      fragmentsEndAtKeyframes: media.partSeconds <= 0,
    };
  }
  // whole ms, rounded up (after rounding away float noise: 0.2 + 0.04 is 0.24000000000000002)
  const partTargetSec = Math.ceil(Math.round((media.partSeconds + 1 / media.frameRate) * 1e6) / 1000) / 1000;
  return { targetDurationSec: media.segmentSeconds, windowSegments, partTargetSec };
}
