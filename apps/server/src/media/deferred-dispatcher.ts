/**
 * A JobDispatcher that exists before the one it stands for: the services are built in the
 * server's constructor, the Redis dispatcher is opened (asynchronously) at start. Every call
 * waits for it; a failed opening fails the calls with its error.
 */
import type { JobDispatcher } from '@onair/media-processor';

export class DeferredDispatcher implements JobDispatcher {
  #resolve!: (d: JobDispatcher) => void;
  #reject!: (err: unknown) => void;
  readonly #ready = new Promise<JobDispatcher>((resolve, reject) => {
    this.#resolve = resolve;
    this.#reject = reject;
  });

  constructor() {
    this.#ready.catch(() => undefined); // reported by each call
  }

  resolve(dispatcher: JobDispatcher): void {
    this.#resolve(dispatcher);
  }

  reject(err: unknown): void {
    this.#reject(err);
  }

  admit: JobDispatcher['admit'] = async (spec) => (await this.#ready).admit(spec);
  attach: JobDispatcher['attach'] = async (sid) => (await this.#ready).attach(sid);
  outcome: JobDispatcher['outcome'] = async (sid) => (await this.#ready).outcome(sid);
  workers: JobDispatcher['workers'] = async () => (await this.#ready).workers();
  stats: JobDispatcher['stats'] = async () => (await this.#ready).stats();
  close: JobDispatcher['close'] = async () => {
    const d = await Promise.race([this.#ready, Promise.resolve(undefined)]).catch(() => undefined);
    await d?.close();
  };
}
