/**
 * A media worker: takes media jobs from the BullMQ queue on Redis (as many at once as its
 * capacity), runs each with the `runJob` it is given, forwards their events to the API side,
 * advertises its capacity, load and state with an expiring heartbeat, and answers control
 * requests for the jobs it runs. `onair worker` runs one; `onair serve` embeds one when
 * Redis is configured.
 *
 * When it dies, its locks expire and another worker takes its jobs (see queueDefaults for
 * the timing). When it drains (SIGTERM), it takes no new job, lets its jobs end on their own
 * until the drain timeout, then stops them here and puts them back in the queue at once.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { UnrecoverableError, WaitingError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { jobTimingDefaults } from '../defaults.js';
import type { RunJob } from '../dispatch/types.js';
import type { JobLogger } from '../logger.js';
import { serveControl } from './control.js';
import { Heartbeat } from './heartbeat.js';
import { closeRedis, connectRedis } from './redis.js';
import { queueKeys, queueSettings, type QueueKeys, type QueueOptions, type QueueSettings } from './settings.js';
import { encodeFailure, type ControlReply, type ControlRequest, type QueuedJob } from './wire.js';
import { WorkerRun } from './worker-run.js';

/** how long a drain waits for its jobs to stop before it closes without them, ms */
const HANDOVER_STOP_MS = 15_000;

export interface MediaWorkerOptions extends QueueOptions {
  /** starts one job (the pipeline's MediaJob) */
  runJob: RunJob;
  /** jobs it runs at most at once (ONAIR_MAX_PROCESSORS) */
  capacity: number;
  /** unique among the workers (default: host-pid-random) */
  workerId?: string;
  /** shown to operators (default: os.hostname()) */
  host?: string;
  /** the job's restart budget, which hand-overs count against (default: jobTimingDefaults) */
  maxRestarts?: number;
  restartWindowMs?: number;
  log?: JobLogger;
}

export class MediaWorker {
  readonly id: string;
  readonly host: string;
  readonly capacity: number;
  readonly #runs = new Map<string, WorkerRun>();
  #worker!: Worker<QueuedJob>;
  #heartbeat!: Heartbeat;
  #draining: Promise<void> | undefined;
  #isDraining = false;
  readonly #idle = new Set<() => void>();

  private constructor(
    private readonly opts: MediaWorkerOptions,
    private readonly settings: QueueSettings,
    private readonly keys: QueueKeys,
    private readonly cmd: Redis,
    private readonly sub: Redis,
  ) {
    if (!Number.isInteger(opts.capacity) || opts.capacity < 1) throw new RangeError('capacity must be a positive integer');
    this.capacity = opts.capacity;
    this.host = opts.host ?? hostname();
    this.id = opts.workerId ?? `${this.host}-${process.pid}-${randomBytes(3).toString('hex')}`;
  }

  /** Connects, advertises itself and starts taking jobs. */
  static async start(opts: MediaWorkerOptions): Promise<MediaWorker> {
    const settings = queueSettings(opts);
    const keys = queueKeys(settings);
    const cmd = connectRedis(settings.redisUrl, 'onair-worker', opts.log);
    const sub = connectRedis(settings.redisUrl, 'onair-worker-ctl', opts.log);
    const self = new MediaWorker(opts, settings, keys, cmd, sub);
    try {
      await self.#start();
    } catch (err) {
      await self.#shutdown();
      throw err;
    }
    return self;
  }

  /** jobs running here now */
  get running(): number {
    return this.#runs.size;
  }

  get draining(): boolean {
    return this.#isDraining;
  }

  /** processor SIDs of the jobs running here */
  jobs(): string[] {
    return [...this.#runs.keys()];
  }

  async #start(): Promise<void> {
    const { settings, keys } = this;
    this.sub.on('message', (_channel: string, message: string) => {
      void serveControl(this.cmd, message, (req) => this.#control(req)).catch((err: Error) =>
        this.opts.log?.warn({ err: err.message }, 'media worker: control answer failed'),
      );
    });
    await this.sub.subscribe(keys.control(this.id));
    this.#heartbeat = new Heartbeat(
      this.cmd,
      keys,
      () => ({ id: this.id, host: this.host, capacity: this.capacity, running: this.#runs.size, draining: this.#isDraining }),
      settings.heartbeatMs,
      settings.heartbeatTtlMs,
    );
    this.#worker = new Worker<QueuedJob>(settings.queueName, (job, token) => this.#process(job, token), {
      connection: { url: settings.redisUrl, maxRetriesPerRequest: null },
      prefix: settings.prefix,
      name: this.id,
      concurrency: this.capacity,
      lockDuration: settings.lockDurationMs,
      lockRenewTime: settings.lockRenewMs,
      stalledInterval: settings.stalledIntervalMs,
      maxStalledCount: settings.maxStalledCount,
      autorun: false,
    });
    this.#worker.on('error', (err: Error) => this.opts.log?.warn({ err: err.message }, 'media worker: queue error'));
    // another worker may have taken these jobs (our lock expired): stop them here, do not end them
    this.#worker.on('lockRenewalFailed', (jobIds: string[]) => {
      for (const sid of jobIds) {
        const run = this.#runs.get(sid);
        if (!run) continue;
        this.opts.log?.warn({ processorSid: sid, workerId: this.id }, 'media worker lost the lock of a job: stopping it here');
        void run.handOver(true);
      }
    });
    await this.#worker.waitUntilReady();
    await this.#heartbeat.start();
    void this.#worker.run().catch((err: Error) => this.opts.log?.error({ err: err.message }, 'media worker stopped taking jobs'));
  }

  async #process(job: Job<QueuedJob>, token: string | undefined): Promise<void> {
    const run = new WorkerRun(
      {
        workerId: this.id,
        runJob: this.opts.runJob,
        cmd: this.cmd,
        keys: this.keys,
        settings: this.settings,
        maxRestarts: this.opts.maxRestarts ?? jobTimingDefaults.maxRestarts,
        restartWindowMs: this.opts.restartWindowMs ?? jobTimingDefaults.restartWindowMs,
        ...(this.opts.log ? { log: this.opts.log } : {}),
      },
      job,
    );
    this.#runs.set(run.sid, run);
    void this.#heartbeat.beat().catch(() => undefined);
    let end;
    try {
      end = await run.run();
    } finally {
      this.#runs.delete(run.sid);
      void this.#heartbeat.beat().catch(() => undefined);
      if (this.#runs.size === 0) for (const resolve of [...this.#idle]) resolve();
    }
    if (end.kind === 'completed') return;
    if (end.kind === 'failed') throw new UnrecoverableError(encodeFailure(end.reason, end.message));
    if (!end.lockLost) {
      // drain: back to the queue's head now, not after the stall detection
      await job.moveToWait(token);
      throw new WaitingError();
    }
    // the lock is gone: the stalled check hands the job over (or did already)
    throw new Error('media worker lost the job lock');
  }

  async #control(req: ControlRequest): Promise<ControlReply> {
    const running = this.#runs.get(req.sid)?.running;
    if (!running) return { id: req.id, ok: true, running: false };
    switch (req.op) {
      case 'stop':
        await running.stop();
        return { id: req.id, ok: true, running: true };
      case 'endOutput':
        return { id: req.id, ok: true, running: true, value: await running.endOutput(req.arg ?? '') };
      case 'endRecording':
        await running.endRecording('disk-space-low');
        return { id: req.id, ok: true, running: true };
      default:
        return { id: req.id, ok: false, error: `unknown control request ${String(req.op)}` };
    }
  }

  /**
   * Stops taking jobs and says so in the heartbeat; waits up to `timeoutMs` for the running
   * jobs to end on their own, then stops the rest here and puts them back in the queue for
   * another worker (a hand-over, without waiting for the stall detection). Closes the worker.
   */
  drain(timeoutMs: number): Promise<void> {
    this.#draining ??= this.#drain(timeoutMs);
    return this.#draining;
  }

  /** drain(0): hand every running job over now and close. */
  close(): Promise<void> {
    return this.drain(0);
  }

  async #drain(timeoutMs: number): Promise<void> {
    this.#isDraining = true;
    await this.#heartbeat.beat().catch(() => undefined);
    await this.#worker.pause(true); // no new jobs; the running ones go on (and keep their locks)
    if (this.#runs.size > 0 && timeoutMs > 0) {
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((resolve) => {
        this.#idle.add(resolve);
        timer = setTimeout(resolve, timeoutMs);
      });
      clearTimeout(timer);
    }
    const left = [...this.#runs.values()];
    if (left.length) this.opts.log?.info({ workerId: this.id, jobs: left.map((r) => r.sid) }, 'media worker draining: handing jobs over');
    const handedOver = await Promise.race([
      Promise.all(left.map((run) => run.handOver(false))).then(() => true),
      new Promise<false>((resolve) => setTimeout(resolve, HANDOVER_STOP_MS, false).unref()),
    ]);
    if (!handedOver) {
      // a job that does not stop: close without it; its lock expires and the stall detection hands it over
      this.opts.log?.error({ workerId: this.id, jobs: this.jobs() }, `media worker: jobs did not stop within ${HANDOVER_STOP_MS} ms`);
    }
    await this.#shutdown(!handedOver);
  }

  async #shutdown(force = false): Promise<void> {
    await this.#worker?.close(force).catch(() => undefined);
    await this.#heartbeat?.stop().catch(() => undefined);
    await Promise.all([closeRedis(this.sub), closeRedis(this.cmd)]);
  }
}
