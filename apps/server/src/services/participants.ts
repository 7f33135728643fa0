/** Participants: lookup within a room and disconnection. */
import { SidPrefix, createSid } from '@onair/protocol';
import { ApiError } from './api-error.js';
import type { Participant, Room } from '../store/records.js';
import { notify, type ServiceContext } from './context.js';
import { roomParams } from './rooms.js';

export class ParticipantService {
  constructor(private readonly ctx: ServiceContext) {}

  async find(room: Room, sid: string): Promise<Participant> {
    const p = await this.ctx.store.participants.get(sid);
    if (!p || p.roomSid !== room.sid) throw ApiError.notFound(`/v1/Rooms/${room.sid}/Participants/${sid}`);
    return p;
  }

  /** Records a participant that joined over signaling. */
  async connect(room: Room, identity: string): Promise<Participant> {
    const now = this.ctx.clock();
    const participant: Participant = {
      sid: createSid(SidPrefix.Participant),
      accountSid: this.ctx.accountSid,
      roomSid: room.sid,
      identity,
      status: 'connected',
      dateCreated: now,
      dateUpdated: now,
      startTime: now,
      endTime: null,
    };
    await this.ctx.store.participants.insert(participant);
    notify(this.ctx, room, room.sid, 'participant-connected', {
      ...roomParams(room),
      ParticipantSid: participant.sid,
      ParticipantIdentity: identity,
      ParticipantStatus: 'connected',
    });
    return participant;
  }

  /** Sends track-added / track-removed for a room's status callback. */
  trackEvent(
    room: Room,
    participant: { sid: string; identity: string },
    track: { sid: string; name: string; kind: string },
    event: 'track-added' | 'track-removed',
  ): void {
    notify(this.ctx, room, room.sid, event, {
      ...roomParams(room),
      ParticipantSid: participant.sid,
      ParticipantIdentity: participant.identity,
      TrackSid: track.sid,
      TrackName: track.name,
      TrackKind: track.kind,
    });
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
    announceDisconnected(this.ctx, room, updated);
    return updated;
  }
}

/** A participant was marked disconnected: the signaling server kicks it (on the event), the room's StatusCallback hears of it. */
export function announceDisconnected(ctx: ServiceContext, room: Room, participant: Participant): void {
  ctx.events.emit('participantDisconnected', participant);
  notify(ctx, room, room.sid, 'participant-disconnected', {
    ...roomParams(room),
    ParticipantSid: participant.sid,
    ParticipantIdentity: participant.identity,
    ParticipantStatus: participant.status,
    ParticipantDuration: participantDuration(participant),
  });
}

export function participantDuration(p: Participant): number | null {
  return p.endTime === null ? null : Math.max(0, Math.round((p.endTime - p.startTime) / 1000));
}

