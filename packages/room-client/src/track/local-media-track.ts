import type { LocalMediaTrackEventCallbacks } from '../events/track-event.js';
import { TrackEvent } from '../events/track-event.js';
import { TypedEmitter } from '@onair/protocol';
import { AttachedElements } from './attached-elements.js';

/** Options for wrapping a MediaStreamTrack in a LocalAudioTrack / LocalVideoTrack. */
export interface LocalTrackOptions {
  /** published track name; defaults to the MediaStreamTrack's id */
  name?: string;
}

/**
 * What LocalAudioTrack and LocalVideoTrack share. `Self` is the concrete class, so event
 * listeners receive the precise type.
 */
export abstract class LocalMediaTrack<Self, K extends 'audio' | 'video'> extends TypedEmitter<
  LocalMediaTrackEventCallbacks<Self>
> {
  readonly kind: K;
  /** the MediaStreamTrack's id */
  readonly id: string;
  /** the name others see */
  readonly name: string;
  readonly mediaStreamTrack: MediaStreamTrack;
  /** id of the MediaStream dedicated to this track; `TrackInfo.streamId` on the wire */
  readonly streamId: string;
  /** @internal the MediaStream this track is sent with (one per track) */
  readonly _stream: MediaStream;
  readonly #elements: AttachedElements;

  protected constructor(kind: K, mediaStreamTrack: MediaStreamTrack, options: LocalTrackOptions) {
    super();
    if (mediaStreamTrack.kind !== kind) {
      throw new TypeError(`expected a ${kind} MediaStreamTrack, got ${mediaStreamTrack.kind}`);
    }
    this.kind = kind;
    this.id = mediaStreamTrack.id;
    this.name = options.name ?? mediaStreamTrack.id;
    this.mediaStreamTrack = mediaStreamTrack;
    this._stream = new MediaStream([mediaStreamTrack]);
    this.streamId = this._stream.id;
    this.#elements = new AttachedElements(kind, () => this.mediaStreamTrack);
    mediaStreamTrack.addEventListener('ended', () => this.emit(TrackEvent.Stopped, this.#self()));
  }

  /** Whether the track sends media (false = muted: silence / black frames). */
  get isEnabled(): boolean {
    return this.mediaStreamTrack.enabled;
  }

  /** Whether the underlying MediaStreamTrack has ended. */
  get isStopped(): boolean {
    return this.mediaStreamTrack.readyState === 'ended';
  }

  /** Unmutes (or, with `false`, mutes) the track; others get a `trackEnabled` event. */
  enable(enabled = true): this {
    if (this.mediaStreamTrack.enabled === enabled) return this;
    this.mediaStreamTrack.enabled = enabled;
    this.emit(enabled ? TrackEvent.Enabled : TrackEvent.Disabled, this.#self());
    return this;
  }

  /** Mutes the track; others get a `trackDisabled` event. */
  disable(): this {
    return this.enable(false);
  }

  /** Stops the underlying MediaStreamTrack (the publication stays until unpublished). */
  stop(): this {
    if (this.isStopped) return this;
    this.mediaStreamTrack.stop();
    // `ended` does not fire for stop() called by the page itself
    this.emit(TrackEvent.Stopped, this.#self());
    return this;
  }

  attach(element?: HTMLMediaElement | string): HTMLMediaElement {
    return this.#elements.attach(element);
  }

  detach(element?: HTMLMediaElement | string): HTMLMediaElement[] {
    return this.#elements.detach(element);
  }

  #self(): Self {
    return this as unknown as Self;
  }
}
