import Hls from 'hls.js/light';
import type { ErrorData, FragLoadedData, HlsConfig, LevelLoadedData, LevelSwitchedData } from 'hls.js';
import { PlayerError, PlayerErrorCode } from '../errors.js';
import type { EngineHandlers, MediaEngine } from './engine.js';
import { bufferedAhead } from './video-stats.js';
import { hlsConfigFor, type StreamLatency } from './hls-config.js';
import { hasPlayedToEnd } from '../live/stream-end.js';
import { shouldRestoreTarget, targetAfterStall } from '../live/stall-allowance.js';
import { shouldFlushStall } from '../live/stall-flush.js';
import { judgeLiveness } from '../live/stream-liveness.js';


/** How long fatal network errors in a row are retried (a live viewer's network comes back), ms. */
const NETWORK_RETRY_WINDOW = 30_000;
const MAX_NETWORK_RETRY_DELAY = 4_000;
/**
 * Starving (playing, < 0.5 s buffered) with no playlist or segment loaded for this long, the
 * loaders are restarted. hls.js waits for `navigator.onLine` before retrying a request that
 * failed without a status, and that flag can stay false on a working network (hosts with
 * only loopback, some VPNs): without this, playback would never resume after a blip.
 */
const STALL_RESTART_MS = 4_000;
/**
 * A playlist reload that failed without an answer is retried after this long (hls.js would
 * wait for `navigator.onLine`, see above): a server restarted on the same address is found
 * again within a second of being back, ms.
 */
const PLAYLIST_RETRY_MS = 1_000;
const WATCHDOG_INTERVAL_MS = 1_000;
/** how often a stall is looked at while it lasts, ms */
const STALL_CHECK_MS = 125;
/** answers to a playlist reload, once the stream has played, that mean it is gone for this viewer */
const REFUSED = new Set([401, 403, 404, 410]);

/** hls.js (light build: no subtitles, alternate audio, DRM) over Media Source Extensions. */
export class HlsEngine implements MediaEngine {
  readonly kind = 'hls.js';
  readonly #hls: Hls;
  readonly #handlers: EngineHandlers;
  #video: HTMLVideoElement;
  #live = true;
  #loaded = false;
  #fragmentBitrate: number | null = null;
  #networkRetries = 0;
  #networkFailingSince: number | undefined;
  #recoveredMedia = false;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #lastProgress = Date.now();
  #lastPosition = -1;
  #positionSince = Date.now();
  #endSignalled = false;
  /** hls.js's target latency before any stall, s */
  #baseTarget: number | null = null;
  #lastStallAt: number | undefined;
  #watchdog: ReturnType<typeof setInterval> | undefined;
  /** when the element last reported `waiting` (undefined: playing) */
  #waitingSince: number | undefined;
  #lastFlushAt = -Infinity;
  #stallCheck: ReturnType<typeof setInterval> | undefined;
  /** when the server last answered a playlist request (any HTTP status), and when the playlist last grew (stream-liveness.ts) */
  #playlistAnsweredAt = Date.now();
  #playlistAdvancedAt = Date.now();
  #playlistEdge = '';
  /** the last playlist request failed without an answer, and when to load it again (undefined: none due) */
  #playlistFailed = false;
  #playlistRetryAt: number | undefined;
  #goneSignalled = false;

  static isSupported(): boolean {
    return Hls.isSupported();
  }

  constructor(video: HTMLVideoElement, config: Partial<HlsConfig>, handlers: EngineHandlers, stream: StreamLatency = {}) {
    this.#video = video;
    this.#handlers = handlers;
    this.#hls = new Hls(hlsConfigFor(config, stream));
    this.#listen(video);
    const hls = this.#hls;
    hls.on(Hls.Events.MANIFEST_PARSED, () => {
      if (this.#loaded) return;
      this.#loaded = true;
      handlers.loaded();
    });
    hls.on(Hls.Events.LEVEL_LOADED, (_event, data: LevelLoadedData) => {
      this.#live = data.details.live;
      this.#playlistLoaded(data.details);
      this.#networkRecovered();
    });
    hls.on(Hls.Events.LEVEL_SWITCHED, (_event, data: LevelSwitchedData) => {
      const level = hls.levels[data.level];
      handlers.qualityChanged({
        bitrate: level?.bitrate || null,
        width: level?.width || null,
        height: level?.height || null,
        codecs: [level?.videoCodec, level?.audioCodec].filter(Boolean).join(',') || null,
      });
    });
    hls.on(Hls.Events.FRAG_LOADED, (_event, data: FragLoadedData) => {
      const seconds = data.frag.duration;
      if (seconds > 0) this.#fragmentBitrate = Math.round((data.payload.byteLength * 8) / seconds);
      this.#networkRecovered();
    });
    hls.on(Hls.Events.ERROR, (_event, data: ErrorData) => this.#onError(data));
  }

  load(playlistUrl: string): void {
    this.#playlistAnsweredAt = this.#playlistAdvancedAt = Date.now();
    this.#hls.attachMedia(this.#video);
    this.#hls.loadSource(playlistUrl);
    this.#watchdog ??= setInterval(() => this.#checkProgress(), WATCHDOG_INTERVAL_MS);
  }

  attach(video: HTMLVideoElement): void {
    if (video === this.#video) return;
    this.#unlisten(this.#video);
    this.#video = video;
    this.#listen(video);
    this.#hls.detachMedia();
    this.#hls.attachMedia(video);
  }

  isLive(): boolean {
    return this.#live;
  }

  latency(): number | null {
    if (!this.#live) return null;
    const latency = this.#hls.latency;
    return Number.isFinite(latency) && latency > 0 ? latency : null;
  }

  targetLatency(): number | null {
    return this.#hls.targetLatency;
  }

  liveSyncPosition(): number | null {
    return this.#hls.liveSyncPosition;
  }

  setsPlaybackRate(): boolean {
    return this.#hls.config.maxLiveSyncPlaybackRate > 1;
  }

  bitrate(): number | null {
    const level = this.#hls.levels[this.#hls.currentLevel];
    return level?.bitrate || this.#fragmentBitrate;
  }

  destroy(): void {
    clearTimeout(this.#retryTimer);
    clearInterval(this.#watchdog);
    this.#unlisten(this.#video);
    this.#onPlaying();
    this.#hls.destroy();
  }

  #listen(video: HTMLVideoElement): void {
    video.addEventListener('waiting', this.#onWaiting);
    video.addEventListener('playing', this.#onPlaying);
    video.addEventListener('pause', this.#onPlaying);
  }

  #unlisten(video: HTMLVideoElement): void {
    video.removeEventListener('waiting', this.#onWaiting);
    video.removeEventListener('playing', this.#onPlaying);
    video.removeEventListener('pause', this.#onPlaying);
  }

  readonly #onWaiting = (): void => {
    this.#waitingSince ??= Date.now();
    this.#stallCheck ??= setInterval(() => this.#checkStall(), STALL_CHECK_MS);
  };

  readonly #onPlaying = (): void => {
    this.#waitingSince = undefined;
    clearInterval(this.#stallCheck);
    this.#stallCheck = undefined;
  };

  /** A stall with media buffered: seek to the play head, which resets the decoders' grown queues (stall-flush.ts). */
  #checkStall(): void {
    const video = this.#video;
    const now = Date.now();
    const flush = shouldFlushStall({
      waitingForMs: this.#waitingSince === undefined ? null : now - this.#waitingSince,
      bufferAhead: bufferedAhead(video),
      seeking: video.seeking,
      sinceFlushMs: now - this.#lastFlushAt,
    });
    if (!flush) return;
    this.#lastFlushAt = now;
    video.currentTime += 0.001; // a seek to the same time may be skipped; 1 ms is not seen
  }

  #checkProgress(): void {
    if (!this.#loaded) return;
    const now = Date.now();
    const video = this.#video;
    if (video.currentTime !== this.#lastPosition || video.paused) {
      this.#lastPosition = video.currentTime;
      this.#positionSince = now;
    }
    if (!this.#live) return this.#checkEnd(now);
    if (video.paused) return;
    if (this.#checkLiveness(now)) return;
    if (this.#playlistRetryAt !== undefined && now >= this.#playlistRetryAt) {
      this.#playlistRetryAt = undefined; // due again only if this one fails too
      this.#hls.stopLoad();
      this.#hls.startLoad();
      return;
    }
    this.#restoreTarget(now);
    if (bufferedAhead(this.#video) >= 0.5 || now - this.#lastProgress < STALL_RESTART_MS) return;
    this.#lastProgress = now;
    this.#hls.stopLoad();
    this.#hls.startLoad();
  }

  /** Gives back hls.js's per-stall target increase once playback has been quiet (stall-allowance.ts). */
  #restoreTarget(now: number): void {
    const target = this.#hls.targetLatency;
    if (this.#lastStallAt === undefined) {
      this.#baseTarget = target;
      return;
    }
    if (shouldRestoreTarget({ target, base: this.#baseTarget, sinceStallMs: now - this.#lastStallAt })) {
      this.#hls.targetLatency = this.#baseTarget!; // also resets hls.js's stall count
    }
  }

  /** hls.js reported a stall: after one for lack of media the target moves back a little (stall-allowance.ts). */
  #onStall(): void {
    const hls = this.#hls;
    if (this.#lastStallAt === undefined) this.#baseTarget = hls.targetLatency;
    this.#lastStallAt = Date.now();
    const next = targetAfterStall({ target: hls.targetLatency, base: this.#baseTarget, bufferAhead: bufferedAhead(this.#video) });
    if (next !== null) hls.targetLatency = next;
  }

  /** After EXT-X-ENDLIST: the play head stuck at the end of the playlist is the end. */
  #checkEnd(now: number): void {
    if (this.#endSignalled || this.#video.ended) return;
    const details = this.#hls.latestLevelDetails;
    const ended = hasPlayedToEnd({
      live: false,
      paused: this.#video.paused,
      stuckMs: now - this.#positionSince,
      bufferAhead: bufferedAhead(this.#video),
      position: this.#video.currentTime,
      playlistEnd: details && details.fragments.length > 0 ? details.edge : null,
    });
    if (!ended) return;
    this.#endSignalled = true;
    this.#handlers.ended();
  }

  /** A playlist (re)load succeeded: it grew when its last segment or part is new. */
  #playlistLoaded(details: LevelLoadedData['details']): void {
    const now = Date.now();
    this.#playlistAnsweredAt = now;
    this.#playlistFailed = false;
    this.#playlistRetryAt = undefined;
    const edge = `${details.endSN}:${details.lastPartIndex}`;
    if (edge !== this.#playlistEdge) {
      this.#playlistEdge = edge;
      this.#playlistAdvancedAt = now;
    }
  }

  /** The live stream went away without a refusal (stream-liveness.ts): ended, or an error. True when it did. */
  #checkLiveness(now: number): boolean {
    if (this.#goneSignalled) return true;
    const verdict = judgeLiveness({
      live: this.#live,
      paused: this.#video.paused,
      waitingForMs: this.#waitingSince === undefined ? null : now - this.#waitingSince,
      sinceAnsweredMs: now - this.#playlistAnsweredAt,
      sinceAdvancedMs: now - this.#playlistAdvancedAt,
      lastRequestFailed: this.#playlistFailed,
    });
    if (verdict.kind === 'alive') return false;
    this.#goneSignalled = true;
    if (verdict.kind === 'stopped') this.#handlers.gone();
    else this.#handlers.error(PlayerError.network('the stream could not be reloaded: its server is unreachable'));
    return true;
  }

  /**
   * Notes how a playlist request failed (an answer, or none: retried in a second). Refused
   * once the stream has played (fatal or not), the stream or its session is over: true.
   */
  #onPlaylistError(data: ErrorData): boolean {
    const { ErrorDetails } = Hls;
    const playlist = data.details === ErrorDetails.LEVEL_LOAD_ERROR || data.details === ErrorDetails.MANIFEST_LOAD_ERROR;
    const status = data.response?.code ?? 0;
    // no answer at all (refused, reset): the server may be gone. A timeout is not taken as
    // that: a browser queues requests beyond its 6 per host, and hls.js retries timeouts itself
    if (playlist) {
      this.#playlistFailed = status === 0;
      if (status > 0) this.#playlistAnsweredAt = Date.now();
      else this.#playlistRetryAt ??= Date.now() + PLAYLIST_RETRY_MS;
    }
    if (!playlist || !this.#loaded || !REFUSED.has(status) || this.#goneSignalled) return false;
    this.#goneSignalled = true;
    if (status === 401) this.#handlers.error(PlayerError.fromServer(status, parseJson(data.response?.text)));
    else this.#handlers.gone();
    return true;
  }

  #networkRecovered(): void {
    this.#lastProgress = Date.now();
    this.#networkRetries = 0;
    this.#networkFailingSince = undefined;
  }

  #onError(data: ErrorData): void {
    if (data.details === Hls.ErrorDetails.BUFFER_STALLED_ERROR) this.#onStall();
    // once it has played, a refused playlist means the stream (or its session) is over
    if (this.#onPlaylistError(data)) return;
    if (!data.fatal) return; // hls.js retries these itself
    if (data.type === Hls.ErrorTypes.NETWORK_ERROR) {
      const status = data.response?.code ?? 0;
      if (status === 401 || status === 403 || status === 404 || status === 429) {
        return this.#handlers.error(PlayerError.fromServer(status, parseJson(data.response?.text)));
      }
      const now = Date.now();
      this.#networkFailingSince ??= now;
      if (now - this.#networkFailingSince < NETWORK_RETRY_WINDOW) {
        const delay = Math.min(MAX_NETWORK_RETRY_DELAY, 500 * 2 ** this.#networkRetries++);
        clearTimeout(this.#retryTimer);
        this.#retryTimer = setTimeout(() => this.#hls.startLoad(), delay);
        return;
      }
      return this.#handlers.error(PlayerError.network(`the stream could not be loaded (${data.details})`));
    }
    if (data.type === Hls.ErrorTypes.MEDIA_ERROR && !this.#recoveredMedia) {
      this.#recoveredMedia = true;
      this.#hls.recoverMediaError();
      return;
    }
    this.#handlers.error(new PlayerError(PlayerErrorCode.MediaError, `the stream could not be played (${data.details})`));
  }
}

function parseJson(text: string | undefined): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}
