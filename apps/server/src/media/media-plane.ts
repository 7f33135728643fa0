/**
 * Where `onair serve`'s media jobs run:
 * - embedded (no Redis, the default): the embedded worker's JobHost in this process, through
 *   a LocalDispatcher; jobs end with the server;
 * - on Redis (`--redis-url`): a RedisDispatcher queues them for workers (`onair worker`, and
 *   this process's own embedded worker unless `--no-worker`); jobs outlive this process, and a
 *   restarted server follows them again.
 */
import { hostRunJob, MediaWorker, RedisDispatcher, type JobDispatcher } from '@onair/media-processor';
import type { Logger } from 'pino';
import { DeferredDispatcher } from './deferred-dispatcher.js';
import type { EmbeddedWorker } from './embedded-worker.js';

export interface MediaPlaneOptions {
  /** queue jobs on this Redis; absent: everything in this process */
  redisUrl?: string | undefined;
  /** this process's own worker (absent: `--no-worker`, Redis only) */
  embedded: EmbeddedWorker | undefined;
  logger: Logger;
}

export class MediaPlane {
  readonly dispatcher: JobDispatcher;
  #redis: RedisDispatcher | undefined;
  #worker: MediaWorker | undefined;

  constructor(private readonly opts: MediaPlaneOptions) {
    if (!opts.redisUrl && !opts.embedded) throw new Error('media jobs need Redis or an embedded worker');
    this.dispatcher = opts.redisUrl ? new DeferredDispatcher() : opts.embedded!.dispatcher;
  }

  /** jobs outlive this process (they run on workers through Redis) */
  get distributed(): boolean {
    return this.opts.redisUrl !== undefined;
  }

  /** Before listening: the embedded worker's host opens (sandbox reported, profiles swept). */
  async prepare(): Promise<void> {
    await this.opts.embedded?.start();
  }

  /**
   * Once listening (the composer page is served): Redis is reached (an unreachable Redis
   * stops the start with its error), then the embedded worker takes jobs from it.
   */
  async start(): Promise<void> {
    const { redisUrl, embedded, logger } = this.opts;
    if (redisUrl) {
      const deferred = this.dispatcher as DeferredDispatcher;
      try {
        this.#redis = await RedisDispatcher.open({ redisUrl, log: logger });
      } catch (err) {
        deferred.reject(err);
        throw err;
      }
      deferred.resolve(this.#redis);
      if (embedded) {
        this.#worker = await MediaWorker.start({
          redisUrl,
          runJob: hostRunJob(embedded.host),
          capacity: embedded.host.maxJobs,
          workerId: embedded.host.workerId,
          log: logger,
        });
        logger.info({ workerId: this.#worker.id, capacity: this.#worker.capacity }, 'embedded media worker takes jobs from Redis');
      }
    }
    embedded?.warm();
  }

  /**
   * Embedded: every job stops (the caller ended their processors). On Redis: this process's
   * jobs move to other workers at once (none waits for a drain: the API is going away), the
   * others keep running, and the dispatcher lets go of them.
   */
  async close(): Promise<void> {
    if (this.#worker) await this.#worker.drain(0).catch((err: unknown) => this.opts.logger.error({ err }, 'the embedded media worker did not drain'));
    await this.dispatcher.close();
    if (this.distributed) await this.opts.embedded?.host.close();
  }
}
