/**
 * Control requests from the API side to the worker that runs a job (stop, end an output,
 * end the recording), over pub/sub: each worker listens on its own channel, each dispatcher
 * takes answers on its own. Pub/sub is lossy by design here: a request is always written to
 * the job's hash first, so a worker that starts (or takes over) the job applies it then.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { ControlOp, ControlReply, ControlRequest } from './wire.js';

export class ControlClient {
  readonly #pending = new Map<string, (reply: ControlReply) => void>();

  constructor(
    private readonly redis: Redis,
    private readonly channelOf: (workerId: string) => string,
    /** the channel this client takes answers on (the caller subscribes to it) */
    readonly replyChannel: string,
    private readonly timeoutMs: number,
  ) {}

  /**
   * Sends one request to a worker; undefined when no worker listens on that channel (it
   * died: the job will be handed over) or it did not answer in time.
   */
  async request(workerId: string, sid: string, op: ControlOp, arg?: string): Promise<ControlReply | undefined> {
    const req: ControlRequest = { id: randomUUID(), replyTo: this.replyChannel, sid, op, ...(arg === undefined ? {} : { arg }) };
    const answered = new Promise<ControlReply | undefined>((resolve) => {
      const timer = setTimeout(() => {
        this.#pending.delete(req.id);
        resolve(undefined);
      }, this.timeoutMs);
      this.#pending.set(req.id, (reply) => {
        clearTimeout(timer);
        this.#pending.delete(req.id);
        resolve(reply);
      });
    });
    const listeners = await this.redis.publish(this.channelOf(workerId), JSON.stringify(req));
    if (listeners === 0) {
      this.#pending.get(req.id)?.({ id: req.id, ok: true, running: false });
    }
    return answered;
  }

  /** A message on the reply channel. */
  onReply(raw: string): void {
    try {
      const reply = JSON.parse(raw) as ControlReply;
      this.#pending.get(reply.id)?.(reply);
    } catch {
      // not ours
    }
  }

  /** Answers every pending request with "no answer" (the dispatcher closes). */
  cancelAll(): void {
    for (const [id, resolve] of [...this.#pending]) resolve({ id, ok: false, error: 'dispatcher closed' });
  }
}

export type ControlHandler = (req: ControlRequest) => Promise<ControlReply>;

/** Worker side: runs each request through `handle` and publishes the answer. */
export async function serveControl(publisher: Redis, raw: string, handle: ControlHandler): Promise<void> {
  let req: ControlRequest;
  try {
    req = JSON.parse(raw) as ControlRequest;
    if (typeof req.id !== 'string' || typeof req.replyTo !== 'string' || typeof req.sid !== 'string') return;
  } catch {
    return;
  }
  let reply: ControlReply;
  try {
    reply = await handle(req);
  } catch (err) {
    reply = { id: req.id, ok: false, error: err instanceof Error ? err.message : String(err) };
  }
  await publisher.publish(req.replyTo, JSON.stringify(reply));
}
