/**
 * A small in-memory cache of stream files. Every viewer of a live stream asks for the same
 * playlist and the same few segments, so each file is read from disk once and served from
 * memory after that. An entry is used only while the file on disk is the same one (inode,
 * size, mtime, ctime; the packager replaces files by rename, which changes them), checked
 * with a `stat` when the entry is older than `maxAgeMs` (0 for playlists: every request;
 * a second for segments, whose names are not reused while a packager runs). Least recently
 * used entries go first once `maxBytes` is reached.
 */
import { stat, type Stats } from 'node:fs';
import { open } from 'node:fs/promises';

interface Entry {
  identity: string;
  data: Buffer;
  /** when the identity was last checked against the disk */
  checkedAt: number;
}

export interface StreamFileCacheOptions {
  /** total bytes kept (default 64 MiB) */
  maxBytes?: number;
  /** larger files are read every time, not kept (default 8 MiB) */
  maxEntryBytes?: number;
}

export const STREAM_FILE_CACHE_DEFAULTS = { maxBytes: 64 * 1024 * 1024, maxEntryBytes: 8 * 1024 * 1024 } as const;

export class StreamFileCache {
  readonly #entries = new Map<string, Entry>();
  readonly #reading = new Map<string, Promise<Entry>>();
  readonly #maxBytes: number;
  readonly #maxEntryBytes: number;
  #bytes = 0;

  constructor(options: StreamFileCacheOptions = {}) {
    this.#maxBytes = options.maxBytes ?? STREAM_FILE_CACHE_DEFAULTS.maxBytes;
    this.#maxEntryBytes = Math.min(options.maxEntryBytes ?? STREAM_FILE_CACHE_DEFAULTS.maxEntryBytes, this.#maxBytes);
  }

  get bytes(): number {
    return this.#bytes;
  }

  /**
   * The file's current bytes; rejects with the fs error (ENOENT…) when it cannot be read.
   * `maxAgeMs`: how long a checked entry is trusted without a new `stat`.
   */
  async read(path: string, maxAgeMs = 0): Promise<Buffer> {
    const now = performance.now();
    const cached = this.#entries.get(path);
    if (cached && now - cached.checkedAt < maxAgeMs) return cached.data;
    let identity: string;
    try {
      identity = identityOf(await statOf(path));
    } catch (error) {
      this.#drop(path);
      throw error;
    }
    if (cached?.identity === identity && this.#entries.get(path) === cached) {
      cached.checkedAt = now;
      this.#entries.delete(path); // most recently used goes last
      this.#entries.set(path, cached);
      return cached.data;
    }
    let reading = this.#reading.get(path);
    if (!reading) {
      reading = readWhole(path).finally(() => this.#reading.delete(path));
      this.#reading.set(path, reading);
    }
    const entry = await reading;
    this.#store(path, entry);
    return entry.data;
  }

  clear(): void {
    this.#entries.clear();
    this.#bytes = 0;
  }

  #store(path: string, entry: Entry): void {
    if (this.#entries.get(path) === entry) return;
    this.#drop(path);
    if (entry.data.length > this.#maxEntryBytes) return;
    this.#entries.set(path, entry);
    this.#bytes += entry.data.length;
    for (const [oldest, old] of this.#entries) {
      if (this.#bytes <= this.#maxBytes) break;
      this.#entries.delete(oldest);
      this.#bytes -= old.data.length;
    }
  }

  #drop(path: string): void {
    const old = this.#entries.get(path);
    if (!old) return;
    this.#entries.delete(path);
    this.#bytes -= old.data.length;
  }
}

const identityOf = (s: Stats) => `${s.ino}:${s.size}:${s.mtimeMs}:${s.ctimeMs}`;

const statOf = (path: string) =>
  new Promise<Stats>((resolve, reject) => stat(path, (error, stats) => (error ? reject(error) : resolve(stats))));

/** One open file, read whole; the identity is that of the descriptor read. */
async function readWhole(path: string): Promise<Entry> {
  const file = await open(path, 'r');
  try {
    const s = await file.stat();
    if (!s.isFile()) throw Object.assign(new Error(`${path} is not a file`), { code: 'EISDIR' });
    return { identity: identityOf(s), data: await file.readFile(), checkedAt: performance.now() };
  } finally {
    await file.close();
  }
}
