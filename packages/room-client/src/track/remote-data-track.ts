import type { TrackInfo } from '@onair/protocol';
import type { RemoteDataTrackEventCallbacks } from '../events/track-event.js';
import { TrackEvent } from '../events/track-event.js';
import { TypedEmitter } from '@onair/protocol';
import type { DataChannelInbox } from './data-channel-inbox.js';

/** A remote participant's data track; emits `message` `(data, track)`. */
export class RemoteDataTrack extends TypedEmitter<RemoteDataTrackEventCallbacks> {
  readonly kind = 'data' as const;
  readonly sid: string;
  readonly name: string;
  readonly #inbox: DataChannelInbox;

  /** @internal */
  constructor(info: TrackInfo, inbox: DataChannelInbox) {
    super();
    this.sid = info.sid;
    this.name = info.name;
    this.#inbox = inbox;
    inbox.setReceiver((data) => this.emit(TrackEvent.Message, data, this));
  }

  /** Data tracks cannot be muted. */
  get isEnabled(): boolean {
    return true;
  }

  /** @internal no-op: data tracks have no enabled state */
  _setEnabled(_enabled: boolean): void {}

  /** @internal */
  _close(): void {
    this.#inbox.close();
  }
}
