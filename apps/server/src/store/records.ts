/** Domain records as the store keeps them. Dates are epoch milliseconds. */
import type {
  LatencyMode,
  MediaProcessorEndedReason,
  MediaProcessorStatus,
  MediaRecordingFormat,
  MediaRecordingStatus,
  ParticipantStatus,
  PlayerStreamerEndedReason,
  PlayerStreamerStatus,
  RoomStatus,
  RoomType,
  StatusCallbackMethod,
  VideoCodec,
} from '@onair/protocol';

export interface Timestamps {
  sid: string;
  accountSid: string;
  dateCreated: number;
  dateUpdated: number;
}

export interface Callbackable {
  statusCallback: string | null;
  statusCallbackMethod: StatusCallbackMethod;
}

export interface Room extends Timestamps, Callbackable {
  uniqueName: string;
  status: RoomStatus;
  type: RoomType;
  enableTurn: boolean;
  maxParticipants: number;
  maxParticipantDuration: number;
  maxConcurrentPublishedTracks: number | null;
  recordParticipantsOnConnect: boolean;
  videoCodecs: VideoCodec[];
  mediaRegion: string;
  audioOnly: boolean;
  emptyRoomTimeout: number;
  unusedRoomTimeout: number;
  largeRoom: boolean;
  recordingRules: unknown;
  endTime: number | null;
}

export interface Participant extends Timestamps {
  roomSid: string;
  identity: string;
  status: ParticipantStatus;
  startTime: number;
  endTime: number | null;
}

export interface PlayerStreamer extends Timestamps, Callbackable {
  video: boolean;
  status: PlayerStreamerStatus;
  endedReason: PlayerStreamerEndedReason | null;
  maxDuration: number;
  /** how the stream is packaged: LL-HLS (`low`) or plain HLS (`standard`); rows from before the column read `low` */
  latencyMode: LatencyMode;
}

export interface PlaybackGrant {
  /** the grant JWT's jti */
  sid: string;
  accountSid: string;
  streamerSid: string;
  dateCreated: number;
  dateUpdated: number;
  ttl: number;
  allowedOrigins: string[];
  playbackUrl: string;
  expiresAt: number;
}

export interface MediaProcessor extends Timestamps, Callbackable {
  extension: string;
  /** the ExtensionContext exactly as the client sent it */
  extensionContext: string;
  extensionEnvironment: string | null;
  /** PlayerStreamer SIDs named in ExtensionContext.outputs */
  outputs: string[];
  roomName: string;
  status: MediaProcessorStatus;
  endedReason: MediaProcessorEndedReason | null;
  maxDuration: number;
}

export interface MediaRecording extends Timestamps, Callbackable {
  processorSid: string;
  sourceSid: string;
  status: MediaRecordingStatus;
  format: MediaRecordingFormat;
  resolution: string;
  duration: number | null;
  mediaSize: number | null;
}

export interface StoredSigningKey {
  kid: string;
  privateJwk: Record<string, unknown>;
  publicJwk: Record<string, unknown>;
  /** epoch seconds */
  createdAt: number;
}
