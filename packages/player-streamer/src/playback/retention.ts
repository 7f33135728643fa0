/**
 * Removes the HLS directories of streamers that ended more than `retentionMs` ago, and of
 * streamers that no longer exist, from `<storageDir>/<VJ…>`. Only directories named like
 * a streamer SID are touched. Runs once at `start()` and then every `intervalMs`.
 */
import { readdir, rm, stat } from 'node:fs/promises';
import { isStreamerSid, streamerDir } from './stream-files.js';

export interface StreamRetentionOptions {
  storageDir: string;
  /** how long the files of an ended streamer are kept, ms */
  retentionMs: number;
  /**
   * The streamer's state: `endedAt` (ms) once it ended or failed, null while it is active,
   * undefined when there is no such streamer (its directory is removed once it is older
   * than the retention).
   */
  endedAt(streamerSid: string): Promise<number | null | undefined>;
  now?: () => number;
  /** default: retention / 4, between 1 s and 60 s */
  intervalMs?: number;
  /** told about each removed directory (and about failures) */
  onRemoved?: (streamerSid: string) => void;
  onError?: (error: unknown, streamerSid: string) => void;
}

export class StreamRetention {
  readonly #now: () => number;
  readonly #intervalMs: number;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<string[]> | undefined;

  constructor(private readonly opts: StreamRetentionOptions) {
    if (!(Number.isFinite(opts.retentionMs) && opts.retentionMs >= 0)) throw new TypeError('retentionMs must be ≥ 0');
    this.#now = opts.now ?? Date.now;
    this.#intervalMs = opts.intervalMs ?? Math.min(60_000, Math.max(1_000, opts.retentionMs / 4));
  }

  /** Sweeps now and then periodically. */
  async start(): Promise<string[]> {
    const removed = await this.sweep();
    this.#timer ??= setInterval(() => void this.sweep(), this.#intervalMs);
    this.#timer.unref();
    return removed;
  }

  /** One pass; resolves with the SIDs whose directories were removed. Never rejects. */
  sweep(): Promise<string[]> {
    this.#running ??= this.#sweep().finally(() => (this.#running = undefined));
    return this.#running;
  }

  close(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  async #sweep(): Promise<string[]> {
    let names: string[];
    try {
      names = await readdir(this.opts.storageDir);
    } catch {
      return []; // no streams yet
    }
    const removed: string[] = [];
    const now = this.#now();
    for (const sid of names.filter(isStreamerSid)) {
      const dir = streamerDir(this.opts.storageDir, sid);
      if (dir === undefined) continue;
      try {
        const ended = await this.opts.endedAt(sid);
        if (ended === null) continue;
        const since = ended ?? (await stat(dir)).mtimeMs;
        if (now - since < this.opts.retentionMs) continue;
        await rm(dir, { recursive: true, force: true });
        removed.push(sid);
        this.opts.onRemoved?.(sid);
      } catch (error) {
        this.opts.onError?.(error, sid);
      }
    }
    return removed;
  }
}
