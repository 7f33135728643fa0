import type { PlayerError } from '../errors.js';
import type { PlayerState } from '../player-state.js';

/** Events emitted by the Player. Names follow Twilio's Player SDK. */
export enum PlayerEvent {
  /** `(state)` — see {@link PlayerState} */
  StateChanged = 'stateChanged',
  /** `(quality)` — the rendition being played changed */
  QualityChanged = 'qualityChanged',
  /** `({volume, isMuted, mutedByAutoplayPolicy})` */
  VolumeChanged = 'volumeChanged',
  /** `(duration)` seconds; `Infinity` while live */
  DurationChanged = 'durationChanged',
  /** `({width, height})` of the decoded video */
  VideoSizeChanged = 'videoSizeChanged',
  /** `()` — playback stalled after it had been playing (not the wait that follows a seek) */
  Rebuffering = 'rebuffering',
  /** `(error)` — a coded {@link PlayerError} */
  Error = 'error',
}

export interface Quality {
  /** declared bitrate of the rendition, bits/s (null when the playlist does not say) */
  bitrate: number | null;
  width: number | null;
  height: number | null;
  codecs: string | null;
}

export interface VolumeState {
  volume: number;
  isMuted: boolean;
  /** the player muted itself because the browser blocked playback with sound */
  mutedByAutoplayPolicy: boolean;
}

export interface VideoSize {
  width: number;
  height: number;
}

export type PlayerEventCallbacks = {
  stateChanged: (state: PlayerState) => void;
  qualityChanged: (quality: Quality) => void;
  volumeChanged: (volume: VolumeState) => void;
  durationChanged: (duration: number) => void;
  videoSizeChanged: (size: VideoSize) => void;
  rebuffering: () => void;
  error: (error: PlayerError) => void;
};

type SameKeys<A, B extends Record<keyof A, unknown>> = B;
export type PlayerEventCallbacksCheck = SameKeys<Record<`${PlayerEvent}`, true>, PlayerEventCallbacks> &
  SameKeys<PlayerEventCallbacks, Record<`${PlayerEvent}`, true>>;
