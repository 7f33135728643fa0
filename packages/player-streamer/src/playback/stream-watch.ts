/**
 * Wake-ups for requests held on a streamer's directory: one `fs.watch` per directory that has
 * listeners (shared by all of them, closed when the last one leaves) plus a slow re-check
 * timer, because a watch can miss an event (or fail to start, or the directory can go).
 * Works whoever writes the files, this process or another: the packager renames complete
 * files into place, which the watch reports under the final name. Temp files (dot names)
 * are not reported.
 *
 * The re-check costs one `stat` of the directory per tick, not one per held request: a
 * rename into the directory changes its mtime, so listeners are woken only when it changed
 * (or cannot be read).
 */
import { stat, watch, type FSWatcher } from 'node:fs';

export interface WatchListener {
  /**
   * Something may have changed: `name` was created or replaced (undefined: re-check everything).
   * `wakeUp` numbers the wake-ups of all directories: listeners woken by the same one may share
   * one look at the disk, since it starts after the change they were woken for.
   */
  wake(name: string | undefined, wakeUp: number): void;
  /** The watch closed for good (the origin is stopping): give up. */
  closed(): void;
}

export interface StreamWatchOptions {
  /** safety re-check period, ms (default 250) */
  recheckMs?: number;
}

export const STREAM_WATCH_DEFAULTS = { recheckMs: 250 } as const;

interface DirWatch {
  readonly listeners: Set<WatchListener>;
  readonly timer: NodeJS.Timeout;
  watcher: FSWatcher | undefined;
  /** the directory's identity and mtime at the last tick (undefined: not read yet) */
  seen: string | undefined;
  ticking: boolean;
}

export class StreamWatch {
  readonly #dirs = new Map<string, DirWatch>();
  readonly #recheckMs: number;
  #closed = false;
  #wakeUps = 0;

  constructor(options: StreamWatchOptions = {}) {
    this.#recheckMs = options.recheckMs ?? STREAM_WATCH_DEFAULTS.recheckMs;
  }

  /** Directories watched right now (one per directory with listeners). */
  get size(): number {
    return this.#dirs.size;
  }

  /** Listeners of all directories. */
  get listeners(): number {
    let n = 0;
    for (const d of this.#dirs.values()) n += d.listeners.size;
    return n;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Starts listening on `dir`; returns the unsubscribe (idempotent). After close(), `closed` is called soon. */
  subscribe(dir: string, listener: WatchListener): () => void {
    if (this.#closed) {
      queueMicrotask(() => listener.closed());
      return () => undefined;
    }
    let entry = this.#dirs.get(dir);
    if (!entry) {
      const timer = setInterval(() => this.#tick(dir), this.#recheckMs);
      timer.unref();
      entry = { listeners: new Set(), timer, watcher: undefined, seen: undefined, ticking: false };
      this.#dirs.set(dir, entry);
      entry.watcher = this.#startWatcher(dir, entry);
    }
    entry.listeners.add(listener);
    return () => this.#unsubscribe(dir, listener);
  }

  /** Closes every watch and tells every listener; idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    const all = [...this.#dirs.values()];
    this.#dirs.clear();
    for (const entry of all) {
      this.#stop(entry);
      for (const listener of entry.listeners) safely(() => listener.closed());
    }
  }

  #startWatcher(dir: string, entry: DirWatch): FSWatcher | undefined {
    try {
      const watcher = watch(dir, { persistent: false, encoding: 'utf8' }, (_event, name) => {
        if (typeof name === 'string' && name.startsWith('.')) return; // a temp file
        this.#notify(dir, typeof name === 'string' ? name : undefined);
      });
      watcher.on('error', () => {
        // the directory went, or the watch broke: the timer still re-checks
        watcher.close();
        if (entry.watcher === watcher) entry.watcher = undefined;
      });
      return watcher;
    } catch {
      return undefined; // no such directory (yet): the timer re-checks
    }
  }

  /** The safety re-check: wake everyone when the directory changed since the last tick. */
  #tick(dir: string): void {
    const entry = this.#dirs.get(dir);
    if (!entry || entry.ticking) return;
    entry.ticking = true;
    stat(dir, (error, s) => {
      entry.ticking = false;
      const now = error ? undefined : `${s.ino}:${s.mtimeMs}:${s.ctimeMs}`;
      if (now !== undefined && now === entry.seen) return;
      entry.seen = now;
      this.#notify(dir, undefined);
    });
  }

  #notify(dir: string, name: string | undefined): void {
    const entry = this.#dirs.get(dir);
    if (!entry) return;
    const wakeUp = ++this.#wakeUps;
    for (const listener of [...entry.listeners]) safely(() => listener.wake(name, wakeUp));
  }

  #unsubscribe(dir: string, listener: WatchListener): void {
    const entry = this.#dirs.get(dir);
    if (!entry || !entry.listeners.delete(listener) || entry.listeners.size > 0) return;
    this.#dirs.delete(dir);
    this.#stop(entry);
  }

  #stop(entry: DirWatch): void {
    clearInterval(entry.timer);
    entry.watcher?.close();
    entry.watcher = undefined;
  }
}

function safely(fn: () => void): void {
  try {
    fn();
  } catch {
    // one listener must not break the others
  }
}
