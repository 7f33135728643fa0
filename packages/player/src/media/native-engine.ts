import { PlayerError } from '../errors.js';
import type { EngineHandlers, MediaEngine } from './engine.js';

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
    this.#unbind(this.#video);
    this.#video.removeAttribute('src');
    this.#video.load();
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
