/**
 * Standby Chromium for the next composer jobs: launched ahead of time with the composer page
 * preloaded and waiting for its config, so a job that takes one skips Chromium's launch and
 * the page's load (seconds on a busy machine) and only sets the page's fragment.
 *
 * A standby belongs to no job until one takes it: it is labelled with an id of its own
 * (its profile, and so its command line, says `onair-composer-standby-…`), and the job that
 * takes it runs in it under the job's SID. The processor's SID is never chosen here.
 *
 * A standby is never a job: it holds no admission slot. `room()` says whether one more
 * Chromium may start (the manager keeps jobs + reserved slots + standbys within its limit),
 * so standbys use only capacity no job is using. One that exits while idle is replaced;
 * launches that fail are retried after a growing pause. `close()` kills them all.
 */
import { Chromium } from './chromium.js';
import type { JobLogger } from './logger.js';

export interface StandbyPoolOptions {
  /** standbys kept ready (0: none) */
  size: number;
  /** launches Chromium whose profile is labelled with `id` */
  launch: (id: string) => Promise<Chromium>;
  /** the composer page without a fragment (`<server>/composer/`) */
  pageUrl: () => string;
  /** a label for the next standby (its profile's name) */
  newId: () => string;
  /** ms the page may take to load */
  loadTimeoutMs: number;
  /** may one more Chromium start now? */
  room: () => boolean;
  logger: JobLogger;
  /** pause after a failed launch, doubling up to `retryMaxMs` */
  retryInitialMs?: number;
  retryMaxMs?: number;
}

/** A standby handed to a job: its id, and its Chromium once ready (undefined: it failed, launch anew). */
export interface Standby {
  readonly id: string;
  readonly chromium: Promise<Chromium | undefined>;
}

interface Entry {
  readonly id: string;
  chromium: Promise<Chromium | undefined>;
  /** set once launched and loaded */
  ready: Chromium | undefined;
  /** taken by a job, or dropped */
  gone: boolean;
}

export class StandbyPool {
  private readonly entries: Entry[] = [];
  private closed = false;
  private fillTimer: NodeJS.Timeout | undefined;
  private failures = 0;
  private launched = 0;

  constructor(private readonly opts: StandbyPoolOptions) {}

  /** Standbys held (launching or ready). */
  get size(): number {
    return this.entries.length;
  }

  /** Standbys launched so far (tests and metrics). */
  get launches(): number {
    return this.launched;
  }

  /** Process ids of the ready standbys' Chromium. */
  get pids(): number[] {
    return this.entries.flatMap((e) => (e.ready?.pid ? [e.ready.pid] : []));
  }

  /** Takes the oldest standby (ready or still launching), if any. */
  take(): Standby | undefined {
    const entry = this.entries.shift();
    if (!entry) return undefined;
    entry.gone = true;
    return { id: entry.id, chromium: entry.chromium };
  }

  /** A standby taken but not used (its slot was released): kept if there is room, else killed. */
  giveBack(standby: Standby): void {
    void standby.chromium.then((chromium) => {
      if (!chromium) return this.fill();
      if (this.closed || this.entries.length >= this.opts.size || !this.opts.room()) return void chromium.kill();
      this.track({ id: standby.id, chromium: Promise.resolve(chromium), ready: chromium, gone: false });
    });
  }

  /** Launches standbys up to `size` while `room()` allows, after `delayMs` (0: now). */
  fill(delayMs = 0): void {
    if (this.closed || this.opts.size <= 0) return;
    if (delayMs > 0) {
      if (this.fillTimer) return;
      this.fillTimer = setTimeout(() => {
        this.fillTimer = undefined;
        this.fill();
      }, delayMs);
      this.fillTimer.unref();
      return;
    }
    while (!this.closed && this.entries.length < this.opts.size && this.opts.room()) this.spawn();
  }

  /** Kills every standby; no more are launched. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.fillTimer);
    const entries = this.entries.splice(0);
    for (const e of entries) e.gone = true;
    await Promise.all(entries.map(async (e) => (await e.chromium)?.kill()));
  }

  private spawn(): void {
    const id = this.opts.newId();
    this.launched++;
    const entry: Entry = { id, ready: undefined, gone: false, chromium: Promise.resolve(undefined) };
    entry.chromium = this.start(entry);
    this.track(entry);
  }

  private track(entry: Entry): void {
    this.entries.push(entry);
    void entry.chromium.then((chromium) => {
      if (!chromium) return;
      chromium.onExit(() => {
        // died while idle: replace it (a taken one is its job's business)
        if (entry.gone || this.closed) return;
        this.drop(entry);
        void chromium.kill();
        this.opts.logger.warn({ standby: entry.id }, 'a standby Chromium exited; launching another');
        this.fill();
      });
    });
  }

  private async start(entry: Entry): Promise<Chromium | undefined> {
    let chromium: Chromium | undefined;
    try {
      chromium = await this.opts.launch(entry.id);
      if (this.closed) {
        await chromium.kill();
        return undefined;
      }
      await chromium.preload(this.opts.pageUrl(), this.opts.loadTimeoutMs);
    } catch (err) {
      await chromium?.kill();
      this.drop(entry);
      if (this.closed) return undefined;
      const { retryInitialMs = 5_000, retryMaxMs = 60_000 } = this.opts;
      const delay = Math.min(retryMaxMs, retryInitialMs * 2 ** this.failures++);
      this.opts.logger.warn({ standby: entry.id, detail: (err as Error).message, retryMs: delay }, 'a standby Chromium did not start');
      this.fill(delay);
      return undefined;
    }
    if (this.closed) {
      await chromium.kill();
      return undefined;
    }
    this.failures = 0;
    entry.ready = chromium;
    this.opts.logger.debug({ standby: entry.id, chromiumPid: chromium.pid }, 'standby Chromium ready');
    return chromium;
  }

  private drop(entry: Entry): void {
    const i = this.entries.indexOf(entry);
    if (i >= 0) this.entries.splice(i, 1);
    entry.gone = true;
  }
}
