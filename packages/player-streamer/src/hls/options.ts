/** Options of `HlsPackager`, their defaults (one object) and their validation (once, at open). */
import { PlayerStreamerError } from '../errors.js';
import type { ListenerErrorHandler } from '@onair/protocol';
import type { PackagerStore } from './store.js';

export interface HlsPackagerOptions {
  /**
   * Directory the packager owns (created when missing). Files with names the packager
   * generates (index.m3u8, init-N.mp4, seg-N.m4s, their temp files) found there at open
   * are leftovers of an earlier run and are removed (unless `resume` finds a snapshot).
   * Exactly one of `dir` and `store` is given.
   */
  readonly dir?: string;
  /**
   * Where the files go instead of a local directory (e.g. an `HttpPushStore`). The packager
   * owns it from a successful `open` on: `finish()` and `close()` close it.
   */
  readonly store?: PackagerStore;
  /**
   * The stream may outlive this packager. At open, continue the stream whose snapshot
   * (`packager.json`) the store holds, if any: the next media sequence, part and init
   * numbers, the live window and discontinuity sequence; the first segment published
   * carries EXT-X-DISCONTINUITY and the previous packager's unfinished segment is dropped.
   * Without a snapshot, start fresh. Either way, write a snapshot before every playlist
   * write so that a later packager can continue. Default false: a fresh stream, no snapshot.
   */
  readonly resume?: boolean;
  /**
   * Desired segment duration. Segments are cut only at keyframes, at the one that lands
   * closest to this duration (see segmenter.ts); the encoder's keyframe interval should
   * equal it (or divide it).
   */
  readonly targetDurationSec: number;
  /** Segments listed in the live playlist (more when needed to cover 3 × TARGETDURATION, RFC 8216 §6.2.2). */
  readonly windowSegments: number;
  /** Segments kept on disk after they left the playlist, for slow players (default: windowSegments). */
  readonly keepSegments?: number;
  /**
   * The EXT-X-TARGETDURATION value, an integer that never changes. Default
   * `max(1, ceil(targetDurationSec × 1.5))`: keyframes that arrive late by up to half a
   * target still give compliant segments (rounded EXTINF ≤ TARGETDURATION). A larger value
   * costs player latency: hls.js waits `liveSyncDurationCount × TARGETDURATION` behind the
   * live edge unless `liveSyncDuration` is set. Set it to `ceil(targetDurationSec)` when
   * the encoder places keyframes exactly (ffmpeg `-g`, `-sc_threshold 0`).
   */
  readonly playlistTargetDuration?: number;
  /**
   * Every fragment of the input ends right before a keyframe (ffmpeg `-movflags
   * +frag_keyframe` without `-frag_duration`): a segment is published as soon as its last
   * fragment is complete, one GOP sooner. Default false (parts that end mid-GOP).
   */
  readonly fragmentsEndAtKeyframes?: boolean;
  /**
   * Low-Latency HLS: every fragment of the input (ffmpeg `-frag_duration`) becomes a part
   * (`part-<n>.m4s`), listed with EXT-X-PART and announced with EXT-X-PRELOAD-HINT. This is
   * the declared EXT-X-PART-INF PART-TARGET, s: the longest a part may last (allow one
   * frame over the fragment duration ffmpeg aims for). Unset: plain HLS, no parts.
   */
  readonly partTargetSec?: number;
  /** EXT-X-SERVER-CONTROL PART-HOLD-BACK, s (default 3 × partTargetSec; at least 2 ×). */
  readonly partHoldBackSec?: number;
  /** Clock in ms since the epoch (tests freeze it); used for EXT-X-PROGRAM-DATE-TIME and lastSegmentAt. */
  readonly now?: () => number;
  /** Largest accepted MP4 box (default 64 MiB); bigger sizes are treated as garbage. */
  readonly maxBoxSize?: number;
  /** `input.write()` returns false while more bytes than this wait to be written to disk (default 16 MiB). */
  readonly highWaterMarkBytes?: number;
  /** Where exceptions thrown by event listeners go (default console.error). */
  readonly onListenerError?: ListenerErrorHandler;
}

export const HLS_PACKAGER_DEFAULTS = {
  targetDurationHeadroom: 1.5,
  maxBoxSize: 64 * 1024 * 1024,
  highWaterMarkBytes: 16 * 1024 * 1024,
  now: (): number => Date.now(),
  /** RFC 8216 §6.2.2: a live playlist must not get shorter than three target durations. */
  minWindowTargetDurations: 3,
  /** PART-HOLD-BACK in parts (RFC 8216bis: at least 2, 3 recommended) */
  partHoldBackParts: 3,
  /** EXT-X-PART lines stay on segments this many target durations from the live edge (RFC 8216bis §4.4.4.9) */
  partListTargetDurations: 3,
} as const;

export interface ResolvedHlsOptions {
  readonly dir: string | undefined;
  readonly store: PackagerStore | undefined;
  readonly resume: boolean;
  readonly targetDurationSec: number;
  readonly windowSegments: number;
  readonly keepSegments: number;
  readonly playlistTargetDuration: number;
  readonly fragmentsEndAtKeyframes: boolean;
  readonly lowLatency: { readonly partTargetSec: number; readonly partHoldBackSec: number } | undefined;
  readonly now: () => number;
  readonly maxBoxSize: number;
  readonly highWaterMarkBytes: number;
  readonly onListenerError?: ListenerErrorHandler;
}

/** The default TARGETDURATION for a desired segment duration (see `playlistTargetDuration`). */
export function defaultPlaylistTargetDuration(targetDurationSec: number): number {
  return Math.max(1, Math.ceil(targetDurationSec * HLS_PACKAGER_DEFAULTS.targetDurationHeadroom));
}

const isInt = (value: unknown, min: number): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= min;

export function resolveHlsOptions(options: HlsPackagerOptions): ResolvedHlsOptions {
  const fail = (message: string): never => {
    throw PlayerStreamerError.invalidOptions(message);
  };
  if (options.store === undefined && (typeof options.dir !== 'string' || options.dir.length === 0)) fail('dir must be a non-empty path (or give a store)');
  if (options.store !== undefined && options.dir !== undefined) fail('give either dir or store, not both');
  if (options.store !== undefined && (typeof options.store !== 'object' || typeof options.store.writeAtomic !== 'function')) fail('store must be a PackagerStore');
  if (options.resume !== undefined && typeof options.resume !== 'boolean') fail('resume must be a boolean');
  const target = options.targetDurationSec;
  if (typeof target !== 'number' || !Number.isFinite(target) || target < 0.1 || target > 60) {
    fail('targetDurationSec must be a number between 0.1 and 60');
  }
  if (!isInt(options.windowSegments, 1) || options.windowSegments > 10_000) fail('windowSegments must be an integer between 1 and 10000');
  const keepSegments = options.keepSegments ?? options.windowSegments;
  if (!isInt(keepSegments, 0) || keepSegments > 10_000) fail('keepSegments must be an integer between 0 and 10000');
  const playlistTargetDuration = options.playlistTargetDuration ?? defaultPlaylistTargetDuration(target);
  if (!isInt(playlistTargetDuration, Math.ceil(target))) {
    fail(`playlistTargetDuration must be an integer ≥ ceil(targetDurationSec) = ${Math.ceil(target)}`);
  }
  let lowLatency: ResolvedHlsOptions['lowLatency'];
  if (options.partTargetSec !== undefined) {
    const part = options.partTargetSec;
    if (typeof part !== 'number' || !Number.isFinite(part) || part < 0.05 || part > target) {
      fail('partTargetSec must be a number between 0.05 and targetDurationSec');
    }
    const holdBack = options.partHoldBackSec ?? HLS_PACKAGER_DEFAULTS.partHoldBackParts * part;
    if (typeof holdBack !== 'number' || !Number.isFinite(holdBack) || holdBack < 2 * part) fail('partHoldBackSec must be at least 2 × partTargetSec');
    if (options.fragmentsEndAtKeyframes) fail('fragmentsEndAtKeyframes and partTargetSec exclude each other: parts end mid-GOP');
    lowLatency = { partTargetSec: part, partHoldBackSec: holdBack };
  }
  const maxBoxSize = options.maxBoxSize ?? HLS_PACKAGER_DEFAULTS.maxBoxSize;
  if (!isInt(maxBoxSize, 1024)) fail('maxBoxSize must be an integer ≥ 1024');
  const highWaterMarkBytes = options.highWaterMarkBytes ?? HLS_PACKAGER_DEFAULTS.highWaterMarkBytes;
  if (!isInt(highWaterMarkBytes, 1)) fail('highWaterMarkBytes must be a positive integer');
  if (options.now !== undefined && typeof options.now !== 'function') fail('now must be a function');
  return {
    dir: options.dir,
    store: options.store,
    resume: options.resume === true,
    targetDurationSec: target,
    windowSegments: options.windowSegments,
    keepSegments,
    playlistTargetDuration,
    fragmentsEndAtKeyframes: options.fragmentsEndAtKeyframes === true,
    lowLatency,
    now: options.now ?? HLS_PACKAGER_DEFAULTS.now,
    maxBoxSize,
    highWaterMarkBytes,
    ...(options.onListenerError ? { onListenerError: options.onListenerError } : {}),
  };
}
