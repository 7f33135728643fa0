/**
 * The API side of media jobs on Redis: admits jobs into a BullMQ queue that MediaWorkers
 * take them from, delivers their events to handles, carries stop / endOutput / endRecording
 * to the worker that runs the job, and re-attaches to running jobs after an API restart.
 */
import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { MediaJobSpec } from '@onair/protocol';
import { MediaProcessorError } from '../errors.js';
import type { JobLogger } from '../logger.js';
import { ControlClient } from '../queue/control.js';
import { EventReader } from '../queue/event-reader.js';
import { freeSlots, readWorkers } from '../queue/heartbeat.js';
import { closeRedis, connectRedis } from '../queue/redis.js';
import { queueKeys, queueSettings, type QueueKeys, type QueueOptions, type QueueSettings } from '../queue/settings.js';
import { decodeFailure, encodeEvent, JOB_FIELDS, type JobEvent, type ProgressMessage, type QueuedJob } from '../queue/wire.js';
import { RedisJobHandle, type HandleControls } from './redis-job-handle.js';
import type { DispatchStats, JobDispatcher, JobOutcome, WorkerInfo } from './types.js';

export interface RedisDispatcherOptions extends QueueOptions {
  log?: JobLogger;
}

/** A Redis URL fit for a message: its password never is. */
const withoutPassword = (url: string) => url.replace(/^(\w+:\/\/[^:@/]*:)[^@/]*@/, '$1***@');

/** states in which a job still has a future (BullMQ's names) */
const LIVE_STATES = new Set(['active', 'waiting', 'wait', 'prioritized', 'delayed', 'waiting-children']);
const WAITING_STATES = new Set(['waiting', 'wait', 'prioritized', 'delayed']);
/** events kept for jobs no handle was attached to yet (after an API restart), per job */
const MAX_BUFFERED_PER_JOB = 64;
const MAX_BUFFERED_JOBS = 1024;

export class RedisDispatcher implements JobDispatcher, HandleControls {
  readonly #handles = new Map<string, RedisJobHandle>();
  /** events of jobs without a handle yet, delivered on attach */
  readonly #buffered = new Map<string, JobEvent[]>();
  #admitting: Promise<unknown> = Promise.resolve();
  #closed = false;

  private constructor(
    private readonly settings: QueueSettings,
    private readonly keys: QueueKeys,
    private readonly queue: Queue,
    private readonly cmd: Redis,
    private readonly sub: Redis,
    private readonly reader: EventReader,
    private readonly control: ControlClient,
    private readonly log: JobLogger | undefined,
  ) {}

  static async open(opts: RedisDispatcherOptions): Promise<RedisDispatcher> {
    const settings = queueSettings(opts);
    const keys = queueKeys(settings);
    const cmd = connectRedis(settings.redisUrl, 'onair-dispatch', opts.log);
    const sub = connectRedis(settings.redisUrl, 'onair-dispatch-sub', opts.log);
    const blocking = connectRedis(settings.redisUrl, 'onair-dispatch-events', opts.log);
    const queue = new Queue(settings.queueName, {
      connection: { url: settings.redisUrl },
      prefix: settings.prefix,
    });
    queue.on('error', (err: Error) => opts.log?.warn({ err: err.message }, 'media job queue error'));
    let self: RedisDispatcher | undefined;
    const reader = new EventReader({
      redis: blocking,
      cmd,
      stream: keys.events,
      cursorKey: keys.eventsCursor,
      deliver: (event) => self?.deliverEvent(event),
      ...(opts.log ? { log: opts.log } : {}),
    });
    const dispatcherId = randomUUID();
    const control = new ControlClient(cmd, keys.control, keys.replies(dispatcherId), settings.controlTimeoutMs);
    self = new RedisDispatcher(settings, keys, queue, cmd, sub, reader, control, opts.log);
    try {
      await queue.waitUntilReady();
      sub.on('message', (channel: string, message: string) => self.#onMessage(channel, message));
      await sub.subscribe(keys.progress, control.replyChannel);
      await reader.start();
    } catch (err) {
      await self.close();
      throw new MediaProcessorError('ERR_STOPPED', `media job queue: Redis at ${withoutPassword(settings.redisUrl)} is unavailable: ${(err as Error).message}`, { cause: err });
    }
    return self;
  }

  admit(spec: MediaJobSpec): Promise<RedisJobHandle> {
    // one admission at a time: two requests must not both take the last free slot
    const next = this.#admitting.then(() => this.#admit(spec));
    this.#admitting = next.catch(() => undefined);
    return next;
  }

  async #admit(spec: MediaJobSpec): Promise<RedisJobHandle> {
    if (this.#closed) throw new MediaProcessorError('ERR_STOPPED', 'the media job dispatcher is closed');
    const [workers, waiting] = await Promise.all([readWorkers(this.cmd, this.keys), this.queue.getWaitingCount()]);
    const room = freeSlots(workers) - waiting;
    if (room <= 0) {
      const live = workers.filter((w) => !w.draining).length;
      throw new MediaProcessorError(
        'ERR_CAPACITY',
        live === 0 ? 'no media worker is running' : `every media worker is busy (${live} live, ${waiting} jobs waiting)`,
      );
    }
    const sid = spec.processorSid;
    const handle = this.#handleFor(sid, undefined);
    const data: QueuedJob = { spec, restarts: [], starts: 0 };
    const keep = { age: this.settings.keepFinishedSeconds };
    try {
      await this.cmd.del(this.keys.job(sid));
      await this.queue.add('media-job', data, { jobId: sid, attempts: 1, removeOnComplete: keep, removeOnFail: keep });
    } catch (err) {
      this.#handles.delete(sid);
      throw err;
    }
    return handle;
  }

  async attach(processorSid: string): Promise<RedisJobHandle | undefined> {
    const existing = this.#handles.get(processorSid);
    if (existing) return existing;
    const job = await this.queue.getJob(processorSid);
    if (!job) return undefined;
    const state = await job.getState();
    if (!LIVE_STATES.has(state)) return undefined;
    const worker = await this.cmd.hget(this.keys.job(processorSid), JOB_FIELDS.worker);
    return this.#handleFor(processorSid, worker ?? undefined);
  }

  async outcome(processorSid: string): Promise<JobOutcome> {
    const job = await this.queue.getJob(processorSid);
    if (!job) return { state: 'unknown' };
    const state = await job.getState();
    if (state === 'completed') return { state: 'completed' };
    if (state === 'failed') return { state: 'failed', ...decodeFailure(job.failedReason) };
    return { state: 'unknown' };
  }

  workers(): Promise<WorkerInfo[]> {
    return readWorkers(this.cmd, this.keys);
  }

  async stats(): Promise<DispatchStats> {
    const [waiting, active, handovers] = await Promise.all([
      this.queue.getWaitingCount(),
      this.queue.getActiveCount(),
      this.cmd.get(this.keys.handovers),
    ]);
    return { waiting, active, handovers: Number(handovers ?? 0) };
  }

  /** Stops delivering events; the jobs keep running on their workers (attach again after a restart). */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.control.cancelAll();
    await this.#admitting;
    await this.reader.close();
    await this.queue.close().catch(() => undefined);
    await Promise.all([closeRedis(this.sub), closeRedis(this.cmd)]);
    this.#handles.clear();
    this.#buffered.clear();
  }

  // ---- controls (HandleControls) -------------------------------------------------------

  async stop(handle: RedisJobHandle): Promise<void> {
    if (handle.closed || this.#closed) return;
    const { sid } = handle;
    // written first: a worker that starts or takes over the job stops it at once
    await this.cmd.hset(this.keys.job(sid), JOB_FIELDS.stop, '1');
    const job = await this.queue.getJob(sid);
    if (!job) return;
    let state = await job.getState();
    if (WAITING_STATES.has(state)) {
      try {
        await job.remove();
        // no worker will report it: close it for every reader, through the stream like any event
        await this.#publish(sid, 'closed', []);
        await handle.whenClosed(this.settings.controlTimeoutMs);
        return;
      } catch {
        state = await job.getState(); // a worker took it meanwhile
      }
    }
    if (state !== 'active') return;
    const worker = await this.cmd.hget(this.keys.job(sid), JOB_FIELDS.worker);
    if (worker) await this.control.request(worker, sid, 'stop');
    // a worker that died meanwhile: the job is handed over and its next worker stops it
    if (!(await handle.whenClosed(this.settings.stopTimeoutMs))) {
      this.log?.warn({ processorSid: sid }, 'media job did not report closed after stop');
    }
  }

  async endOutput(handle: RedisJobHandle, streamerSid: string): Promise<number> {
    const { sid } = handle;
    await this.cmd.hset(this.keys.job(sid), `${JOB_FIELDS.endedOutput}${streamerSid}`, '1');
    const worker = await this.cmd.hget(this.keys.job(sid), JOB_FIELDS.worker);
    if (worker && !handle.closed) {
      const reply = await this.control.request(worker, sid, 'endOutput', streamerSid);
      if (reply?.ok && reply.running && typeof reply.value === 'number') return reply.value;
    }
    // not running now (waiting, between workers): its next worker ends the output when it starts
    const job = await this.queue.getJob(sid);
    const outputs = (job?.data as QueuedJob | undefined)?.spec.outputs ?? [];
    const fields = await this.cmd.hkeys(this.keys.job(sid));
    const ended = new Set(fields.filter((f) => f.startsWith(JOB_FIELDS.endedOutput)).map((f) => f.slice(JOB_FIELDS.endedOutput.length)));
    return outputs.filter((o) => !ended.has(o.streamerSid)).length;
  }

  async endRecording(handle: RedisJobHandle, reason: 'disk-space-low'): Promise<void> {
    const { sid } = handle;
    await this.cmd.hset(this.keys.job(sid), JOB_FIELDS.recordingEnded, reason);
    const worker = await this.cmd.hget(this.keys.job(sid), JOB_FIELDS.worker);
    if (worker && !handle.closed) await this.control.request(worker, sid, 'endRecording', reason);
  }

  // ---- events --------------------------------------------------------------------------

  #handleFor(sid: string, workerId: string | undefined): RedisJobHandle {
    let handle = this.#handles.get(sid);
    if (handle) return handle;
    handle = new RedisJobHandle(sid, this, workerId);
    this.#handles.set(sid, handle);
    const buffered = this.#buffered.get(sid) ?? [];
    this.#buffered.delete(sid);
    for (const event of buffered) this.deliverEvent(event);
    return handle;
  }

  /** @internal the event reader's entry point */
  deliverEvent(event: JobEvent): void {
    const handle = this.#handles.get(event.sid);
    if (handle) {
      handle.deliver(event);
      if (event.name === 'closed') this.#handles.delete(event.sid);
      return;
    }
    // no handle yet: the API restarted and attaches its jobs one by one
    let list = this.#buffered.get(event.sid);
    if (!list) {
      if (this.#buffered.size >= MAX_BUFFERED_JOBS) this.#buffered.delete(this.#buffered.keys().next().value!);
      list = [];
      this.#buffered.set(event.sid, list);
    }
    if (list.length < MAX_BUFFERED_PER_JOB || event.name === 'closed' || event.name === 'failed') list.push(event);
  }

  #onMessage(channel: string, message: string): void {
    if (channel === this.control.replyChannel) {
      this.control.onReply(message);
      return;
    }
    if (channel !== this.keys.progress) return;
    try {
      const { sid, status } = JSON.parse(message) as ProgressMessage;
      this.#handles.get(sid)?.progress(status);
    } catch {
      // not ours
    }
  }

  async #publish(sid: string, name: JobEvent['name'], args: unknown[]): Promise<void> {
    await this.cmd.xadd(this.keys.events, 'MAXLEN', '~', String(this.settings.eventStreamMaxLen), '*', ...encodeEvent(sid, name, args));
  }
}
