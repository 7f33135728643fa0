import type { PlayerError } from '../errors.js';
import type { Quality } from '../events/player-event.js';

/** What an engine reports to the Player. */
export interface EngineHandlers {
  /** the playlist is parsed and the media element can start */
  loaded(): void;
  /** the stream is gone (playlist 404/410 after it had played): the player ends */
  gone(): void;
  /** the stream was played to its end (where the element's own `ended` event did not come) */
  ended(): void;
  /** a fatal problem */
  error(error: PlayerError): void;
  qualityChanged(quality: Quality): void;
}

/** Plays an HLS playlist into a media element: hls.js over MSE, or the browser's own HLS. */
export interface MediaEngine {
  readonly kind: 'hls.js' | 'native';
  load(playlistUrl: string): void;
  /** moves playback to another element */
  attach(video: HTMLVideoElement): void;
  /** whether the playlist is still live (no EXT-X-ENDLIST yet) */
  isLive(): boolean;
  /** seconds behind the live edge, null when unknown */
  latency(): number | null;
  /** the latency aimed for, seconds */
  targetLatency(): number | null;
  /** where the live edge minus the target latency is, in media time */
  liveSyncPosition(): number | null;
  /** whether the engine holds the target with the playback rate itself (else the player does) */
  setsPlaybackRate(): boolean;
  /** bits/s of the rendition playing (declared, or measured from the last segment) */
  bitrate(): number | null;
  destroy(): void;
}
