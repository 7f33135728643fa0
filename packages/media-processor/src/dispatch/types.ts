/**
 * How the API side hands media jobs to workers, wherever they run: in the server's own
 * process (LocalDispatcher, the embedded default) or on workers that take them from Redis
 * (RedisDispatcher + MediaWorker). The services admit jobs and subscribe to their handles'
 * events; they never learn where a job runs beyond `workerId`.
 */
import type { MediaJobEvents, MediaJobSpec, TypedEmitter } from '@onair/protocol';

export interface JobHandle {
  /** the MediaProcessor SID */
  readonly sid: string;
  readonly events: TypedEmitter<MediaJobEvents>;
  /** the worker running the job now, when known */
  readonly workerId: string | undefined;
  /** Stops the job for good; resolves once its worker stopped it (or it was not running). */
  stop(): Promise<void>;
  /** Finalises one output (EXT-X-ENDLIST) while the others go on; resolves with how many stay live. */
  endOutput(streamerSid: string): Promise<number>;
  /** Ends the job's recording now (the data dir's disk is low); the stream goes on. */
  endRecording(reason: 'disk-space-low'): Promise<void>;
}

export interface WorkerInfo {
  id: string;
  /** the worker's host name, for operators */
  host: string;
  /** jobs it runs at most (ONAIR_MAX_PROCESSORS there) */
  capacity: number;
  /** jobs it runs now */
  running: number;
  /** it takes no new jobs (SIGTERM) */
  draining: boolean;
  /** epoch ms of its last heartbeat */
  lastSeen: number;
}

/** How a job that is no longer running ended (after an API restart: what happened meanwhile). */
export type JobOutcome =
  | { state: 'completed' }
  | { state: 'failed'; reason: import('@onair/protocol').JobFailureReason; message: string }
  | { state: 'unknown' };

export interface DispatchStats {
  /** jobs admitted and not yet taken by a worker */
  waiting: number;
  /** jobs running on a worker */
  active: number;
  /** jobs handed from one worker to another since the queue exists */
  handovers: number;
}

export interface JobDispatcher {
  /**
   * Admits a job. Throws MediaProcessorError ERR_CAPACITY when no worker has room (REST:
   * 429/20429), other MediaProcessorError codes (ERR_BINARY_NOT_FOUND,
   * ERR_SANDBOX_UNAVAILABLE, ERR_STOPPED) when jobs cannot run at all (REST: 503).
   */
  admit(spec: MediaJobSpec): Promise<JobHandle>;
  /** After an API restart: the handle of a job still running or waiting; undefined when it is gone. */
  attach(processorSid: string): Promise<JobHandle | undefined>;
  /** How a job that is gone ended. */
  outcome(processorSid: string): Promise<JobOutcome>;
  workers(): Promise<WorkerInfo[]>;
  stats(): Promise<DispatchStats>;
  /** Stops dispatching; local jobs (embedded worker) are stopped, remote ones keep running. */
  close(): Promise<void>;
}

/** What a worker knows when it starts a job (the pipeline reads it to resume or count restarts). */
export interface JobContext {
  /** the worker running this start of the job */
  workerId: string;
  /** epoch ms of every restart the job spent so far, on any worker (this hand-over included) */
  previousRestarts: number[];
  /** this start takes over a job another worker ran (crash or drain): resume its outputs */
  handover: boolean;
}

/** A job started on a worker: what `runJob` returns. */
export interface RunningJob {
  readonly events: TypedEmitter<MediaJobEvents>;
  /**
   * Stops the job; resolves once it emitted `closed`. With `handover: true` the job is being
   * moved to another worker: stop the processes, but leave the outputs and the recording
   * open for the next worker (no EXT-X-ENDLIST, no finalised MP4).
   */
  stop(opts?: { handover?: boolean }): Promise<void>;
  endOutput(streamerSid: string): Promise<number>;
  endRecording(reason: 'disk-space-low'): Promise<void>;
  /** processes the job runs now (Chromium, ffmpeg), for orphan checks */
  pids?(): number[];
}

/** How a worker starts one job (the pipeline's MediaJob; the tests' fake jobs). */
export type RunJob = (spec: MediaJobSpec, ctx: JobContext) => RunningJob;
