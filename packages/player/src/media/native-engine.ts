import { PlayerError } from '../errors.js';
import type { EngineHandlers, MediaEngine } from './engine.js';
import { judgeLiveness } from '../live/stream-liveness.js';
import { bufferedAhead } from './video-stats.js';

/** Latency aimed for when the browser plays HLS itself (it does not say) and the application did not either, seconds. */
export const NATIVE_TARGET_LATENCY = 3;

/** The browser's own HLS (iOS Safari, where MSE is missing). */
export class NativeEngine implements MediaEngine {
  readonly kind = 'native';
  readonly #handlers: EngineHandlers;
  #video: HTMLVideoElement;
  #url: string | undefined;
  #loaded = false;
  readonly #target: number;
  #watchdog: ReturnType<typeof setInterval> | undefined;
  #lastPosition = -1;
  #positionSince = Date.now();
  #goneSignalled = false;

  static isSupported(video: HTMLVideoElement): boolean {
    return video.canPlayType('application/vnd.apple.mpegurl') !== '';
  }

  /** `targetLatency`: the application's option, s */
  constructor(video: HTMLVideoElement, handlers: EngineHandlers, targetLatency = NATIVE_TARGET_LATENCY) {
    this.#video = video;
    this.#handlers = handlers;
    this.#target = targetLatency;
  }

  readonly #onLoaded = (): void => {
    if (this.#loaded) return;
    this.#loaded = true;
    this.#handlers.loaded();
  };

  readonly #onError = (): void => {
    const error = this.#video.error;
    if (this.#loaded && error?.code === 2 /* MEDIA_ERR_NETWORK */) return this.#handlers.gone();
    this.#handlers.error(PlayerError.media(`the stream could not be played (${error?.message || `code ${error?.code}`})`));
  };

  load(playlistUrl: string): void {
    this.#url = playlistUrl;
    this.#bind(this.#video);
    this.#watchdog ??= setInterval(() => this.#checkProgress(), 1_000);
  }

  attach(video: HTMLVideoElement): void {
    if (video === this.#video) return;
    this.#unbind(this.#video);
    this.#video.removeAttribute('src');
    this.#video.load();
    this.#video = video;
    if (this.#url) this.#bind(video);
  }

  isLive(): boolean {
    return this.#video.duration === Infinity;
  }

  latency(): number | null {
    const { seekable, currentTime } = this.#video;
    if (!this.isLive() || seekable.length === 0) return null;
    return Math.max(0, seekable.end(seekable.length - 1) - currentTime);
  }

  targetLatency(): number | null {
    return this.#target;
  }

  liveSyncPosition(): number | null {
    const { seekable } = this.#video;
    if (seekable.length === 0) return null;
    return Math.max(seekable.start(0), seekable.end(seekable.length - 1) - this.#target);
  }

  setsPlaybackRate(): boolean {
    return false;
  }

  bitrate(): number | null {
    return null;
  }

  destroy(): void {
    clearInterval(this.#watchdog);
    this.#unbind(this.#video);
    this.#video.removeAttribute('src');
    this.#video.load();
  }

  /**
   * The browser's HLS says nothing about its playlist reloads: a live play head that stays
   * put with nothing buffered is all there is to see (stream-liveness.ts), and it cannot
   * tell a stopped stream from an unreachable server, so it reports an error.
   */
  #checkProgress(): void {
    const video = this.#video;
    const now = Date.now();
    if (video.currentTime !== this.#lastPosition || video.paused) {
      this.#lastPosition = video.currentTime;
      this.#positionSince = now;
    }
    if (!this.#loaded || this.#goneSignalled) return;
    const stuckMs = now - this.#positionSince;
    const verdict = judgeLiveness({
      live: this.isLive(),
      paused: video.paused,
      waitingForMs: bufferedAhead(video) < 0.5 ? stuckMs : null,
      sinceAnsweredMs: stuckMs,
      sinceAdvancedMs: stuckMs,
      lastRequestFailed: true, // unknown: the play head stuck with nothing buffered is all there is
    });
    if (verdict.kind === 'alive') return;
    this.#goneSignalled = true;
    this.#handlers.error(PlayerError.network('the stream stopped: nothing new could be loaded'));
  }

  #bind(video: HTMLVideoElement): void {
    video.addEventListener('loadedmetadata', this.#onLoaded);
    video.addEventListener('error', this.#onError);
    video.src = this.#url ?? '';
  }

  #unbind(video: HTMLVideoElement): void {
    video.removeEventListener('loadedmetadata', this.#onLoaded);
    video.removeEventListener('error', this.#onError);
  }
}
