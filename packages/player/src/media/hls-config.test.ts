import { describe, expect, test } from 'vitest';
import { HLS_CONFIG_DEFAULTS, LIVE_SYNC_SECONDS, STANDARD_LIVE_SYNC_SECONDS, hlsConfigFor } from './hls-config.js';

describe('hlsConfigFor', () => {
  test('without application settings: the defaults and a live sync target in seconds', () => {
    const config = hlsConfigFor();
    expect(config).toEqual({ ...HLS_CONFIG_DEFAULTS, liveSyncDuration: LIVE_SYNC_SECONDS });
    expect(config.liveSyncDurationCount).toBeUndefined();
  });

  test.each([
    [{ liveSyncDurationCount: 3 }, { liveSyncDurationCount: 3 }],
    [{ liveMaxLatencyDurationCount: 10 }, { liveMaxLatencyDurationCount: 10 }],
    [{ liveSyncDuration: 2.5 }, { liveSyncDuration: 2.5 }],
    [{ liveSyncDuration: 1, liveMaxLatencyDuration: 4 }, { liveSyncDuration: 1, liveMaxLatencyDuration: 4 }],
  ])('an application live sync setting %o replaces the target, never mixed with it', (app, expected) => {
    const config = hlsConfigFor(app);
    expect(config).toMatchObject(expected);
    const counts = config.liveSyncDurationCount !== undefined || config.liveMaxLatencyDurationCount !== undefined;
    const seconds = config.liveSyncDuration !== undefined || config.liveMaxLatencyDuration !== undefined;
    expect(counts && seconds).toBe(false);
  });

  test('null or undefined application values count as unset', () => {
    const config = hlsConfigFor({ liveSyncDurationCount: null as unknown as number, backBufferLength: undefined });
    expect(config.liveSyncDurationCount).toBeUndefined();
    expect(config.liveSyncDuration).toBe(LIVE_SYNC_SECONDS);
    expect(config.backBufferLength).toBe(HLS_CONFIG_DEFAULTS.backBufferLength);
  });

  test('other application settings win over the defaults', () => {
    expect(hlsConfigFor({ lowLatencyMode: false, maxLiveSyncPlaybackRate: 2 })).toMatchObject({
      lowLatencyMode: false,
      maxLiveSyncPlaybackRate: 2,
      liveSyncDuration: LIVE_SYNC_SECONDS,
    });
  });

  test('a low latency stream: hls.js aims for the playlist\'s PART-HOLD-BACK (no live sync setting of ours)', () => {
    const config = hlsConfigFor({}, { latencyMode: 'low' });
    expect(config).toEqual(HLS_CONFIG_DEFAULTS);
    expect(config.lowLatencyMode).toBe(true);
  });

  test('a standard latency stream: 3 s behind (1.5 segments of 2 s)', () => {
    expect(hlsConfigFor({}, { latencyMode: 'standard' }).liveSyncDuration).toBe(STANDARD_LIVE_SYNC_SECONDS);
  });

  test('the targetLatency option wins over the stream\'s mode; hls.js settings of the application win over both', () => {
    expect(hlsConfigFor({}, { latencyMode: 'low', targetLatency: 0.9 }).liveSyncDuration).toBe(0.9);
    expect(hlsConfigFor({}, { latencyMode: 'standard', targetLatency: 5 }).liveSyncDuration).toBe(5);
    const app = hlsConfigFor({ liveSyncDurationCount: 2 }, { latencyMode: 'low', targetLatency: 0.9 });
    expect(app.liveSyncDuration).toBeUndefined();
    expect(app.liveSyncDurationCount).toBe(2);
  });
});
