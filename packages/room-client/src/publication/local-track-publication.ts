import type { TrackKind } from '@onair/protocol';
import type { LocalTrack } from '../track/track-types.js';

/** A local track the server accepted; `trackSid` is its MT… SID. */
export class LocalTrackPublication<T extends LocalTrack = LocalTrack> {
  readonly track: T;
  readonly #unpublish: (publication: LocalTrackPublication) => void;
  #trackSid: string;

  /** @internal */
  constructor(track: T, trackSid: string, unpublish: (publication: LocalTrackPublication) => void) {
    this.track = track;
    this.#trackSid = trackSid;
    this.#unpublish = unpublish;
  }

  get trackSid(): string {
    return this.#trackSid;
  }

  get trackName(): string {
    return this.track.name;
  }

  get kind(): TrackKind {
    return this.track.kind;
  }

  get isTrackEnabled(): boolean {
    return this.track.isEnabled;
  }

  /** Stops publishing the track (the track itself keeps running). */
  unpublish(): this {
    this.#unpublish(this as LocalTrackPublication);
    return this;
  }

  /** @internal after a full rejoin the server assigns new SIDs */
  _setTrackSid(trackSid: string): void {
    this.#trackSid = trackSid;
  }
}
