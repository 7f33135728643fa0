import type { RoomError } from '../errors.js';
import type { LocalTrackPublication } from '../publication/local-track-publication.js';
import type { RemoteTrackPublication } from '../publication/remote-track-publication.js';
import type { RemoteParticipant } from '../participant/remote-participant.js';
import type { RemoteDataTrack } from '../track/remote-data-track.js';
import type { LocalTrack, RemoteTrack } from '../track/track-types.js';

/** Events emitted by {@link RemoteParticipant}; the Room re-emits them with the participant appended. */
export enum ParticipantEvent {
  /** `(track, publication)` */
  TrackSubscribed = 'trackSubscribed',
  /** `(track, publication)` */
  TrackUnsubscribed = 'trackUnsubscribed',
  /** `(publication)` */
  TrackPublished = 'trackPublished',
  /** `(publication)` */
  TrackUnpublished = 'trackUnpublished',
  /** `(publication)` */
  TrackEnabled = 'trackEnabled',
  /** `(publication)` */
  TrackDisabled = 'trackDisabled',
  /** `(data, track)` */
  TrackMessage = 'trackMessage',
  /** `(participant)` — the participant left the room */
  Disconnected = 'disconnected',
}

export type RemoteParticipantEventCallbacks = {
  trackSubscribed: (track: RemoteTrack, publication: RemoteTrackPublication) => void;
  trackUnsubscribed: (track: RemoteTrack, publication: RemoteTrackPublication) => void;
  trackPublished: (publication: RemoteTrackPublication) => void;
  trackUnpublished: (publication: RemoteTrackPublication) => void;
  trackEnabled: (publication: RemoteTrackPublication) => void;
  trackDisabled: (publication: RemoteTrackPublication) => void;
  trackMessage: (data: string | ArrayBuffer, track: RemoteDataTrack) => void;
  disconnected: (participant: RemoteParticipant) => void;
};

/** Events emitted by {@link LocalParticipant}. */
export enum LocalParticipantEvent {
  /** `(publication)` — a track published after connect() was accepted by the server */
  TrackPublished = 'trackPublished',
  /** `(error, track)` — publishing a track failed */
  TrackPublicationFailed = 'trackPublicationFailed',
}

export type LocalParticipantEventCallbacks = {
  trackPublished: (publication: LocalTrackPublication) => void;
  trackPublicationFailed: (error: RoomError, track: LocalTrack) => void;
};

type SameKeys<A, B extends Record<keyof A, unknown>> = B;
export type ParticipantEventCallbacksCheck = SameKeys<
  Record<`${ParticipantEvent}`, true>,
  RemoteParticipantEventCallbacks
> &
  SameKeys<RemoteParticipantEventCallbacks, Record<`${ParticipantEvent}`, true>> &
  SameKeys<Record<`${LocalParticipantEvent}`, true>, LocalParticipantEventCallbacks> &
  SameKeys<LocalParticipantEventCallbacks, Record<`${LocalParticipantEvent}`, true>>;
