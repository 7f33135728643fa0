/** Table specs: which column each record field lives in, and how each filter applies. */
import type {
  MediaProcessor,
  MediaRecording,
  Participant,
  PlaybackGrant,
  PlayerStreamer,
  Room,
} from '../records.js';
import type {
  MediaProcessorFilter,
  MediaRecordingFilter,
  ParticipantFilter,
  PlayerStreamerFilter,
  RoomFilter,
} from '../repository.js';
import type { TableSpec } from './table.js';

const base = { sid: 'text', accountSid: 'text', dateCreated: 'int', dateUpdated: 'int' } as const;
const callback = { statusCallback: 'text', statusCallbackMethod: 'text' } as const;
const dateRange = {
  dateCreatedAfter: { column: 'date_created', op: '>=' },
  dateCreatedBefore: { column: 'date_created', op: '<' },
} as const;
const eq = (column: string) => ({ column, op: '=' }) as const;

export const roomSpec: TableSpec<Room, RoomFilter> = {
  table: 'rooms',
  columns: {
    ...base,
    ...callback,
    uniqueName: 'text',
    status: 'text',
    type: 'text',
    enableTurn: 'bool',
    maxParticipants: 'int',
    maxParticipantDuration: 'int',
    maxConcurrentPublishedTracks: 'int',
    recordParticipantsOnConnect: 'bool',
    videoCodecs: 'json',
    mediaRegion: 'text',
    audioOnly: 'bool',
    emptyRoomTimeout: 'int',
    unusedRoomTimeout: 'int',
    largeRoom: 'bool',
    recordingRules: 'json',
    endTime: 'int',
  },
  filters: { status: eq('status'), uniqueName: eq('unique_name'), ...dateRange },
};

export const participantSpec: TableSpec<Participant, ParticipantFilter> = {
  table: 'participants',
  columns: {
    ...base,
    roomSid: 'text',
    identity: 'text',
    status: 'text',
    startTime: 'int',
    endTime: 'int',
  },
  filters: { roomSid: eq('room_sid'), status: eq('status'), identity: eq('identity'), ...dateRange },
};

export const playerStreamerSpec: TableSpec<PlayerStreamer, PlayerStreamerFilter> = {
  table: 'player_streamers',
  columns: {
    ...base,
    ...callback,
    video: 'bool',
    status: 'text',
    endedReason: 'text',
    maxDuration: 'int',
    latencyMode: 'text',
  },
  filters: { status: eq('status') },
};

export const playbackGrantSpec: TableSpec<PlaybackGrant, Record<string, never>> = {
  table: 'playback_grants',
  columns: {
    ...base,
    streamerSid: 'text',
    ttl: 'int',
    allowedOrigins: 'json',
    playbackUrl: 'text',
    expiresAt: 'int',
  },
  filters: {},
};

export const mediaProcessorSpec: TableSpec<MediaProcessor, MediaProcessorFilter> = {
  table: 'media_processors',
  columns: {
    ...base,
    ...callback,
    extension: 'text',
    extensionContext: 'text',
    extensionEnvironment: 'text',
    outputs: 'json',
    roomName: 'text',
    status: 'text',
    endedReason: 'text',
    maxDuration: 'int',
  },
  filters: { status: eq('status') },
};

export const mediaRecordingSpec: TableSpec<MediaRecording, MediaRecordingFilter> = {
  table: 'media_recordings',
  columns: {
    ...base,
    ...callback,
    processorSid: 'text',
    sourceSid: 'text',
    status: 'text',
    format: 'text',
    resolution: 'text',
    duration: 'int',
    mediaSize: 'int',
  },
  filters: { status: eq('status'), processorSid: eq('processor_sid'), sourceSid: eq('source_sid') },
};
