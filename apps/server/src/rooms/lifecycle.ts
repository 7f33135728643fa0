/**
 * When rooms end on their own: empty for EmptyRoomTimeout after the last participant left,
 * never joined within UnusedRoomTimeout, or 24 h after creation. Timers are rebuilt at start
 * for every in-progress room (nobody is connected after a restart).
 */
import { listen } from '@onair/protocol';
import type { ServiceContext } from '../services/context.js';
import { disconnectAllIn, type RoomService } from '../services/rooms.js';
import type { Room } from '../store/records.js';

export const MAX_ROOM_LIFETIME_MS = 24 * 3600 * 1000;

interface Timers {
  idle?: NodeJS.Timeout;
  lifetime?: NodeJS.Timeout;
  used: boolean;
}

export class RoomLifecycle {
  private readonly timers = new Map<string, Timers>();
  private readonly unsubscribe: (() => void)[] = [];
  private closed = false;

  constructor(
    private readonly ctx: ServiceContext,
    private readonly rooms: RoomService,
    /** length of a "minute" of the room timeouts (tests shorten it) */
    private readonly minuteMs = 60_000,
  ) {}

  async start(): Promise<void> {
    this.unsubscribe.push(
      listen(this.ctx.events, 'roomCreated', (room) => this.track(room, false)),
      listen(this.ctx.events, 'roomEnded', (room) => this.forget(room.sid)),
    );
    const live = await this.ctx.store.rooms.list({ filter: { status: 'in-progress' }, order: 'asc', limit: -1 });
    for (const room of live) {
      // sockets did not survive the restart: whoever was connected is gone (all of a room's at once)
      const now = this.ctx.clock();
      const stale = await this.ctx.store.transaction((tx) => disconnectAllIn(tx, room.sid, now));
      this.track(room, stale.length > 0);
    }
  }

  /** The room server reports how many sessions a room holds. */
  occupancy(roomSid: string, count: number): void {
    const t = this.timers.get(roomSid);
    if (!t) return;
    clearTimeout(t.idle);
    t.idle = undefined;
    if (count > 0) {
      t.used = true;
      return;
    }
    void this.ctx.store.rooms.get(roomSid).then((room) => room && this.arm(room, t));
  }

  close(): void {
    this.closed = true;
    for (const off of this.unsubscribe.splice(0)) off();
    for (const sid of [...this.timers.keys()]) this.forget(sid);
  }

  private track(room: Room, used: boolean): void {
    if (this.closed || room.status !== 'in-progress') return;
    const t: Timers = { used };
    this.timers.set(room.sid, t);
    const left = room.dateCreated + MAX_ROOM_LIFETIME_MS - this.ctx.clock();
    t.lifetime = setTimeout(() => void this.end(room.sid, 'max lifetime'), Math.max(0, left));
    t.lifetime.unref();
    this.arm(room, t);
  }

  private arm(room: Room, t: Timers): void {
    if (this.closed) return;
    const minutes = t.used ? room.emptyRoomTimeout : room.unusedRoomTimeout;
    t.idle = setTimeout(() => void this.end(room.sid, t.used ? 'empty' : 'unused'), minutes * this.minuteMs);
    t.idle.unref();
  }

  private forget(roomSid: string): void {
    const t = this.timers.get(roomSid);
    if (!t) return;
    clearTimeout(t.idle);
    clearTimeout(t.lifetime);
    this.timers.delete(roomSid);
  }

  private async end(roomSid: string, why: string): Promise<void> {
    const room = await this.ctx.store.rooms.get(roomSid);
    if (!room || room.status !== 'in-progress') return;
    this.ctx.logger.info({ roomSid, why }, 'room timed out');
    await this.rooms.complete(room).catch((err) => this.ctx.logger.error({ err, roomSid }, 'completing room failed'));
  }
}
