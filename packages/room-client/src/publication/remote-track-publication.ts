import type { TrackInfo, TrackKind } from '@onair/protocol';
import type { RemoteTrackPublicationEventCallbacks } from '../events/track-event.js';
import { TrackEvent } from '../events/track-event.js';
import { TypedEmitter } from '@onair/protocol';
import type { RemoteTrack } from '../track/track-types.js';

/**
 * A track a remote participant publishes. `track` is set once its media (or data channel)
 * has arrived — see the `subscribed` event.
 */
export class RemoteTrackPublication<T extends RemoteTrack = RemoteTrack> extends TypedEmitter<
  RemoteTrackPublicationEventCallbacks<T>
> {
  readonly trackSid: string;
  readonly trackName: string;
  readonly kind: TrackKind;
  /** @internal the MediaStream id / data channel label the media arrives with */
  readonly _streamId: string;
  #enabled: boolean;
  #track: T | null = null;

  /** @internal */
  constructor(info: TrackInfo) {
    super();
    this.trackSid = info.sid;
    this.trackName = info.name;
    this.kind = info.kind;
    this._streamId = info.streamId;
    this.#enabled = info.enabled;
  }

  get track(): T | null {
    return this.#track;
  }

  get isSubscribed(): boolean {
    return this.#track !== null;
  }

  get isTrackEnabled(): boolean {
    return this.#enabled;
  }

  /** @internal */
  _subscribe(track: T): void {
    this.#track = track;
    this.emit(TrackEvent.Subscribed, track);
  }

  /** @internal returns the track that was subscribed, if any */
  _unsubscribe(): T | null {
    const track = this.#track;
    if (!track) return null;
    this.#track = null;
    this.emit(TrackEvent.Unsubscribed, track);
    return track;
  }

  /** @internal returns whether the state changed */
  _setEnabled(enabled: boolean): boolean {
    if (this.#enabled === enabled) return false;
    this.#enabled = enabled;
    this.#track?._setEnabled(enabled);
    this.emit(enabled ? TrackEvent.TrackEnabled : TrackEvent.TrackDisabled);
    return true;
  }
}
