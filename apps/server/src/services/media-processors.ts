/** MediaProcessors: started → ended | failed, changed only through these methods. */
import {
  Limits,
  type ComposerSettings,
  SidPrefix,
  createSid,
  type MediaProcessorEndedReason,
  type StatusCallbackMethod,
} from '@onair/protocol';
import { ApiError } from './api-error.js';
import type { MediaProcessor } from '../store/records.js';
import { notify, type ServiceContext } from './context.js';
import { findBySid } from './find.js';
import { isActiveStreamer, type PlayerStreamerService } from './player-streamers.js';

export interface CreateMediaProcessorInput {
  /** ExtensionContext and ExtensionEnvironment as the REST edge parsed them, defaults applied */
  settings: ComposerSettings;
  extension: string;
  /** the raw JSON strings, kept verbatim for the resource */
  extensionContext: string;
  extensionEnvironment?: string;
  statusCallback?: string;
  statusCallbackMethod?: StatusCallbackMethod;
  maxDuration?: number;
}

const invalid = (parameter: string, message: string) =>
  ApiError.invalidParameter(`Invalid parameter ${parameter}: ${message}`, { parameter });

/** Runs a processor's media (the composer job); absent, processors record state only. */
export interface MediaRunner {
  /** Reserves capacity, or throws an ApiError (429 when full, 503 when media tools are missing). */
  reserve(): {
    /** the SID the processor must get (absent: a new one) */
    readonly sid?: string;
    start(processor: MediaProcessor, settings: ComposerSettings): Promise<void>;
    release(): void;
  };
}

export class MediaProcessorService {
  constructor(
    private readonly ctx: ServiceContext,
    private readonly streamers: PlayerStreamerService,
    private readonly media?: MediaRunner,
    /** admission before any capacity is taken: throws an ApiError to refuse (the free-disk floor) */
    private readonly admit?: () => Promise<void>,
  ) {}

  async create(input: CreateMediaProcessorInput): Promise<MediaProcessor> {
    const { settings } = input;
    const outputs = settings.outputs;
    const busy = await this.activeOutputs();
    for (const sid of outputs) {
      const streamer = await this.ctx.store.playerStreamers.get(sid);
      if (!streamer) throw invalid('ExtensionContext', `outputs: PlayerStreamer ${sid} does not exist`);
      if (!isActiveStreamer(streamer)) {
        throw invalid('ExtensionContext', `outputs: PlayerStreamer ${sid} is ${streamer.status}; create a new one`);
      }
      const owner = busy.get(sid);
      if (owner) throw invalid('ExtensionContext', `outputs: PlayerStreamer ${sid} is already fed by MediaProcessor ${owner}`);
    }
    await this.admit?.();
    const now = this.ctx.clock();
    // capacity first: a slot may come with a Chromium already launched for the processor's SID
    const slot = this.media?.reserve();
    const processor: MediaProcessor = {
      sid: slot?.sid ?? createSid(SidPrefix.MediaProcessor),
      accountSid: this.ctx.accountSid,
      dateCreated: now,
      dateUpdated: now,
      extension: input.extension,
      extensionContext: input.extensionContext,
      extensionEnvironment: input.extensionEnvironment ?? null,
      outputs,
      roomName: settings.room,
      status: 'started',
      endedReason: null,
      statusCallback: input.statusCallback ?? null,
      statusCallbackMethod: input.statusCallbackMethod ?? 'POST',
      maxDuration: input.maxDuration ?? Limits.maxDurationDefault,
    };
    try {
      await this.ctx.store.mediaProcessors.insert(processor);
    } catch (err) {
      slot?.release();
      throw err;
    }
    this.ctx.logger.info({ mediaProcessorSid: processor.sid, outputs }, 'media processor created');
    this.ctx.events.emit('mediaProcessorCreated', processor);
    this.notify(processor, 'media-processor-started');
    if (slot) {
      try {
        await slot.start(processor, settings);
      } catch (err) {
        this.ctx.logger.error({ err, mediaProcessorSid: processor.sid }, 'media processor could not start');
        return this.fail(processor, 'internal-service-error');
      }
    }
    return processor;
  }

  find(sid: string): Promise<MediaProcessor> {
    return findBySid(SidPrefix.MediaProcessor, sid, (s) => this.ctx.store.mediaProcessors.get(s), '/v1/MediaProcessors');
  }

  /** Ends a running processor; its outputs end as disconnected by source. Idempotent. */
  async end(processor: MediaProcessor, reason: MediaProcessorEndedReason): Promise<MediaProcessor> {
    return this.finish(processor, 'ended', reason, 'media-processor-ended');
  }

  async fail(processor: MediaProcessor, reason: MediaProcessorEndedReason): Promise<MediaProcessor> {
    return this.finish(processor, 'failed', reason, 'media-processor-failed');
  }

  /**
   * The processor and its outputs end in one transaction: a failure half-way leaves both as
   * they were. Events, logs and callbacks follow once it is committed.
   */
  private async finish(
    processor: MediaProcessor,
    status: 'ended' | 'failed',
    reason: MediaProcessorEndedReason,
    event: string,
  ): Promise<MediaProcessor> {
    if (processor.status !== 'started') return processor;
    const now = this.ctx.clock();
    const done = await this.ctx.store.transaction((tx) => {
      const current = tx.mediaProcessors.get(processor.sid);
      if (!current) return undefined;
      if (current.status !== 'started') return { updated: current, streamers: [], changed: false };
      const updated = tx.mediaProcessors.update(processor.sid, { status, endedReason: reason, dateUpdated: now })!;
      const streamers = updated.outputs
        .map((sid) => this.streamers.endIn(tx, sid, 'stream-disconnected-by-source'))
        .filter((s) => s !== undefined);
      return { updated, streamers, changed: true };
    });
    if (!done) throw ApiError.notFound(`/v1/MediaProcessors/${processor.sid}`);
    const { updated, streamers, changed } = done;
    if (!changed) return updated; // another call ended it first
    this.ctx.logger.info({ mediaProcessorSid: updated.sid, status, endedReason: reason }, 'media processor finished');
    this.ctx.events.emit('mediaProcessorEnded', updated);
    this.notify(updated, event);
    for (const streamer of streamers) this.streamers.announceEnded(streamer);
    return updated;
  }

  /** Ends every running processor (the server stops, or stopped without ending them). */
  async endAllRunning(reason: MediaProcessorEndedReason): Promise<void> {
    const running = await this.ctx.store.mediaProcessors.list({ filter: { status: 'started' }, order: 'asc', limit: -1 });
    for (const p of running) await this.end(p, reason);
  }

  /** PlayerStreamer SID → the running processor that feeds it. */
  private async activeOutputs(): Promise<Map<string, string>> {
    const running = await this.ctx.store.mediaProcessors.list({
      filter: { status: 'started' },
      order: 'asc',
      limit: -1,
    });
    return new Map(running.flatMap((p) => p.outputs.map((o) => [o, p.sid] as const)));
  }

  private notify(p: MediaProcessor, event: string): void {
    notify(this.ctx, p, p.sid, event, {
      MediaProcessorSid: p.sid,
      Extension: p.extension,
      ExtensionContext: p.extensionContext,
      Status: p.status,
      EndedReason: p.endedReason,
    });
  }
}
