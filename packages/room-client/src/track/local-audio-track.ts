import type { LocalTrackOptions } from './local-media-track.js';
import { LocalMediaTrack } from './local-media-track.js';

/** A microphone (or any audio MediaStreamTrack) to publish. */
export class LocalAudioTrack extends LocalMediaTrack<LocalAudioTrack, 'audio'> {
  constructor(mediaStreamTrack: MediaStreamTrack, options: LocalTrackOptions = {}) {
    super('audio', mediaStreamTrack, options);
  }
}
