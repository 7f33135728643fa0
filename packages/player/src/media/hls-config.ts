import type { HlsConfig } from 'hls.js';

/** What the player knows about the stream before hls.js starts (the playback session says). */
export interface StreamLatency {
  /** the PlayerStreamer's latency mode; undefined from servers that do not say */
  latencyMode?: 'low' | 'standard';
  /** the application's `targetLatency` option, s */
  targetLatency?: number;
}

/**
 * How far behind the live edge the player aims, in seconds, when the stream's own hint does
 * not apply. Plain HLS with onair's ~1 s segments (`EXT-X-TARGETDURATION: 2`, a bound, not the
 * usual length): hls.js's count-based default (2 × target duration = 4 s) would sit 4 s
 * behind; 1.5 s of media ahead measured smooth (BENCHMARKS.md, glass-to-glass).
 */
export const LIVE_SYNC_SECONDS = 1.5;
/** `standard` latency mode: 2 s segments; 1.5 segments behind the edge. */
export const STANDARD_LIVE_SYNC_SECONDS = 3;

/** hls.js settings measured on this stack (FACTS.md: Low-Latency HLS); the app may override. */
export const HLS_CONFIG_DEFAULTS: Partial<HlsConfig> = {
  // LL-HLS parts and blocking reload when the playlist offers them; the target latency is
  // then the playlist's PART-HOLD-BACK
  lowLatencyMode: true,
  // hls.js only speeds up with more than 1 s buffered, which a low latency buffer never has,
  // so it never catches up: the player holds the target with the rate itself (catch-up.ts).
  // An application that sets this above 1 hands the rate back to hls.js.
  maxLiveSyncPlaybackRate: 1,
  backBufferLength: 10,
  // hls.js moves its target back after every stall (default 1 s); the player does it itself,
  // only for stalls for lack of media, and gives it back later (live/stall-allowance.ts)
  liveSyncOnStallIncrease: 0,
};

const COUNT_KEYS = ['liveSyncDurationCount', 'liveMaxLatencyDurationCount'] as const;
const DURATION_KEYS = ['liveSyncDuration', 'liveMaxLatencyDuration'] as const;

/**
 * The player's hls.js config: its defaults, then the application's settings. The live sync
 * target: the application's hls.js live sync settings if any (hls.js refuses a config that
 * mixes the count-based and the seconds-based ones, so the player adds none then); else the
 * `targetLatency` option; else PART-HOLD-BACK for low latency streams (hls.js reads it from
 * the playlist), 3 s for standard ones, 1.5 s when the server did not say.
 * `null`/`undefined` application values count as unset.
 */
export function hlsConfigFor(app: Partial<HlsConfig> = {}, stream: StreamLatency = {}): Partial<HlsConfig> {
  const config: Partial<HlsConfig> = { ...HLS_CONFIG_DEFAULTS };
  for (const [key, value] of Object.entries(app)) {
    if (value !== null && value !== undefined) (config as Record<string, unknown>)[key] = value;
  }
  const setsCounts = COUNT_KEYS.some((k) => config[k] !== undefined);
  const setsDurations = DURATION_KEYS.some((k) => config[k] !== undefined);
  if (setsCounts || setsDurations) return config;
  if (stream.targetLatency !== undefined) config.liveSyncDuration = stream.targetLatency;
  else if (stream.latencyMode === 'standard') config.liveSyncDuration = STANDARD_LIVE_SYNC_SECONDS;
  else if (stream.latencyMode === undefined) config.liveSyncDuration = LIVE_SYNC_SECONDS;
  return config;
}
