/** Rooms: creation, lookup by SID or UniqueName, completion. */
import {
  ErrorCode,
  SidPrefix,
  createSid,
  isSid,
  type RoomType,
  type StatusCallbackMethod,
  type VideoCodec,
} from '@onair/protocol';
import { ApiError } from './api-error.js';
import type { Participant, Room } from '../store/records.js';
import { StoreConflictError, type StoreTx } from '../store/repository.js';
import { notify, type ServiceContext } from './context.js';
import { announceDisconnected } from './participants.js';

/** Per room type: the most participants allowed, and the default. */
export const ROOM_TYPE_LIMITS: Record<RoomType, { maxParticipants: number; publishedTracks: number | null }> = {
  group: { maxParticipants: 50, publishedTracks: 170 },
  'group-small': { maxParticipants: 4, publishedTracks: 16 },
  'peer-to-peer': { maxParticipants: 10, publishedTracks: null },
  go: { maxParticipants: 2, publishedTracks: null },
};

export interface CreateRoomInput {
  uniqueName?: string;
  type?: RoomType;
  statusCallback?: string;
  statusCallbackMethod?: StatusCallbackMethod;
  maxParticipants?: number;
  maxParticipantDuration?: number;
  recordParticipantsOnConnect?: boolean;
  videoCodecs?: VideoCodec[];
  mediaRegion?: string;
  recordingRules?: unknown;
  audioOnly?: boolean;
  emptyRoomTimeout?: number;
  unusedRoomTimeout?: number;
  largeRoom?: boolean;
  enableTurn?: boolean;
}

export const ROOM_DEFAULTS = {
  type: 'group' as RoomType,
  maxParticipantDuration: 14_400,
  videoCodecs: ['VP8', 'H264'] as VideoCodec[],
  mediaRegion: 'local',
  emptyRoomTimeout: 5,
  unusedRoomTimeout: 5,
};

export class RoomService {
  constructor(private readonly ctx: ServiceContext) {}

  async create(input: CreateRoomInput): Promise<Room> {
    const type = input.type ?? ROOM_DEFAULTS.type;
    const limits = ROOM_TYPE_LIMITS[type];
    if (input.maxParticipants !== undefined && input.maxParticipants > limits.maxParticipants) {
      throw ApiError.invalidParameter(
        `Invalid parameter MaxParticipants: at most ${limits.maxParticipants} for ${type} rooms`,
        { parameter: 'MaxParticipants' },
      );
    }
    if (input.uniqueName !== undefined && isSid(SidPrefix.Room, input.uniqueName)) {
      throw ApiError.invalidParameter('Invalid parameter UniqueName: must not be a Room SID', {
        parameter: 'UniqueName',
      });
    }
    const now = this.ctx.clock();
    const sid = createSid(SidPrefix.Room);
    const room: Room = {
      sid,
      accountSid: this.ctx.accountSid,
      dateCreated: now,
      dateUpdated: now,
      uniqueName: input.uniqueName ?? sid,
      status: 'in-progress',
      type,
      enableTurn: input.enableTurn ?? true,
      statusCallback: input.statusCallback ?? null,
      statusCallbackMethod: input.statusCallbackMethod ?? 'POST',
      maxParticipants: input.maxParticipants ?? limits.maxParticipants,
      maxParticipantDuration: input.maxParticipantDuration ?? ROOM_DEFAULTS.maxParticipantDuration,
      maxConcurrentPublishedTracks: limits.publishedTracks,
      recordParticipantsOnConnect: input.recordParticipantsOnConnect ?? false,
      videoCodecs: input.videoCodecs ?? ROOM_DEFAULTS.videoCodecs,
      mediaRegion: input.mediaRegion ?? ROOM_DEFAULTS.mediaRegion,
      audioOnly: input.audioOnly ?? false,
      emptyRoomTimeout: input.emptyRoomTimeout ?? ROOM_DEFAULTS.emptyRoomTimeout,
      unusedRoomTimeout: input.unusedRoomTimeout ?? ROOM_DEFAULTS.unusedRoomTimeout,
      largeRoom: input.largeRoom ?? false,
      recordingRules: input.recordingRules ?? null,
      endTime: null,
    };
    try {
      await this.ctx.store.rooms.insert(room);
    } catch (err) {
      if (err instanceof StoreConflictError) {
        throw new ApiError(400, ErrorCode.RoomNameExists, `Room exists: an in-progress room is named '${room.uniqueName}'`);
      }
      throw err;
    }
    this.ctx.logger.info({ roomSid: sid, type }, 'room created');
    this.ctx.events.emit('roomCreated', room);
    notify(this.ctx, room, sid, 'room-created', roomParams(room));
    return room;
  }

  /** A room by SID, or by UniqueName (the in-progress one first). */
  async find(sidOrName: string): Promise<Room> {
    const room = isSid(SidPrefix.Room, sidOrName)
      ? await this.ctx.store.rooms.get(sidOrName)
      : await this.ctx.store.rooms.findByUniqueName(sidOrName);
    if (!room) throw ApiError.notFound(`/v1/Rooms/${sidOrName}`);
    return room;
  }

  /**
   * The in-progress room a client joins: by SID (refused when completed or unknown), or by
   * name, creating an ad-hoc group room when no in-progress room has that name.
   */
  /** The in-progress room with this SID or unique name, if any (creates nothing). */
  async findInProgress(nameOrSid: string): Promise<Room | undefined> {
    const room = isSid(SidPrefix.Room, nameOrSid)
      ? await this.ctx.store.rooms.get(nameOrSid)
      : await this.ctx.store.rooms.findByUniqueName(nameOrSid);
    return room?.status === 'in-progress' ? room : undefined;
  }

  async openForJoin(nameOrSid: string): Promise<Room> {
    if (isSid(SidPrefix.Room, nameOrSid)) {
      const room = await this.ctx.store.rooms.get(nameOrSid);
      if (!room) throw new ApiError(404, ErrorCode.RoomNotFound, `Room ${nameOrSid} not found`);
      if (room.status !== 'in-progress') throw new ApiError(400, ErrorCode.RoomCompleted, `Room ${nameOrSid} is completed`);
      return room;
    }
    for (let attempt = 0; attempt < 3; attempt++) {
      const existing = await this.ctx.store.rooms.findByUniqueName(nameOrSid);
      if (existing?.status === 'in-progress') return existing;
      try {
        return await this.create({ uniqueName: nameOrSid });
      } catch (err) {
        // another join created it first: read it again
        if (!(err instanceof ApiError && err.code === ErrorCode.RoomNameExists)) throw err;
      }
    }
    throw new ApiError(503, ErrorCode.ServiceUnavailable, `Room '${nameOrSid}' could not be opened`);
  }

  /**
   * Ends an in-progress room; connected participants are disconnected, in the same
   * transaction. Idempotent. Live sessions are closed (with "room completed") once it is
   * committed, then each participant is announced.
   */
  async complete(room: Room): Promise<Room> {
    if (room.status !== 'in-progress') return room;
    const now = this.ctx.clock();
    const done = await this.ctx.store.transaction((tx) => {
      const current = tx.rooms.get(room.sid);
      if (!current || current.status !== 'in-progress') return current && { updated: current, left: [], changed: false };
      const updated = tx.rooms.update(room.sid, { status: 'completed', endTime: now, dateUpdated: now })!;
      const left = disconnectAllIn(tx, room.sid, now);
      return { updated, left, changed: true };
    });
    if (!done) throw ApiError.notFound(`/v1/Rooms/${room.sid}`);
    const { updated, left, changed } = done;
    if (!changed) return updated;
    this.ctx.logger.info({ roomSid: room.sid }, 'room completed');
    this.ctx.events.emit('roomEnded', updated);
    for (const p of left) announceDisconnected(this.ctx, updated, p);
    notify(this.ctx, updated, room.sid, 'room-ended', {
      ...roomParams(updated),
      RoomDuration: roomDuration(updated),
    });
    return updated;
  }
}

/** Marks every connected participant of a room disconnected, inside a transaction; returns them. */
export function disconnectAllIn(tx: StoreTx, roomSid: string, now: number): Participant[] {
  const connected = tx.participants.list({ filter: { roomSid, status: 'connected' }, order: 'asc', limit: -1 });
  return connected.map((p) => tx.participants.update(p.sid, { status: 'disconnected', endTime: now, dateUpdated: now })!);
}

export function roomDuration(room: Room): number | null {
  return room.endTime === null ? null : Math.max(0, Math.round((room.endTime - room.dateCreated) / 1000));
}

export function roomParams(room: Room) {
  return { RoomSid: room.sid, RoomName: room.uniqueName, RoomStatus: room.status, RoomType: room.type };
}
