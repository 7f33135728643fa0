/**
 * One start of one job on a worker: counts a hand-over against the job's restart budget,
 * starts the job with the worker's `runJob`, forwards its events to the API side, applies
 * the control requests written while it was not running, and ends as the job does (or hands
 * it over when the worker drains or lost its lock).
 */
import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { JobFailureReason, MediaJobEvents, MediaJobSpec } from '@onair/protocol';
import { RestartBudget } from '../restart-budget.js';
import type { JobLogger } from '../logger.js';
import type { RunJob, RunningJob } from '../dispatch/types.js';
import type { QueueKeys, QueueSettings } from './settings.js';
import { encodeEvent, JOB_FIELDS, STREAM_EVENTS, type ProgressMessage, type QueuedJob, type StreamEventName } from './wire.js';

export interface RunDeps {
  workerId: string;
  runJob: RunJob;
  cmd: Redis;
  keys: QueueKeys;
  settings: QueueSettings;
  maxRestarts: number;
  restartWindowMs: number;
  log?: JobLogger;
}

/** How a run ended. */
export type RunEnd =
  | { kind: 'completed' }
  | { kind: 'failed'; reason: JobFailureReason; message: string }
  /** stopped here to go on elsewhere (drain, lost lock): no `closed` was forwarded */
  | { kind: 'handover'; lockLost: boolean };

export class WorkerRun {
  readonly sid: string;
  #running: RunningJob | undefined;
  #handingOver: { lockLost: boolean } | undefined;
  #failure: { reason: JobFailureReason; message: string } | undefined;
  #starts = 0;
  #forwarding: Promise<unknown> = Promise.resolve();
  #dataWrites: Promise<unknown> = Promise.resolve();
  #closed!: () => void;
  readonly #closedPromise = new Promise<void>((resolve) => (this.#closed = resolve));

  constructor(
    private readonly deps: RunDeps,
    private readonly job: Job<QueuedJob>,
  ) {
    this.sid = job.data.spec.processorSid;
  }

  /** the job runs here now (the control channel can reach it) */
  get running(): RunningJob | undefined {
    return this.#handingOver ? undefined : this.#running;
  }

  async run(): Promise<RunEnd> {
    try {
      return await this.#run();
    } finally {
      this.#closed(); // whatever happened, a pending handOver() returns
    }
  }

  async #run(): Promise<RunEnd> {
    const { deps, job } = this;
    const { cmd, keys } = deps;
    const data = job.data;
    const info = await cmd.hgetall(keys.job(this.sid));
    if (info[JOB_FIELDS.stop]) {
      // stopped while it waited for a worker (between two workers)
      this.#forward('closed', []);
      await this.#forwarding;
      return { kind: 'completed' };
    }
    const handover = data.starts > 0;
    const now = Date.now();
    const restarts = data.restarts.filter((t) => now - t < deps.restartWindowMs);
    let budgetLeft = true;
    let used = 0;
    if (handover) {
      const budget = new RestartBudget(deps.maxRestarts, deps.restartWindowMs);
      for (const t of [...restarts].sort((a, b) => a - b)) budget.take(t);
      budgetLeft = budget.take(now);
      used = budget.used(now);
      restarts.push(now);
      await cmd.incr(keys.handovers);
    }
    this.#starts = data.starts + 1;
    await this.#writeData({ spec: data.spec, restarts, starts: this.#starts });
    await cmd.hset(keys.job(this.sid), JOB_FIELDS.worker, deps.workerId);
    this.#forward('assigned', [deps.workerId]);
    const from = info[JOB_FIELDS.worker] ?? 'an unknown worker';
    if (handover && !budgetLeft) {
      const message = `the job lost its worker more than ${deps.maxRestarts} times within ${Math.round(deps.restartWindowMs / 1000)} s; last: ${from}`;
      this.#forward('failed', ['internal-service-error', message]);
      this.#forward('closed', []);
      await this.#forwarding;
      return { kind: 'failed', reason: 'internal-service-error', message };
    }
    if (handover) this.#forward('restarted', ['worker', used, deps.maxRestarts, `taken over from ${from} by ${deps.workerId}`]);

    try {
      this.#running = deps.runJob(data.spec, { workerId: deps.workerId, previousRestarts: [...restarts], handover });
    } catch (err) {
      const message = `the job did not start: ${(err as Error).message}`;
      this.#forward('failed', ['internal-service-error', message]);
      this.#forward('closed', []);
      await this.#forwarding;
      return { kind: 'failed', reason: 'internal-service-error', message };
    }
    this.#listen(this.#running, restarts, data.spec);
    if (this.#handingOver) void this.#running.stop({ handover: true });
    else await this.#applyRequests(this.#running);
    await this.#closedPromise;
    await this.#forwarding;
    await this.#dataWrites.catch(() => undefined);
    if (this.#handingOver) return { kind: 'handover', lockLost: this.#handingOver.lockLost };
    return this.#failure ? { kind: 'failed', ...this.#failure } : { kind: 'completed' };
  }

  /** Stops the job here without ending it: another worker goes on with it. */
  async handOver(lockLost: boolean): Promise<void> {
    if (this.#handingOver) return this.#closedPromise;
    this.#handingOver = { lockLost };
    // not started yet: run() stops it right after the start
    if (this.#running) await this.#running.stop({ handover: true });
    await this.#closedPromise;
  }

  #listen(running: RunningJob, restarts: number[], spec: MediaJobSpec): void {
    const events = running.events;
    for (const name of STREAM_EVENTS) {
      const listener = (...args: unknown[]) => {
        if (name === 'failed') this.#failure = { reason: args[0] as JobFailureReason, message: String(args[1]) };
        if (name === 'restarted') {
          // persisted as it happens: the next worker counts it against the same budget
          restarts.push(Date.now());
          void this.#writeData({ spec, restarts: [...restarts], starts: this.#starts });
        }
        if (!this.#handingOver) this.#forward(name, args);
        if (name === 'closed') this.#closed();
      };
      (events.on as (event: string, l: (...a: unknown[]) => void) => unknown)(name, listener);
    }
    events.on('progress', (status) => {
      if (this.#handingOver) return;
      const msg: ProgressMessage = { sid: this.sid, status };
      // lossy by design: progress is a periodic report
      this.deps.cmd.publish(this.deps.keys.progress, JSON.stringify(msg)).catch(() => undefined);
    });
  }

  /** Requests written while the job was not running here (stop, ended outputs, recording). */
  async #applyRequests(running: RunningJob): Promise<void> {
    const info = await this.deps.cmd.hgetall(this.deps.keys.job(this.sid));
    if (info[JOB_FIELDS.stop]) {
      void running.stop().catch((err: Error) => this.#warn(err, 'stop'));
      return;
    }
    for (const field of Object.keys(info)) {
      if (!field.startsWith(JOB_FIELDS.endedOutput)) continue;
      const streamerSid = field.slice(JOB_FIELDS.endedOutput.length);
      void running.endOutput(streamerSid).catch((err: Error) => this.#warn(err, 'endOutput'));
    }
    if (info[JOB_FIELDS.recordingEnded]) {
      void running.endRecording('disk-space-low').catch((err: Error) => this.#warn(err, 'endRecording'));
    }
  }

  #forward<E extends StreamEventName>(name: E, args: Parameters<MediaJobEvents[E]> | unknown[]): void {
    const { cmd, keys, settings } = this.deps;
    const fields = encodeEvent(this.sid, name, args);
    // one connection: Redis applies them in order; awaited before the job ends
    this.#forwarding = cmd
      .xadd(keys.events, 'MAXLEN', '~', String(settings.eventStreamMaxLen), '*', ...fields)
      .catch((err: Error) => this.#warn(err, `forward ${name}`));
  }

  #writeData(data: QueuedJob): Promise<unknown> {
    this.#dataWrites = this.#dataWrites.then(() => this.job.updateData(data)).catch((err: Error) => this.#warn(err, 'updateData'));
    return this.#dataWrites;
  }

  #warn(err: Error, what: string): void {
    this.deps.log?.warn({ processorSid: this.sid, err: err.message }, `media job: ${what} failed`);
  }
}
