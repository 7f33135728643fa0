import type { TrackInfo } from '@onair/protocol';
import type { RemoteMediaTrackEventCallbacks } from '../events/track-event.js';
import { TrackEvent } from '../events/track-event.js';
import { TypedEmitter } from '@onair/protocol';
import { AttachedElements } from './attached-elements.js';

/** What RemoteAudioTrack and RemoteVideoTrack share. */
export abstract class RemoteMediaTrack<Self, K extends 'audio' | 'video'> extends TypedEmitter<
  RemoteMediaTrackEventCallbacks<Self>
> {
  readonly kind: K;
  /** MT… SID of the publication */
  readonly sid: string;
  readonly name: string;
  readonly mediaStreamTrack: MediaStreamTrack;
  #enabled: boolean;
  readonly #elements: AttachedElements;

  protected constructor(kind: K, info: TrackInfo, mediaStreamTrack: MediaStreamTrack) {
    super();
    this.kind = kind;
    this.sid = info.sid;
    this.name = info.name;
    this.#enabled = info.enabled;
    this.mediaStreamTrack = mediaStreamTrack;
    this.#elements = new AttachedElements(kind, () => this.mediaStreamTrack);
  }

  /** False while the publisher has muted the track. */
  get isEnabled(): boolean {
    return this.#enabled;
  }

  /**
   * Plays the track in `element` (or a CSS selector), or in a new `<video autoplay
   * playsinline>` / `<audio autoplay>`; returns the element.
   */
  attach(element?: HTMLMediaElement | string): HTMLMediaElement {
    return this.#elements.attach(element);
  }

  /** Detaches from `element`, or from every element; returns the detached elements. */
  detach(element?: HTMLMediaElement | string): HTMLMediaElement[] {
    return this.#elements.detach(element);
  }

  /** @internal */
  _setEnabled(enabled: boolean): void {
    if (this.#enabled === enabled) return;
    this.#enabled = enabled;
    this.emit(enabled ? TrackEvent.Enabled : TrackEvent.Disabled, this as unknown as Self);
  }
}
