/** The onair server's implementation of what the room server needs (tokens, records, callbacks). */
import { ErrorCode } from '@onair/protocol';
import { RoomsError, type RoomRef, type RoomsBackend } from '@onair/rooms';
import { TokenError, verifyAccessToken } from '@onair/tokens';
import type { Credentials } from '../config/credentials.js';
import { ApiError } from '../services/api-error.js';
import type { ServiceContext } from '../services/context.js';
import type { ParticipantService } from '../services/participants.js';
import type { RoomService } from '../services/rooms.js';
import type { Room } from '../store/records.js';
import { iceServersFor, type IceConfig } from './ice-servers.js';
import type { RoomLifecycle } from './lifecycle.js';

const toRoomsError = (err: unknown): unknown =>
  err instanceof TokenError
    ? new RoomsError(err.twilioCode, err.message)
    : err instanceof ApiError
      ? new RoomsError(err.code, err.message)
      : err;

export class ServerRoomsBackend implements RoomsBackend {
  constructor(
    private readonly ctx: ServiceContext,
    private readonly credentials: Credentials,
    private readonly rooms: RoomService,
    private readonly participants: ParticipantService,
    private readonly lifecycle: RoomLifecycle,
    private readonly ice: IceConfig,
  ) {}

  async authenticate(token: string) {
    try {
      const verified = await verifyAccessToken(token, {
        resolveSecret: (sid) => (sid === this.credentials.apiKeySid ? this.credentials.apiSecret : undefined),
        accountSid: this.credentials.accountSid,
      });
      const video = verified.grants.video;
      if (!video || typeof video !== 'object') throw RoomsError.grants('The access token has no VideoGrant');
      if (!verified.identity) throw RoomsError.grants('The access token has no identity');
      const room = typeof video.room === 'string' && video.room ? video.room : undefined;
      return { identity: verified.identity, room, mayHide: video.hidden === true };
    } catch (err) {
      throw toRoomsError(err);
    }
  }

  async openRoom(nameOrSid: string): Promise<RoomRef> {
    try {
      return ref(await this.rooms.openForJoin(nameOrSid));
    } catch (err) {
      throw toRoomsError(err);
    }
  }

  async findRoom(nameOrSid: string): Promise<RoomRef | undefined> {
    const room = await this.rooms.findInProgress(nameOrSid);
    return room && ref(room);
  }

  async participantConnected(room: RoomRef, identity: string): Promise<string> {
    return (await this.participants.connect(await this.record(room), identity)).sid;
  }

  async participantDisconnected(room: RoomRef, participantSid: string): Promise<void> {
    const record = await this.record(room);
    const p = await this.ctx.store.participants.get(participantSid);
    if (p) await this.participants.disconnect(record, p);
  }

  trackAdded(room: RoomRef, participant: { sid: string; identity: string }, track: { sid: string; name: string; kind: string }) {
    void this.record(room).then((r) => this.participants.trackEvent(r, participant, track, 'track-added'));
  }

  trackRemoved(room: RoomRef, participant: { sid: string; identity: string }, track: { sid: string; name: string; kind: string }) {
    void this.record(room).then((r) => this.participants.trackEvent(r, participant, track, 'track-removed'));
  }

  occupancyChanged(room: RoomRef, count: number): void {
    this.lifecycle.occupancy(room.sid, count);
  }

  iceServers(identity: string) {
    return iceServersFor(this.ice, identity);
  }

  private async record(room: RoomRef): Promise<Room> {
    const r = await this.ctx.store.rooms.get(room.sid);
    if (!r) throw new RoomsError(ErrorCode.RoomNotFound, `Room ${room.sid} not found`);
    return r;
  }
}

export const ref = (r: Room): RoomRef => ({
  sid: r.sid,
  name: r.uniqueName,
  maxParticipants: r.maxParticipants,
  maxPublishedTracks: r.maxConcurrentPublishedTracks,
});
