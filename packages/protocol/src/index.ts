export { SidPrefix, isSid, createSid } from './sids.js';
export type { Sid } from './sids.js';
export {
  RoomStatuses,
  RoomTypes,
  VideoCodecs,
  ParticipantStatuses,
  PlayerStreamerStatuses,
  PlayerStreamerEndedReasons,
  MediaProcessorStatuses,
  MediaProcessorEndedReasons,
  MediaRecordingStatuses,
  MediaRecordingFormats,
  StatusCallbackMethods,
  ListOrders,
  MediaExtensions,
  Limits,
} from './statuses.js';
export type {
  RoomStatus,
  RoomType,
  VideoCodec,
  ParticipantStatus,
  PlayerStreamerStatus,
  PlayerStreamerEndedReason,
  MediaProcessorStatus,
  MediaProcessorEndedReason,
  MediaRecordingStatus,
  MediaRecordingFormat,
  StatusCallbackMethod,
  ListOrder,
  MediaExtension,
} from './statuses.js';
export { ErrorCode, moreInfoUrl } from './errors.js';
export type { TwilioErrorBody } from './errors.js';
export type {
  IsoDate,
  RoomResource,
  ParticipantResource,
  PlayerStreamerResource,
  PlaybackGrantPayload,
  PlaybackGrantResource,
  MediaProcessorResource,
  MediaRecordingResource,
  PageMeta,
  ListEnvelope,
} from './resources.js';
