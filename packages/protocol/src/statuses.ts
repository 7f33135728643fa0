/** Status and reason enums, exactly as Twilio names them. */
export const RoomStatuses = ['in-progress', 'completed', 'failed'] as const;
export type RoomStatus = (typeof RoomStatuses)[number];

export const RoomTypes = ['go', 'peer-to-peer', 'group', 'group-small'] as const;
export type RoomType = (typeof RoomTypes)[number];

export const VideoCodecs = ['VP8', 'H264'] as const;
export type VideoCodec = (typeof VideoCodecs)[number];

export const ParticipantStatuses = ['connected', 'disconnected'] as const;
export type ParticipantStatus = (typeof ParticipantStatuses)[number];

export const PlayerStreamerStatuses = ['created', 'started', 'ended', 'failed'] as const;
export type PlayerStreamerStatus = (typeof PlayerStreamerStatuses)[number];

export const PlayerStreamerEndedReasons = [
  'ended-via-api',
  'max-duration-exceeded',
  'stream-disconnected-by-source',
  'unexpected-failure',
] as const;
export type PlayerStreamerEndedReason = (typeof PlayerStreamerEndedReasons)[number];

export const MediaProcessorStatuses = ['started', 'ended', 'failed'] as const;
export type MediaProcessorStatus = (typeof MediaProcessorStatuses)[number];

export const MediaProcessorEndedReasons = [
  'ended-via-api',
  'max-duration-exceeded',
  'error-loading-extension',
  'error-streaming-media',
  'internal-service-error',
] as const;
export type MediaProcessorEndedReason = (typeof MediaProcessorEndedReasons)[number];

export const MediaRecordingStatuses = ['processing', 'completed', 'deleted', 'failed'] as const;
export type MediaRecordingStatus = (typeof MediaRecordingStatuses)[number];

export const MediaRecordingFormats = ['mp4', 'webm'] as const;
export type MediaRecordingFormat = (typeof MediaRecordingFormats)[number];

export const StatusCallbackMethods = ['POST', 'GET'] as const;
export type StatusCallbackMethod = (typeof StatusCallbackMethods)[number];

export const ListOrders = ['asc', 'desc'] as const;
export type ListOrder = (typeof ListOrders)[number];

/** Extensions a MediaProcessor can run. */
export const MediaExtensions = ['video-composer-v1'] as const;
export type MediaExtension = (typeof MediaExtensions)[number];

/** Limits shared by the REST API and the services. */
export const Limits = {
  maxDurationDefault: 300,
  maxDurationMax: 90_000,
  playbackGrantTtlDefault: 15,
  playbackGrantTtlMax: 60,
  pageSizeDefault: 50,
  pageSizeMax: 1000,
} as const;
