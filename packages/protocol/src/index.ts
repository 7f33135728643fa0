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
export { httpRefusal, refuseOnSocket, type RefusableSocket } from './http-refusal.js';
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
export { SignalingCloseCode, SIGNALING_PATH } from './signaling.js';
export type {
  TrackKind,
  TrackInfo,
  ParticipantInfo,
  IceServerInfo,
  JoinMessage,
  RelayOut,
  PublishMessage,
  UnpublishMessage,
  TrackStateMessage,
  LeaveMessage,
  ClientMessage,
  JoinedMessage,
  ParticipantJoinedMessage,
  ParticipantLeftMessage,
  RelayIn,
  PublishedMessage,
  TrackPublishedMessage,
  TrackUnpublishedMessage,
  TrackStateChangedMessage,
  ErrorMessage,
  ServerMessage,
  RTCIceCandidateInitLike,
} from './signaling.js';
export { IngestCloseCode, INGEST_HELLO_MAX_BYTES, COMPOSER_PATH } from './composer.js';
export type {
  ComposerVideoCodec,
  ComposerConfig,
  IngestHello,
  IngestStatus,
  IngestClientMessage,
  IngestReady,
  ComposerPageState,
} from './composer.js';
export { PLAYBACK_PATH, PLAYBACK_PLAYLIST, LatencyModes, DEFAULT_LATENCY_MODE } from './playback.js';
export type { PlaybackSessionResponse, PlaybackErrorBody, LatencyMode } from './playback.js';
export { TypedEmitter, listen } from './typed-emitter.js';
export { takeTokens, refill, retryAfterSeconds, ruleOf } from './token-bucket.js';
export type { TokenBucket, TokenBucketRule, TakeResult } from './token-bucket.js';
export { KeyedBuckets } from './keyed-buckets.js';
export type { EventCallbacks, ListenerErrorHandler } from './typed-emitter.js';
export { COMPOSER_DEFAULTS, COMPOSER_LIMITS } from './media-job.js';
export type { ComposerSettings, MediaJobSpec, MediaJobOutput, MediaJobEvents, JobFailureReason, RestartCause } from './media-job.js';
