/**
 * The API side's handle of a job on Redis: the job's events as they arrive from its worker
 * (through the event stream; progress through pub/sub) and its controls, which the
 * dispatcher carries to the worker.
 */
import { TypedEmitter, type IngestStatus, type MediaJobEvents } from '@onair/protocol';
import type { JobEvent } from '../queue/wire.js';
import type { JobHandle } from './types.js';

/** What the handle asks of its dispatcher. */
export interface HandleControls {
  stop(handle: RedisJobHandle): Promise<void>;
  endOutput(handle: RedisJobHandle, streamerSid: string): Promise<number>;
  endRecording(handle: RedisJobHandle, reason: 'disk-space-low'): Promise<void>;
}

type Pending = { name: JobEvent['name'] | 'progress'; args: unknown[] };

export class RedisJobHandle implements JobHandle {
  readonly events = new TypedEmitter<MediaJobEvents>();
  #workerId: string | undefined;
  #closed = false;
  #queue: Pending[] = [];
  #scheduled = false;
  readonly #closedWaiters = new Set<() => void>();

  constructor(
    readonly sid: string,
    private readonly controls: HandleControls,
    workerId: string | undefined,
  ) {
    this.#workerId = workerId;
  }

  get workerId(): string | undefined {
    return this.#workerId;
  }

  /** the job emitted `closed` (the handle delivers nothing after it) */
  get closed(): boolean {
    return this.#closed;
  }

  stop(): Promise<void> {
    return this.controls.stop(this);
  }

  endOutput(streamerSid: string): Promise<number> {
    return this.controls.endOutput(this, streamerSid);
  }

  endRecording(reason: 'disk-space-low'): Promise<void> {
    return this.controls.endRecording(this, reason);
  }

  /**
   * Queues an event for the listeners. Delivery is deferred to a later turn of the event
   * loop and keeps the order, so a caller that just got the handle (admit, attach) has
   * subscribed before the first event reaches it.
   */
  deliver(event: Pick<JobEvent, 'name' | 'args'>): void {
    this.#push({ name: event.name, args: event.args });
  }

  progress(status: IngestStatus): void {
    this.#push({ name: 'progress', args: [status] });
  }

  /** Resolves true once `closed` was delivered, false after `timeoutMs`. */
  whenClosed(timeoutMs: number): Promise<boolean> {
    if (this.#closed) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#closedWaiters.delete(done);
        resolve(true);
      };
      const timer = setTimeout(() => {
        this.#closedWaiters.delete(done);
        resolve(false);
      }, timeoutMs);
      this.#closedWaiters.add(done);
    });
  }

  #push(p: Pending): void {
    if (this.#closed) return;
    this.#queue.push(p);
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => this.#flush());
  }

  #flush(): void {
    this.#scheduled = false;
    const batch = this.#queue;
    this.#queue = [];
    for (const { name, args } of batch) {
      if (this.#closed) return;
      if (name === 'assigned') this.#workerId = String(args[0]);
      if (name === 'closed') this.#closed = true;
      (this.events.emit as (event: string, ...a: unknown[]) => boolean)(name, ...args);
      if (name === 'closed') for (const resolve of [...this.#closedWaiters]) resolve();
    }
  }
}
