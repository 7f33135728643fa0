/**
 * The media jobs of running MediaProcessors, as the services see them: admitted through a
 * JobDispatcher (wherever they run), held as JobHandles, and followed through their typed
 * events. What an event means for the resources (a streamer started, a processor failed, a
 * recording to finalise) is decided by the service that owns them, through `JobReactions`.
 */
import { ErrorCode, type JobFailureReason, type MediaJobSpec } from '@onair/protocol';
import { MediaProcessorError, type JobDispatcher, type JobHandle, type JobOutcome } from '@onair/media-processor';
import type { Logger } from 'pino';
import { ApiError } from './api-error.js';

/** What the owner of the resources does when a job reports. */
export interface JobReactions {
  outputStarted(streamerSid: string): Promise<unknown>;
  failed(processorSid: string, reason: JobFailureReason): Promise<unknown>;
  recordingClosed(recordingSid: string, endedReason: 'disk-space-low' | null): Promise<unknown>;
}

export class ProcessorJobs {
  /** running jobs, by processor SID */
  readonly #handles = new Map<string, JobHandle>();
  /** jobs whose recording is being written, by processor SID */
  readonly #recording = new Map<string, JobHandle>();
  /** reactions under way (close() waits for them) */
  readonly #pending = new Set<Promise<unknown>>();

  constructor(
    private readonly dispatcher: JobDispatcher,
    private readonly logger: Logger,
  ) {}

  /**
   * Admits a job; throws ApiError 429 (20429) when no worker has room, 503 (20503) when jobs
   * cannot run at all (Chromium or ffmpeg missing, no sandbox, shutting down).
   */
  async admit(spec: MediaJobSpec): Promise<JobHandle> {
    try {
      return await this.dispatcher.admit(spec);
    } catch (err) {
      if (err instanceof MediaProcessorError && err.code === 'ERR_CAPACITY') {
        throw new ApiError(429, ErrorCode.TooManyRequests, err.message);
      }
      if (err instanceof MediaProcessorError) throw new ApiError(503, ErrorCode.ServiceUnavailable, err.message);
      throw err;
    }
  }

  /** The handle of a job that may still run (after an API restart); undefined when it is gone. */
  attach(processorSid: string): Promise<JobHandle | undefined> {
    return this.dispatcher.attach(processorSid);
  }

  /** How a job that is gone ended (after an API restart). */
  outcome(processorSid: string): Promise<JobOutcome> {
    return this.dispatcher.outcome(processorSid);
  }

  /** The worker running each followed job, when known (metrics, the dashboard). */
  workers(): Map<string, string | undefined> {
    return new Map([...this.#handles].map(([sid, handle]) => [sid, handle.workerId]));
  }

  /**
   * Follows a job's events. Reactions wait for `ready` (the resources exist in the store)
   * and are logged, never thrown, when they fail.
   */
  follow(handle: JobHandle, reactions: JobReactions, ready: Promise<unknown>, opts: { recording: boolean }): void {
    const sid = handle.sid;
    this.#handles.set(sid, handle);
    if (opts.recording) this.#recording.set(sid, handle);
    const react = (what: string, work: () => Promise<unknown>) => {
      const p = ready
        .then(work)
        .catch((err: unknown) => this.logger.error({ err, mediaProcessorSid: sid }, `could not record ${what}`))
        .finally(() => this.#pending.delete(p));
      this.#pending.add(p);
    };
    handle.events.on('outputStarted', (streamerSid) => react('streamer start', () => reactions.outputStarted(streamerSid)));
    handle.events.on('failed', (reason) => react('processor failure', () => reactions.failed(sid, reason)));
    handle.events.on('recordingClosed', (recordingSid, endedReason) => {
      if (this.#recording.get(sid) === handle) this.#recording.delete(sid);
      react('recording end', () => reactions.recordingClosed(recordingSid, endedReason));
    });
    handle.events.on('closed', () => {
      if (this.#handles.get(sid) === handle) this.#handles.delete(sid);
      if (this.#recording.get(sid) === handle) this.#recording.delete(sid);
    });
  }

  /**
   * Stops a processor's job for good. A job this server does not follow (yet: it ended the
   * processor before following its jobs again after a restart, e.g. a MaxDuration that ran
   * out meanwhile) is found through the dispatcher; no-op when there is none.
   */
  stop(processorSid: string): void {
    const followed = this.#handles.get(processorSid);
    this.#handles.delete(processorSid);
    const stopping = (async () => {
      const handle = followed ?? (await this.dispatcher.attach(processorSid));
      await handle?.stop();
    })();
    stopping.catch((err: unknown) => this.logger.error({ err, mediaProcessorSid: processorSid }, 'could not stop a media job'));
  }

  /** Finalises one output of a processor's job; resolves with how many stay live (undefined: no job). */
  async endOutput(processorSid: string, streamerSid: string): Promise<number | undefined> {
    const handle = this.#handles.get(processorSid);
    return handle ? handle.endOutput(streamerSid) : undefined;
  }

  /** Whether a recording is being written now. */
  get recordingNow(): boolean {
    return this.#recording.size > 0;
  }

  /** Ends every recording being written (the stream goes on); resolves with how many ended. */
  async endRecordings(reason: 'disk-space-low'): Promise<number> {
    const ending = [...this.#recording.values()];
    this.#recording.clear();
    await Promise.all(ending.map((h) => h.endRecording(reason)));
    return ending.length;
  }

  /** Resolves once every reaction under way (streamer starts, failures, recording finalisations) is done. */
  async settled(): Promise<void> {
    while (this.#pending.size) await Promise.all([...this.#pending]);
  }
}
