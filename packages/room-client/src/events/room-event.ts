import type { RoomError } from '../errors.js';
import type { RemoteParticipant } from '../participant/remote-participant.js';
import type { RemoteTrackPublication } from '../publication/remote-track-publication.js';
import type { Room } from '../room/room.js';
import type { RemoteDataTrack } from '../track/remote-data-track.js';
import type { RemoteTrack } from '../track/track-types.js';

/** Events emitted by {@link Room}. Names are twilio-video.js's. */
export enum RoomEvent {
  /** A participant joined after you: `(participant)`. */
  ParticipantConnected = 'participantConnected',
  /** A participant left or was removed: `(participant)`. */
  ParticipantDisconnected = 'participantDisconnected',
  /** Media (or a data channel) of a remote track arrived: `(track, publication, participant)`. */
  TrackSubscribed = 'trackSubscribed',
  /** A subscribed remote track went away: `(track, publication, participant)`. */
  TrackUnsubscribed = 'trackUnsubscribed',
  /** A remote participant published a track: `(publication, participant)`. */
  TrackPublished = 'trackPublished',
  /** A remote participant unpublished a track: `(publication, participant)`. */
  TrackUnpublished = 'trackUnpublished',
  /** A remote track was unmuted: `(publication, participant)`. */
  TrackEnabled = 'trackEnabled',
  /** A remote track was muted: `(publication, participant)`. */
  TrackDisabled = 'trackDisabled',
  /** The loudest remote participant changed: `(participant | null)`. */
  DominantSpeakerChanged = 'dominantSpeakerChanged',
  /** The signaling connection dropped; the SDK is trying to resume: `(error)`. */
  Reconnecting = 'reconnecting',
  /** The signaling connection is back: `()`. */
  Reconnected = 'reconnected',
  /** You left, were removed, or reconnection failed: `(room, error?)`. */
  Disconnected = 'disconnected',
  /** A message arrived on a remote data track: `(data, track, participant)`. */
  TrackMessage = 'trackMessage',
}

export type RoomEventCallbacks = {
  participantConnected: (participant: RemoteParticipant) => void;
  participantDisconnected: (participant: RemoteParticipant) => void;
  trackSubscribed: (
    track: RemoteTrack,
    publication: RemoteTrackPublication,
    participant: RemoteParticipant,
  ) => void;
  trackUnsubscribed: (
    track: RemoteTrack,
    publication: RemoteTrackPublication,
    participant: RemoteParticipant,
  ) => void;
  trackPublished: (publication: RemoteTrackPublication, participant: RemoteParticipant) => void;
  trackUnpublished: (publication: RemoteTrackPublication, participant: RemoteParticipant) => void;
  trackEnabled: (publication: RemoteTrackPublication, participant: RemoteParticipant) => void;
  trackDisabled: (publication: RemoteTrackPublication, participant: RemoteParticipant) => void;
  dominantSpeakerChanged: (participant: RemoteParticipant | null) => void;
  reconnecting: (error: RoomError) => void;
  reconnected: () => void;
  disconnected: (room: Room, error?: RoomError) => void;
  trackMessage: (
    data: string | ArrayBuffer,
    track: RemoteDataTrack,
    participant: RemoteParticipant,
  ) => void;
};

/** Compile-time check: every enum value has a callback and vice versa. */
type SameKeys<A, B extends Record<keyof A, unknown>> = B;
export type RoomEventCallbacksCheck = SameKeys<Record<`${RoomEvent}`, true>, RoomEventCallbacks> &
  SameKeys<RoomEventCallbacks, Record<`${RoomEvent}`, true>>;
