import type { HlsConfig } from 'hls.js';

/**
 * How far behind the live edge the player aims, in seconds, unless the application sets its
 * own. onair's segments are ~1 s with `EXT-X-TARGETDURATION: 2` (a bound, not the usual
 * length), so hls.js's count-based default (2 × target duration = 4 s) would sit 4 s behind
 * the edge; 1.5 s of media ahead measured smooth on this stack (BENCHMARKS.md, glass-to-glass).
 */
export const LIVE_SYNC_SECONDS = 1.5;

/** hls.js settings measured on this stack (FACTS.md: latency seen); the app may override. */
export const HLS_CONFIG_DEFAULTS: Partial<HlsConfig> = {
  lowLatencyMode: true,
  maxLiveSyncPlaybackRate: 1.5,
  backBufferLength: 10,
};

const COUNT_KEYS = ['liveSyncDurationCount', 'liveMaxLatencyDurationCount'] as const;
const DURATION_KEYS = ['liveSyncDuration', 'liveMaxLatencyDuration'] as const;

/**
 * The player's hls.js config: its defaults, then the application's settings. hls.js refuses
 * a config that mixes the count-based and the seconds-based live sync settings, so the
 * player's own target (seconds) applies only when the application set neither kind;
 * `null`/`undefined` application values count as unset.
 */
export function hlsConfigFor(app: Partial<HlsConfig> = {}): Partial<HlsConfig> {
  const config: Partial<HlsConfig> = { ...HLS_CONFIG_DEFAULTS };
  for (const [key, value] of Object.entries(app)) {
    if (value !== null && value !== undefined) (config as Record<string, unknown>)[key] = value;
  }
  const setsCounts = COUNT_KEYS.some((k) => config[k] !== undefined);
  const setsDurations = DURATION_KEYS.some((k) => config[k] !== undefined);
  if (!setsCounts && !setsDurations) config.liveSyncDuration = LIVE_SYNC_SECONDS;
  return config;
}
