/**
 * The one set of defaults for media jobs on Redis (RedisDispatcher and MediaWorker), and the
 * names of every Redis key they share. Both sides must agree on `prefix` and the queue name.
 */

export interface QueueSettings {
  /** Redis URL (redis://host:port[/db]) */
  redisUrl: string;
  /** prefix of every key (BullMQ's and ours) */
  prefix: string;
  /** the BullMQ queue's name */
  queueName: string;
  /**
   * How long a worker's lock on a running job lives without renewal, ms. A worker that dies
   * (SIGKILL, OOM, power) stops renewing; once the lock expired, the stalled check hands the
   * job to another worker.
   */
  lockDurationMs: number;
  /** how often a worker renews its locks, ms */
  lockRenewMs: number;
  /** how often each worker looks for stalled jobs (jobs active without a lock), ms */
  stalledIntervalMs: number;
  /** BullMQ fails a job stalled more often than this, over its whole life */
  maxStalledCount: number;
  /** how often a worker writes its heartbeat, ms */
  heartbeatMs: number;
  /** a heartbeat expires after this long: a dead worker is no longer counted, ms */
  heartbeatTtlMs: number;
  /** how long the API side waits for a worker to answer a control request, ms */
  controlTimeoutMs: number;
  /** how long stop() waits for the job's `closed`, ms (a worker may die meanwhile: hand-over + stop) */
  stopTimeoutMs: number;
  /** the event stream keeps about this many entries (progress reports do not go through it) */
  eventStreamMaxLen: number;
  /** finished jobs are kept this long, s, so outcome() can say how a job ended */
  keepFinishedSeconds: number;
}

/**
 * Hand-over budget: a viewer must see fresh frames within 10 s of a worker's death. The
 * composer needs ~2–3 s to start and ~1 s more for its first segment, which leaves ~6 s for
 * BullMQ to notice. With these numbers:
 * - a live worker renews its locks to 3 s (lockDurationMs) at least every 1 s (lockRenewMs;
 *   BullMQ's timer runs at half that, so ~every 0.5 s): a lock survives 2 s of event-loop or
 *   Redis stall, far more than a worker that only supervises child processes ever blocks (a
 *   false hand-over costs the job a restart, not the stream);
 * - after a death the lock is gone within 3 s; the stalled check runs every 1 s (one check
 *   per interval for the whole queue) and moves a job that was marked at one check and is
 *   still unlocked at the next: the job is back in `wait` 3–4 s after the death;
 * - an idle worker blocks on the queue's marker, so it takes the job at once. Measured
 *   (test/e2e/media-queue.test.ts): 3.8–4.0 s from SIGKILL to `assigned` on the other worker;
 *   with the composer's start, ~4 + 3 + 1 = 8 s to fresh frames.
 * maxStalledCount is out of the way: BullMQ's counter never resets over a job's life (a show
 * may run for a day), so the job's restart budget (restarts within a window, shared with
 * Chromium and ffmpeg restarts) decides when a job that keeps losing its worker fails.
 */
export const queueDefaults: Omit<QueueSettings, 'redisUrl'> = {
  prefix: 'onair',
  queueName: 'media-jobs',
  lockDurationMs: 3_000,
  lockRenewMs: 1_000,
  stalledIntervalMs: 1_000,
  maxStalledCount: 1_000_000,
  heartbeatMs: 1_000,
  heartbeatTtlMs: 3_000,
  controlTimeoutMs: 10_000,
  stopTimeoutMs: 30_000,
  eventStreamMaxLen: 10_000,
  keepFinishedSeconds: 24 * 3600,
};

export type QueueOptions = Partial<QueueSettings> & { redisUrl: string };

export function queueSettings(opts: QueueOptions): QueueSettings {
  const merged = { ...queueDefaults, ...opts };
  if (merged.lockRenewMs >= merged.lockDurationMs) throw new RangeError('lockRenewMs must be below lockDurationMs');
  if (merged.heartbeatMs >= merged.heartbeatTtlMs) throw new RangeError('heartbeatMs must be below heartbeatTtlMs');
  return merged;
}

/** Every Redis key and channel besides BullMQ's own. */
export function queueKeys(s: Pick<QueueSettings, 'prefix' | 'queueName'>) {
  const base = `${s.prefix}:${s.queueName}:x`;
  return {
    /** stream of job events (all but progress), read by the API side */
    events: `${base}:events`,
    /** the API side's read position in `events` (survives an API restart) */
    eventsCursor: `${base}:events:cursor`,
    /** pub/sub channel of progress reports (lossy) */
    progress: `${base}:progress`,
    /** hash per job: worker, stop request, ended outputs, recording ended */
    job: (sid: string) => `${base}:job:${sid}`,
    /** hand-overs since the queue exists */
    handovers: `${base}:handovers`,
    /** set of worker ids that wrote a heartbeat once */
    workers: `${base}:workers`,
    /** a worker's heartbeat (JSON WorkerInfo, expires) */
    heartbeat: (workerId: string) => `${base}:worker:${workerId}`,
    /** pub/sub channel a worker takes control requests on */
    control: (workerId: string) => `${base}:ctl:${workerId}`,
    /** pub/sub channel a dispatcher takes control answers on */
    replies: (dispatcherId: string) => `${base}:reply:${dispatcherId}`,
  };
}

export type QueueKeys = ReturnType<typeof queueKeys>;
