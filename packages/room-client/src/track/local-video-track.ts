import type { LocalTrackOptions } from './local-media-track.js';
import { LocalMediaTrack } from './local-media-track.js';

/** A camera, a screen capture or any video MediaStreamTrack to publish. */
export class LocalVideoTrack extends LocalMediaTrack<LocalVideoTrack, 'video'> {
  constructor(mediaStreamTrack: MediaStreamTrack, options: LocalTrackOptions = {}) {
    super('video', mediaStreamTrack, options);
  }
}
