import type { TrackInfo } from '@onair/protocol';
import { RemoteMediaTrack } from './remote-media-track.js';

/** Audio received from a remote participant. */
export class RemoteAudioTrack extends RemoteMediaTrack<RemoteAudioTrack, 'audio'> {
  /** @internal */
  constructor(info: TrackInfo, mediaStreamTrack: MediaStreamTrack) {
    super('audio', info, mediaStreamTrack);
  }
}
