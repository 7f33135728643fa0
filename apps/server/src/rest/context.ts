/** What the REST routers need. */
import type { BaseUrlResolver } from '../http/urls.js';
import type { MediaProcessorService } from '../services/media-processors.js';
import type { MediaRecordingService } from '../services/media-recordings.js';
import type { ParticipantService } from '../services/participants.js';
import type { PlaybackGrantService } from '../services/playback-grants.js';
import type { PlayerStreamerService } from '../services/player-streamers.js';
import type { RoomService } from '../services/rooms.js';
import type { Store } from '../store/repository.js';

export interface RestContext {
  store: Store;
  rooms: RoomService;
  participants: ParticipantService;
  streamers: PlayerStreamerService;
  processors: MediaProcessorService;
  recordings: MediaRecordingService;
  grants: PlaybackGrantService;
  baseUrl: BaseUrlResolver;
}
