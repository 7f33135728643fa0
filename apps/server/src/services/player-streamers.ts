/** PlayerStreamers: created → started → ended | failed, changed only through these methods. */
import {
  DEFAULT_LATENCY_MODE,
  Limits,
  SidPrefix,
  createSid,
  type LatencyMode,
  type PlayerStreamerEndedReason,
  type StatusCallbackMethod,
} from '@onair/protocol';
import { ApiError } from './api-error.js';
import type { PlayerStreamer } from '../store/records.js';
import type { StoreTx } from '../store/repository.js';
import { notify, type ServiceContext } from './context.js';
import { findBySid } from './find.js';

export interface CreatePlayerStreamerInput {
  video?: boolean;
  statusCallback?: string;
  statusCallbackMethod?: StatusCallbackMethod;
  maxDuration?: number;
  latencyMode?: LatencyMode;
}

export const isActiveStreamer = (s: PlayerStreamer) => s.status === 'created' || s.status === 'started';

export class PlayerStreamerService {
  constructor(private readonly ctx: ServiceContext) {}

  async create(input: CreatePlayerStreamerInput): Promise<PlayerStreamer> {
    const now = this.ctx.clock();
    const streamer: PlayerStreamer = {
      sid: createSid(SidPrefix.PlayerStreamer),
      accountSid: this.ctx.accountSid,
      dateCreated: now,
      dateUpdated: now,
      video: input.video ?? true,
      status: 'created',
      endedReason: null,
      statusCallback: input.statusCallback ?? null,
      statusCallbackMethod: input.statusCallbackMethod ?? 'POST',
      maxDuration: input.maxDuration ?? Limits.maxDurationDefault,
      latencyMode: input.latencyMode ?? DEFAULT_LATENCY_MODE,
    };
    await this.ctx.store.playerStreamers.insert(streamer);
    this.ctx.logger.info({ playerStreamerSid: streamer.sid, latencyMode: streamer.latencyMode }, 'player streamer created');
    this.ctx.events.emit('playerStreamerCreated', streamer);
    this.notify(streamer, 'player-streamer-created');
    return streamer;
  }

  find(sid: string): Promise<PlayerStreamer> {
    return findBySid(SidPrefix.PlayerStreamer, sid, (s) => this.ctx.store.playerStreamers.get(s), '/v1/PlayerStreamers');
  }

  /** Marks the streamer started (its first segment is playable). */
  async start(streamer: PlayerStreamer): Promise<PlayerStreamer> {
    if (streamer.status !== 'created') return streamer;
    return this.transition(streamer, { status: 'started' }, 'player-streamer-started');
  }

  /** Ends an active streamer. Idempotent: an ended streamer keeps its first reason. */
  async end(streamer: PlayerStreamer, reason: PlayerStreamerEndedReason): Promise<PlayerStreamer> {
    if (!isActiveStreamer(streamer)) return streamer;
    return this.transition(streamer, { status: 'ended', endedReason: reason }, 'player-streamer-ended');
  }

  async fail(streamer: PlayerStreamer): Promise<PlayerStreamer> {
    if (!isActiveStreamer(streamer)) return streamer;
    return this.transition(
      streamer,
      { status: 'failed', endedReason: 'unexpected-failure' },
      'player-streamer-failed',
    );
  }

  private async transition(
    streamer: PlayerStreamer,
    patch: Partial<PlayerStreamer>,
    event: string,
  ): Promise<PlayerStreamer> {
    const updated = await this.ctx.store.playerStreamers.update(streamer.sid, {
      ...patch,
      dateUpdated: this.ctx.clock(),
    });
    if (!updated) throw ApiError.notFound(`/v1/PlayerStreamers/${streamer.sid}`);
    this.announce(updated, event);
    return updated;
  }

  /**
   * Ends an active streamer inside a transaction that changes other rows too (its processor
   * ended); undefined when it is not active. Announce it with `announceEnded` once committed.
   */
  endIn(tx: StoreTx, sid: string, reason: PlayerStreamerEndedReason): PlayerStreamer | undefined {
    const current = tx.playerStreamers.get(sid);
    if (!current || !isActiveStreamer(current)) return undefined;
    return tx.playerStreamers.update(sid, { status: 'ended', endedReason: reason, dateUpdated: this.ctx.clock() });
  }

  /** Logs, emits and calls back for a streamer `endIn` ended. */
  announceEnded(streamer: PlayerStreamer): void {
    this.announce(streamer, 'player-streamer-ended');
  }

  private announce(updated: PlayerStreamer, event: string): void {
    this.ctx.logger.info(
      { playerStreamerSid: updated.sid, status: updated.status, endedReason: updated.endedReason },
      'player streamer status changed',
    );
    if (!isActiveStreamer(updated)) this.ctx.events.emit('playerStreamerEnded', updated);
    this.notify(updated, event);
  }

  private notify(s: PlayerStreamer, event: string): void {
    notify(this.ctx, s, s.sid, event, {
      PlayerStreamerSid: s.sid,
      Status: s.status,
      EndedReason: s.endedReason,
      LatencyMode: s.latencyMode, // onair extension, as `latency_mode` on the resource
    });
  }
}
