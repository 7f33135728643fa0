import { ParticipantEvent } from '../events/participant-event.js';
import type { RoomEventCallbacks } from '../events/room-event.js';
import { RoomEvent } from '../events/room-event.js';
import type { TypedEmitter } from '@onair/protocol';
import type { RemoteParticipant } from '../participant/remote-participant.js';

/** Re-emits a participant's track events on the room, with the participant appended. */
export function forwardParticipantEvents(p: RemoteParticipant, room: TypedEmitter<RoomEventCallbacks>): void {
  p.on(ParticipantEvent.TrackSubscribed, (t, pub) => room.emit(RoomEvent.TrackSubscribed, t, pub, p));
  p.on(ParticipantEvent.TrackUnsubscribed, (t, pub) => room.emit(RoomEvent.TrackUnsubscribed, t, pub, p));
  p.on(ParticipantEvent.TrackPublished, (pub) => room.emit(RoomEvent.TrackPublished, pub, p));
  p.on(ParticipantEvent.TrackUnpublished, (pub) => room.emit(RoomEvent.TrackUnpublished, pub, p));
  p.on(ParticipantEvent.TrackEnabled, (pub) => room.emit(RoomEvent.TrackEnabled, pub, p));
  p.on(ParticipantEvent.TrackDisabled, (pub) => room.emit(RoomEvent.TrackDisabled, pub, p));
  p.on(ParticipantEvent.TrackMessage, (data, track) => room.emit(RoomEvent.TrackMessage, data, track, p));
}
