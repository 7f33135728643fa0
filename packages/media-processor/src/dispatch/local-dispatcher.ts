/**
 * The embedded dispatcher: jobs run in this process, on one JobHost (the embedded worker of
 * `onair serve` without Redis). Nothing outlives the process, so `attach` finds nothing
 * after a restart.
 */
import { hostname } from 'node:os';
import type { MediaJobSpec } from '@onair/protocol';
import type { JobHost } from '../job-host.js';
import type { DispatchStats, JobDispatcher, JobHandle, JobOutcome, WorkerInfo } from './types.js';

const MAX_OUTCOMES = 1_000;

export class LocalDispatcher implements JobDispatcher {
  readonly #host: JobHost;
  /** how jobs that are gone ended, by processor SID (while this process lives) */
  readonly #outcomes = new Map<string, JobOutcome>();
  #closed = false;

  constructor(host: JobHost) {
    this.#host = host;
  }

  /** Throws MediaProcessorError (ERR_CAPACITY when the host is full, …) as JobHost.run does. */
  async admit(spec: MediaJobSpec): Promise<JobHandle> {
    const job = this.#host.run(spec);
    const workerId = this.#host.workerId;
    this.#outcomes.delete(spec.processorSid);
    job.events.on('failed', (reason, message) => this.#remember(spec.processorSid, { state: 'failed', reason, message }));
    job.events.on('closed', () => {
      if (!this.#outcomes.has(spec.processorSid)) this.#remember(spec.processorSid, { state: 'completed' });
    });
    return {
      sid: spec.processorSid,
      events: job.events,
      workerId,
      stop: () => job.stop(),
      endOutput: (streamerSid) => job.endOutput(streamerSid),
      endRecording: (reason) => job.endRecording(reason),
    };
  }

  /** Jobs never outlive the process that runs them here. */
  async attach(): Promise<JobHandle | undefined> {
    return undefined;
  }

  async outcome(processorSid: string): Promise<JobOutcome> {
    return this.#outcomes.get(processorSid) ?? { state: 'unknown' };
  }

  async workers(): Promise<WorkerInfo[]> {
    const host = this.#host;
    return [{ id: host.workerId, host: hostname(), capacity: host.maxJobs, running: host.running, draining: this.#closed, lastSeen: Date.now() }];
  }

  async stats(): Promise<DispatchStats> {
    return { waiting: 0, active: this.#host.running, handovers: 0 };
  }

  #remember(sid: string, outcome: JobOutcome): void {
    this.#outcomes.set(sid, outcome);
    // the oldest are forgotten: a bound, not a history
    for (const old of this.#outcomes.keys()) {
      if (this.#outcomes.size <= MAX_OUTCOMES) break;
      this.#outcomes.delete(old);
    }
  }

  /** Stops every job of the embedded worker (their sinks closed). */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#host.close();
  }
}
