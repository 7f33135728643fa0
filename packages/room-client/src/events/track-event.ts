import type { RemoteDataTrack } from '../track/remote-data-track.js';
import type { RemoteTrack } from '../track/track-types.js';

/** Events emitted by tracks and track publications. */
export enum TrackEvent {
  /** the track was unmuted: `(track)` (publications: `()`) */
  Enabled = 'enabled',
  /** the track was muted: `(track)` (publications: `()`) */
  Disabled = 'disabled',
  /** a local track's MediaStreamTrack ended: `(track)` */
  Stopped = 'stopped',
  /** data arrived on a remote data track: `(data, track)` */
  Message = 'message',
  /** a publication got its track: `(track)` */
  Subscribed = 'subscribed',
  /** a publication lost its track: `(track)` */
  Unsubscribed = 'unsubscribed',
  /** a publication's track was unmuted: `()` */
  TrackEnabled = 'trackEnabled',
  /** a publication's track was muted: `()` */
  TrackDisabled = 'trackDisabled',
}

export type LocalMediaTrackEventCallbacks<T> = {
  enabled: (track: T) => void;
  disabled: (track: T) => void;
  stopped: (track: T) => void;
};

export type RemoteMediaTrackEventCallbacks<T> = {
  enabled: (track: T) => void;
  disabled: (track: T) => void;
};

export type RemoteDataTrackEventCallbacks = {
  message: (data: string | ArrayBuffer, track: RemoteDataTrack) => void;
};

export type RemoteTrackPublicationEventCallbacks<T extends RemoteTrack = RemoteTrack> = {
  subscribed: (track: T) => void;
  unsubscribed: (track: T) => void;
  trackEnabled: () => void;
  trackDisabled: () => void;
};

