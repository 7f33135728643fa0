/**
 * MediaProcessors: started → ended | failed, changed only through these methods. Each
 * processor's media runs as a job admitted through a JobDispatcher (ProcessorJobs); the
 * service follows the job's events: a first segment starts its streamer, a failure fails the
 * processor, a closed recording is finalised. Ending a processor stops its job.
 */
import {
  Limits,
  type ComposerSettings,
  SidPrefix,
  createSid,
  type MediaProcessorEndedReason,
  type StatusCallbackMethod,
} from '@onair/protocol';
import type { JobDispatcher, JobHandle } from '@onair/media-processor';
import { ApiError } from './api-error.js';
import type { MediaProcessor, PlayerStreamer } from '../store/records.js';
import { notify, type ServiceContext } from './context.js';
import { findBySid } from './find.js';
import type { MediaRecordingService } from './media-recordings.js';
import { isActiveStreamer, type PlayerStreamerService } from './player-streamers.js';
import { ProcessorJobs, type JobReactions } from './processor-jobs.js';

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

export interface MediaProcessorDeps {
  /** where processors' media jobs run; absent, processors record state only */
  dispatcher?: JobDispatcher;
  /** the MediaRecordings of processors that record (ExtensionContext.recordings) */
  recordings?: MediaRecordingService;
  /** admission before any capacity is taken: throws an ApiError to refuse (the free-disk floor) */
  admit?: () => Promise<void>;
}

export class MediaProcessorService {
  private readonly jobs: ProcessorJobs | undefined;
  private readonly reactions: JobReactions;

  constructor(
    private readonly ctx: ServiceContext,
    private readonly streamers: PlayerStreamerService,
    private readonly deps: MediaProcessorDeps = {},
  ) {
    this.jobs = deps.dispatcher ? new ProcessorJobs(deps.dispatcher, ctx.logger) : undefined;
    this.reactions = {
      outputStarted: async (streamerSid) => this.streamers.start(await this.streamers.find(streamerSid)),
      failed: async (processorSid, reason) => this.fail(await this.find(processorSid), reason),
      recordingClosed: async (recordingSid, endedReason) => this.deps.recordings?.finalize(recordingSid, endedReason ?? undefined),
    };
  }

  async create(input: CreateMediaProcessorInput): Promise<MediaProcessor> {
    const { settings } = input;
    const outputs = settings.outputs;
    const busy = await this.activeOutputs();
    const fed: PlayerStreamer[] = [];
    for (const sid of outputs) {
      const streamer = await this.ctx.store.playerStreamers.get(sid);
      if (!streamer) throw invalid('ExtensionContext', `outputs: PlayerStreamer ${sid} does not exist`);
      if (!isActiveStreamer(streamer)) {
        throw invalid('ExtensionContext', `outputs: PlayerStreamer ${sid} is ${streamer.status}; create a new one`);
      }
      const owner = busy.get(sid);
      if (owner) throw invalid('ExtensionContext', `outputs: PlayerStreamer ${sid} is already fed by MediaProcessor ${owner}`);
      fed.push(streamer);
    }
    await this.deps.admit?.();
    const now = this.ctx.clock();
    const sid = createSid(SidPrefix.MediaProcessor);
    const recordingSid = settings.recording && this.deps.recordings ? createSid(SidPrefix.MediaRecording) : undefined;
    // capacity first: a refused job leaves no trace
    const job = await this.jobs?.admit({
      processorSid: sid,
      room: settings.room,
      identity: settings.identity,
      width: settings.width,
      height: settings.height,
      audioKbps: settings.audioKbps,
      hideParticipantIdentities: settings.hideParticipantIdentities,
      backgroundColor: settings.backgroundColor,
      outputs: fed.map((s) => ({ streamerSid: s.sid, latencyMode: s.latencyMode })),
      ...(recordingSid && settings.recording ? { recording: { mediaRecordingSid: recordingSid, containerFormat: settings.recording.containerFormat } } : {}),
      createdAt: now,
    });
    let stored!: () => void;
    if (job) this.jobs?.follow(job, this.reactions, new Promise<void>((resolve) => (stored = resolve)), { recording: Boolean(recordingSid) });
    const processor: MediaProcessor = {
      sid,
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
      stored?.(); // what the job reports now finds no processor, and is logged
      this.jobs?.stop(sid);
      throw err;
    }
    this.ctx.logger.info({ mediaProcessorSid: processor.sid, outputs, workerId: job?.workerId }, 'media processor created');
    this.ctx.events.emit('mediaProcessorCreated', processor);
    this.notify(processor, 'media-processor-started');
    try {
      if (recordingSid) await this.deps.recordings?.create(processor, settings, recordingSid);
    } catch (err) {
      this.ctx.logger.error({ err, mediaProcessorSid: processor.sid }, 'media processor could not start its recording');
      stored?.();
      return this.fail(processor, 'internal-service-error');
    }
    stored?.();
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
    this.jobs?.stop(updated.sid);
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

  /**
   * At start: follows again the jobs of processors a previous run left started, where they
   * still run (on workers that outlived it); the others end with internal-service-error.
   */
  async reattachRunning(): Promise<void> {
    const running = await this.ctx.store.mediaProcessors.list({ filter: { status: 'started' }, order: 'asc', limit: -1 });
    if (!running.length) return;
    const recording = new Set(
      (await this.ctx.store.mediaRecordings.list({ filter: { status: 'processing' }, order: 'asc', limit: -1 })).map((r) => r.processorSid),
    );
    for (const p of running) {
      const handle: JobHandle | undefined = await this.jobs?.attach(p.sid);
      if (!handle) {
        // gone while this server was away: failed on its worker, or lost with the process that ran it
        const outcome = await this.jobs?.outcome(p.sid);
        if (outcome?.state === 'failed') await this.fail(p, outcome.reason);
        else await this.end(p, 'internal-service-error');
        continue;
      }
      // subscribed before any event the dispatcher held for it is delivered (they come on the next turn)
      this.jobs?.follow(handle, this.reactions, Promise.resolve(), { recording: recording.has(p.sid) });
      this.ctx.logger.info({ mediaProcessorSid: p.sid, workerId: handle.workerId }, 'media processor followed again after a restart');
    }
  }

  /**
   * A streamer ended on its own (via the API or its MaxDuration): its playlist is finalised;
   * a processor left with no live output ends too (ended-via-api: its outputs were ended).
   */
  async outputEnded(streamer: PlayerStreamer): Promise<void> {
    if (streamer.endedReason === 'stream-disconnected-by-source') return; // its processor ended first
    const feeder = (await this.activeOutputs()).get(streamer.sid);
    if (!feeder) return;
    const live = await this.jobs?.endOutput(feeder, streamer.sid);
    if (live === 0) await this.end(await this.find(feeder), 'ended-via-api');
  }

  /** The worker running each running processor's job, when known (metrics, the dashboard). */
  workers(): Map<string, string | undefined> {
    return this.jobs?.workers() ?? new Map();
  }

  /** Whether a processor's recording is being written now (the disk floor watches then). */
  get recordingNow(): boolean {
    return this.jobs?.recordingNow ?? false;
  }

  /** Ends every recording being written (the disk is low); the streams go on. Resolves with how many ended. */
  endRecordings(reason: 'disk-space-low'): Promise<number> {
    return this.jobs?.endRecordings(reason) ?? Promise.resolve(0);
  }

  /** Resolves once what the jobs reported is recorded (streamers started, recordings finalised). */
  async settled(): Promise<void> {
    await this.jobs?.settled();
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
