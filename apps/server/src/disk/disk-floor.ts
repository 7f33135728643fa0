/**
 * The free-disk floor (ONAIR_MIN_FREE_DISK): the data dir's disk keeps at least
 * `minFreeBytes` free. Below it, new media processors (and with them recordings) are
 * refused with 503 (20503), and while recordings run the disk is looked at every few
 * seconds: under the floor, they end (`onLow`), keeping what they wrote.
 *
 * Metrics: `onair_disk_free_bytes` (read at scrape time) and
 * `onair_disk_floor_refusals_total{what}`, `onair_disk_floor_recordings_ended_total`.
 */
import { statfs as fsStatfs } from 'node:fs/promises';
import type { Logger } from 'pino';
import { Counter, Gauge, type Registry } from 'prom-client';
import { ErrorCode } from '@onair/protocol';
import { ApiError } from '../services/api-error.js';

/** What `fs.statfs` gives that matters here. */
export interface DiskStats {
  /** blocks free for unprivileged users */
  bavail: number | bigint;
  /** bytes per block */
  bsize: number | bigint;
}

export interface DiskFloorOptions {
  /** a directory on the disk to watch (the data dir) */
  dir: string;
  /** free bytes to keep; 0 turns the floor off */
  minFreeBytes: number;
  registry: Registry;
  logger: Logger;
  /** how often the disk is looked at while recordings run, ms */
  checkIntervalMs?: number;
  /** injected by tests; default `fs.statfs` */
  statfs?: (dir: string) => Promise<DiskStats>;
}

export const DISK_FLOOR_DEFAULTS = { checkIntervalMs: 2_000 } as const;

export class DiskFloor {
  readonly #opts: DiskFloorOptions & { checkIntervalMs: number };
  readonly #statfs: (dir: string) => Promise<DiskStats>;
  readonly #refusals: Counter<'what'>;
  readonly #ended: Counter;
  #timer: ReturnType<typeof setInterval> | undefined;
  #checking = false;

  constructor(options: DiskFloorOptions) {
    this.#opts = { ...DISK_FLOOR_DEFAULTS, ...options };
    this.#statfs = options.statfs ?? fsStatfs;
    const floor = this;
    new Gauge({
      name: 'onair_disk_free_bytes',
      help: 'Free bytes on the data directory\'s disk (for unprivileged users)',
      registers: [options.registry],
      async collect() {
        const free = await floor.freeBytes().catch(() => undefined);
        if (free !== undefined) this.set(free);
      },
    });
    new Gauge({
      name: 'onair_disk_floor_bytes',
      help: 'Free bytes the data directory\'s disk keeps (ONAIR_MIN_FREE_DISK; 0: no floor)',
      registers: [options.registry],
    }).set(options.minFreeBytes);
    this.#refusals = new Counter({
      name: 'onair_disk_floor_refusals_total',
      help: 'Requests refused because free disk space is below ONAIR_MIN_FREE_DISK, by what was asked for',
      labelNames: ['what'] as const,
      registers: [options.registry],
    });
    this.#ended = new Counter({
      name: 'onair_disk_floor_recordings_ended_total',
      help: 'Recordings ended because free disk space fell below ONAIR_MIN_FREE_DISK',
      registers: [options.registry],
    });
  }

  get minFreeBytes(): number {
    return this.#opts.minFreeBytes;
  }

  async freeBytes(): Promise<number> {
    const s = await this.#statfs(this.#opts.dir);
    return Number(s.bavail) * Number(s.bsize);
  }

  /** Whether the disk is below the floor now (false when the floor is off). */
  async isLow(): Promise<boolean> {
    if (this.#opts.minFreeBytes <= 0) return false;
    return (await this.freeBytes()) < this.#opts.minFreeBytes;
  }

  /** Throws ApiError 503 (20503) when the disk is below the floor; `what` labels the refusal. */
  async admit(what: 'media-processor'): Promise<void> {
    if (!(await this.isLow())) return;
    this.#refusals.inc({ what });
    this.#opts.logger.warn({ what, minFreeBytes: this.#opts.minFreeBytes }, 'refused: free disk space is below ONAIR_MIN_FREE_DISK');
    throw new ApiError(
      503,
      ErrorCode.ServiceUnavailable,
      'Free disk space on the server is below its floor (ONAIR_MIN_FREE_DISK): no new media processors or recordings until space is freed',
    );
  }

  /**
   * Looks at the disk every `checkIntervalMs` while `running()` says recordings run; below
   * the floor, `onLow()` ends them (then counted by the number it returns). Idempotent.
   */
  watch(running: () => boolean, onLow: () => Promise<number>): void {
    if (this.#timer || this.#opts.minFreeBytes <= 0) return;
    this.#timer = setInterval(() => void this.#check(running, onLow), this.#opts.checkIntervalMs);
    this.#timer.unref();
  }

  close(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  async #check(running: () => boolean, onLow: () => Promise<number>): Promise<void> {
    if (this.#checking || !running()) return;
    this.#checking = true;
    try {
      if (!(await this.isLow())) return;
      this.#opts.logger.warn({ minFreeBytes: this.#opts.minFreeBytes }, 'free disk space is below ONAIR_MIN_FREE_DISK: ending the recordings');
      this.#ended.inc(await onLow());
    } catch (err) {
      this.#opts.logger.error({ err }, 'could not check free disk space');
    } finally {
      this.#checking = false;
    }
  }
}
