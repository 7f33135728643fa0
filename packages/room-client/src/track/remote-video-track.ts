import type { TrackInfo } from '@onair/protocol';
import { RemoteMediaTrack } from './remote-media-track.js';

/** Video received from a remote participant. */
export class RemoteVideoTrack extends RemoteMediaTrack<RemoteVideoTrack, 'video'> {
  /** @internal */
  constructor(info: TrackInfo, mediaStreamTrack: MediaStreamTrack) {
    super('video', info, mediaStreamTrack);
  }
}
