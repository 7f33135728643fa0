/**
 * The API side's reader of the job event stream. It resumes where the previous reader (the
 * API process before a restart) stopped: its position is stored in Redis after each batch,
 * so events are neither lost while the API is down nor delivered twice after it restarted
 * (at most one batch again, when the API died between delivering it and storing the position).
 */
import type { Redis } from 'ioredis';
import type { JobLogger } from '../logger.js';
import { decodeEvent, type JobEvent } from './wire.js';

export interface EventReaderOptions {
  /** a connection of its own: XREAD BLOCK holds it */
  redis: Redis;
  /** commands besides the blocking read (storing the position) */
  cmd: Redis;
  stream: string;
  cursorKey: string;
  deliver: (event: JobEvent) => void;
  log?: JobLogger;
  /** ms one XREAD blocks (close() interrupts it anyway) */
  blockMs?: number;
}

export class EventReader {
  #closed = false;
  #loop: Promise<void> | undefined;

  constructor(private readonly opts: EventReaderOptions) {}

  /** Reads the stored position (or the stream's end, the first time) and starts reading. */
  async start(): Promise<void> {
    const { cmd, stream, cursorKey } = this.opts;
    let cursor = await cmd.get(cursorKey);
    if (!cursor) {
      const last = await cmd.xrevrange(stream, '+', '-', 'COUNT', 1);
      cursor = last[0]?.[0] ?? '0-0';
      await cmd.set(cursorKey, cursor);
    }
    this.#loop = this.#run(cursor);
  }

  async #run(from: string): Promise<void> {
    const { redis, cmd, stream, cursorKey, deliver, log } = this.opts;
    let cursor = from;
    while (!this.#closed) {
      let batch: [string, [string, string[]][]][] | null;
      try {
        batch = (await redis.xread('COUNT', 256, 'BLOCK', this.opts.blockMs ?? 5_000, 'STREAMS', stream, cursor)) as typeof batch;
      } catch (err) {
        if (this.#closed) return;
        log?.warn({ err: (err as Error).message }, 'job event stream: read failed, retrying');
        await new Promise((r) => setTimeout(r, 500));
        continue;
      }
      const entries = batch?.[0]?.[1] ?? [];
      if (entries.length === 0) continue;
      for (const [id, fields] of entries) {
        cursor = id;
        const event = decodeEvent(fields);
        if (event) deliver(event);
      }
      try {
        await cmd.set(cursorKey, cursor);
      } catch (err) {
        log?.warn({ err: (err as Error).message }, 'job event stream: could not store the position');
      }
    }
  }

  /** Stops reading; the stored position stays for the next reader. */
  async close(): Promise<void> {
    this.#closed = true;
    this.opts.redis.disconnect(); // interrupts a blocking XREAD
    await this.#loop;
  }
}
