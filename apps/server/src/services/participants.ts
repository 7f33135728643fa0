/** Participants: lookup within a room and disconnection. */
import { ApiError } from '../http/api-error.js';
import type { Participant, Room } from '../store/records.js';
import { notify, type ServiceContext } from './context.js';

export class ParticipantService {
  constructor(private readonly ctx: ServiceContext) {}

  async find(room: Room, sid: string): Promise<Participant> {
    const p = await this.ctx.store.participants.get(sid);
    if (!p || p.roomSid !== room.sid) throw ApiError.notFound(`/v1/Rooms/${room.sid}/Participants/${sid}`);
    return p;
  }

  /** Marks a participant disconnected (the signaling server kicks it on the event). Idempotent. */
  async disconnect(room: Room, participant: Participant): Promise<Participant> {
    if (participant.status === 'disconnected') return participant;
    const now = this.ctx.clock();
    const updated = await this.ctx.store.participants.update(participant.sid, {
      status: 'disconnected',
      endTime: now,
      dateUpdated: now,
    });
    if (!updated) throw ApiError.notFound(`/v1/Rooms/${room.sid}/Participants/${participant.sid}`);
    this.ctx.events.emit('participantDisconnected', updated);
    notify(this.ctx, room, room.sid, 'participant-disconnected', {
      RoomSid: room.sid,
      RoomName: room.uniqueName,
      RoomStatus: room.status,
      RoomType: room.type,
      ParticipantSid: updated.sid,
      ParticipantIdentity: updated.identity,
      ParticipantStatus: updated.status,
      ParticipantDuration: participantDuration(updated),
    });
    return updated;
  }
}

export function participantDuration(p: Participant): number | null {
  return p.endTime === null ? null : Math.max(0, Math.round((p.endTime - p.startTime) / 1000));
}
