import type { HlsConfig } from 'hls.js';
import type { CatchUpOptions } from './live/catch-up.js';

/** Options of `Player.connect`. */
export interface ConnectOptions {
  /** start playing as soon as the stream can play (muted when the browser blocks sound); default false */
  autoplay?: boolean;
  /** the `<video>` to play in; default a new one (`player.videoElement`, not yet in the page) */
  video?: HTMLVideoElement;
  /** where the grant's signing keys are; default `<server>/.well-known/jwks.json` */
  jwksUrl?: string;
  /** seconds behind the target latency after which the player jumps to the live edge; default 3 */
  catchUpSeekThreshold?: number;
  /** ms before retrying a playlist that has no segment yet; doubles up to `maxPlaylistRetryDelay` */
  playlistRetryDelay?: number;
  maxPlaylistRetryDelay?: number;
  /**
   * seconds behind the live edge to aim for; default the stream's: its playlist's
   * PART-HOLD-BACK for low latency streams (~0.7 s), 3 s for standard ones
   */
  targetLatency?: number;
  /** hls.js settings merged over the player's own */
  hlsConfig?: Partial<HlsConfig>;
  /** 'auto' (default): hls.js where Media Source Extensions exist, else the browser's HLS */
  engine?: 'auto' | 'hls.js' | 'native';
  /** fetch implementation; default the global one */
  fetch?: typeof fetch;
}

/** The one defaults object. */
export const playerDefaults = {
  autoplay: false,
  catchUpSeekThreshold: 3,
  playlistRetryDelay: 500,
  maxPlaylistRetryDelay: 2_000,
  engine: 'auto',
  /** ms between live-edge checks while playing */
  catchUpInterval: 250,
  /** faster means more frames to decode per second, which a busy machine turns into stalls */
  catchUpMaxRate: 1.25,
  /**
   * s behind the target before playing faster. The latency hls.js reports is a saw tooth (the
   * edge moves a part at a time): a small threshold holds its mean on the target.
   */
  catchUpRateThreshold: 0.05,
  /** s of buffer ahead a speed-up never spends: more than a part (~0.23 s) in flight */
  catchUpMinBuffer: 0.3,
} as const;

/** Every setting, resolved once at the edge. */
export interface InternalConnectOptions {
  readonly autoplay: boolean;
  readonly video: HTMLVideoElement | undefined;
  readonly jwksUrl: string | undefined;
  readonly playlistRetryDelay: number;
  readonly maxPlaylistRetryDelay: number;
  readonly hlsConfig: Partial<HlsConfig>;
  readonly targetLatency: number | undefined;
  readonly engine: 'auto' | 'hls.js' | 'native';
  readonly fetch: typeof fetch;
  readonly catchUpInterval: number;
  readonly catchUp: Omit<CatchUpOptions, 'adjustRate'>;
}

/** Validates `options` and merges them with {@link playerDefaults}. Throws TypeError. */
export function resolveConnectOptions(options: ConnectOptions = {}): InternalConnectOptions {
  if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object');
  const positive = (name: string, value: number) => {
    if (!(typeof value === 'number' && Number.isFinite(value) && value > 0)) {
      throw new TypeError(`${name} must be a positive number`);
    }
    return value;
  };
  const engine = options.engine ?? playerDefaults.engine;
  if (!['auto', 'hls.js', 'native'].includes(engine)) throw new TypeError("engine must be 'auto', 'hls.js' or 'native'");
  const fetchImpl = options.fetch ?? (typeof fetch === 'function' ? fetch.bind(globalThis) : undefined);
  if (!fetchImpl) throw new TypeError('no fetch implementation available');
  return {
    autoplay: options.autoplay ?? playerDefaults.autoplay,
    video: options.video,
    jwksUrl: options.jwksUrl,
    playlistRetryDelay: positive('playlistRetryDelay', options.playlistRetryDelay ?? playerDefaults.playlistRetryDelay),
    maxPlaylistRetryDelay: positive(
      'maxPlaylistRetryDelay',
      options.maxPlaylistRetryDelay ?? playerDefaults.maxPlaylistRetryDelay,
    ),
    hlsConfig: { ...options.hlsConfig },
    targetLatency: options.targetLatency === undefined ? undefined : positive('targetLatency', options.targetLatency),
    engine,
    fetch: fetchImpl,
    catchUpInterval: playerDefaults.catchUpInterval,
    catchUp: {
      seekThreshold: positive('catchUpSeekThreshold', options.catchUpSeekThreshold ?? playerDefaults.catchUpSeekThreshold),
      maxRate: playerDefaults.catchUpMaxRate,
      rateThreshold: playerDefaults.catchUpRateThreshold,
      minBuffer: playerDefaults.catchUpMinBuffer,
    },
  };
}
