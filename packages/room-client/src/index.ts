/**
 * @onair/room-client — the browser SDK of onair rooms, shaped like twilio-video.js:
 * `connect(token)` → {@link Room}, participants, tracks and typed events.
 */
export { connect } from './connect.js';
export { connectDefaults } from './defaults.js';
export type { ConnectOptions } from './defaults.js';
export { Room } from './room/room.js';
export type { RoomState } from './room/room.js';
export { RoomEvent } from './events/room-event.js';
export type { RoomEventCallbacks } from './events/room-event.js';
export { ParticipantEvent, LocalParticipantEvent } from './events/participant-event.js';
export type {
  RemoteParticipantEventCallbacks,
  LocalParticipantEventCallbacks,
} from './events/participant-event.js';
export { TrackEvent } from './events/track-event.js';
export type {
  LocalMediaTrackEventCallbacks,
  RemoteMediaTrackEventCallbacks,
  RemoteDataTrackEventCallbacks,
  RemoteTrackPublicationEventCallbacks,
} from './events/track-event.js';
export { TypedEmitter } from '@onair/protocol';
export type { EventCallbacks } from '@onair/protocol';
export { LocalParticipant } from './participant/local-participant.js';
export { RemoteParticipant } from './participant/remote-participant.js';
export type { RemoteParticipantState } from './participant/remote-participant.js';
export { LocalTrackPublication } from './publication/local-track-publication.js';
export { RemoteTrackPublication } from './publication/remote-track-publication.js';
export { LocalAudioTrack } from './track/local-audio-track.js';
export { LocalVideoTrack } from './track/local-video-track.js';
export type { LocalTrackOptions } from './track/local-media-track.js';
export { LocalDataTrack } from './track/local-data-track.js';
export type { LocalDataTrackOptions } from './track/local-data-track.js';
export { RemoteAudioTrack } from './track/remote-audio-track.js';
export { RemoteVideoTrack } from './track/remote-video-track.js';
export { RemoteDataTrack } from './track/remote-data-track.js';
export type { LocalTrack, RemoteTrack } from './track/track-types.js';
export type { PublishableTrack } from './track/to-local-track.js';
export { createLocalTracks } from './track/create-local-tracks.js';
export type { CreateLocalTracksOptions, CreateLocalTrackOptions } from './track/create-local-tracks.js';
export { RoomError, RoomErrorCode } from './errors.js';
export { DefaultReconnectPolicy } from './reconnect/reconnect-policy.js';
export type {
  ReconnectPolicy,
  ReconnectContext,
  DefaultReconnectPolicyOptions,
} from './reconnect/reconnect-policy.js';
export { version } from './version.js';
