import type { TrackInfo } from '@onair/protocol';

/**
 * Pairs a remote participant's published tracks (TrackInfo from signaling) with the media
 * that arrives over WebRTC (`RTCTrackEvent.streams[0].id`, or a data channel's label),
 * whichever comes first. Keyed by `streamId`. Pure bookkeeping, no WebRTC.
 */
export class TrackMatcher<Media> {
  readonly #infos = new Map<string, TrackInfo>();
  readonly #media = new Map<string, Media>();

  /** Records a publication; returns media that already arrived for it. */
  addInfo(info: TrackInfo): Media | undefined {
    this.#infos.set(info.streamId, info);
    return this.#media.get(info.streamId);
  }

  /**
   * Records arrived media (replacing earlier media for the same stream); returns the
   * publication it belongs to, when already known.
   */
  addMedia(streamId: string, media: Media): TrackInfo | undefined {
    this.#media.set(streamId, media);
    return this.#infos.get(streamId);
  }

  /** Forgets a publication and its media; returns the media, if any had arrived. */
  removeInfo(streamId: string): Media | undefined {
    const media = this.#media.get(streamId);
    this.#infos.delete(streamId);
    this.#media.delete(streamId);
    return media;
  }

  /** Forgets arrived media only, if it is still `media` (identity check). */
  removeMedia(streamId: string, media: Media): boolean {
    if (this.#media.get(streamId) !== media) return false;
    this.#media.delete(streamId);
    return true;
  }

  infoBySid(sid: string): TrackInfo | undefined {
    for (const info of this.#infos.values()) if (info.sid === sid) return info;
    return undefined;
  }

  /** Media that arrived without a publication yet. */
  unmatchedMedia(): Media[] {
    return [...this.#media].filter(([streamId]) => !this.#infos.has(streamId)).map(([, m]) => m);
  }

  /** Forgets everything; returns all media so the caller can release it. */
  clear(): Media[] {
    const media = [...this.#media.values()];
    this.#infos.clear();
    this.#media.clear();
    return media;
  }
}
