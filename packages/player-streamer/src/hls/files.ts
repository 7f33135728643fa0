/**
 * The packager's directory (the local PackagerStore): generated names only, atomic writes.
 *
 * Every path is built from a name that matches one of the generated patterns
 * (`index.m3u8`, `init-<n>.mp4`, `seg-<n>.m4s`, `part-<n>.m4s`, the snapshot `packager.json`,
 * and their dot-prefixed temp files); nothing
 * from the input stream ever becomes part of a path. A file is written to a temp file in
 * the same directory and renamed over its final name, so a reader (the HTTP origin) sees
 * either the old file or the complete new one, never a partial one. No fsync: readers
 * share the page cache; durability across a power cut does not matter for live media.
 */
import { mkdir, readdir, readFile, rename, rm, unlink, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { PlayerStreamerError } from '../errors.js';
import { SNAPSHOT_FILE, parseSnapshot, serializeSnapshot, type PackagerSnapshot } from './snapshot.js';
import type { PackagerStore } from './store.js';

export const PLAYLIST_FILE = 'index.m3u8';

const GENERATED = /^(?:index\.m3u8|init-(?:0|[1-9]\d{0,15})\.mp4|(?:seg|part)-(?:0|[1-9]\d{0,15})\.m4s)$/;
const TEMP = /^\.(?:index\.m3u8|packager\.json|init-\d+\.mp4|(?:seg|part)-\d+\.m4s)\.\d+\.\d+\.tmp$/;
/** Files of the packager that are not media (never served). */
const STATE = /^packager\.json$/;

const checkIndex = (what: string, n: number): number => {
  if (!Number.isSafeInteger(n) || n < 0) throw new PlayerStreamerError('ERR_HLS_UNSAFE_PATH', `${what} must be a non-negative integer, got ${n}`);
  return n;
};

export function initFileName(input: number): string {
  return `init-${checkIndex('input index', input)}.mp4`;
}

export function segmentFileName(sequence: number): string {
  return `seg-${checkIndex('segment sequence', sequence)}.m4s`;
}

/** A Low-Latency HLS part: numbered from one sequence across segments (a preload hint stays valid at a segment boundary). */
export function partFileName(sequence: number): string {
  return `part-${checkIndex('part sequence', sequence)}.m4s`;
}

export function isGeneratedName(name: string): boolean {
  return GENERATED.test(name);
}

export interface HlsDirectoryOptions {
  /**
   * Keep the files of an earlier run when it left a snapshot (`packager.json`): a packager
   * resumes its stream. Without a snapshot (or without `resume`) the directory starts empty.
   */
  readonly resume?: boolean;
}

export class HlsDirectory implements PackagerStore {
  #tempCounter = 0;

  private constructor(readonly path: string) {}

  get location(): string {
    return this.path;
  }

  /**
   * Creates the directory if needed and removes generated files (and temp files) left by an
   * earlier run, unless `resume` finds that run's snapshot (then only temp files go).
   */
  static async open(dir: string, options: HlsDirectoryOptions = {}): Promise<HlsDirectory> {
    const path = resolve(dir);
    try {
      await mkdir(path, { recursive: true });
      const names = await readdir(path);
      const keep = options.resume === true && names.includes(SNAPSHOT_FILE);
      const stale = names.filter((name) => TEMP.test(name) || (!keep && (GENERATED.test(name) || STATE.test(name))));
      await Promise.all(stale.map((name) => rm(join(path, name), { force: true })));
    } catch (error) {
      throw PlayerStreamerError.io('preparing directory', path, error);
    }
    return new HlsDirectory(path);
  }

  /** The absolute path of a generated file; anything else is refused. */
  pathOf(name: string): string {
    if (!GENERATED.test(name) && !TEMP.test(name) && !STATE.test(name)) {
      throw new PlayerStreamerError('ERR_HLS_UNSAFE_PATH', `refusing a file name the packager did not generate: ${JSON.stringify(name)}`);
    }
    const path = join(this.path, name);
    if (dirname(path) !== this.path) throw new PlayerStreamerError('ERR_HLS_UNSAFE_PATH', `refusing path outside ${this.path}`);
    return path;
  }

  /** Writes `data` under `name` atomically (temp file + rename). */
  async writeAtomic(name: string, data: string | readonly Buffer[]): Promise<void> {
    const target = this.pathOf(name);
    this.#tempCounter += 1;
    const temp = this.pathOf(`.${name}.${process.pid}.${this.#tempCounter}.tmp`);
    try {
      await writeFile(temp, data, { flag: 'wx' });
      await rename(temp, target);
    } catch (error) {
      await unlink(temp).catch(() => undefined);
      throw PlayerStreamerError.io('writing', target, error);
    }
  }

  /** Deletes a generated file; a file that is already gone is fine. */
  async remove(name: string): Promise<void> {
    const target = this.pathOf(name);
    try {
      await rm(target, { force: true });
    } catch (error) {
      throw PlayerStreamerError.io('deleting', target, error);
    }
  }

  async readState(): Promise<PackagerSnapshot | undefined> {
    const target = this.pathOf(SNAPSHOT_FILE);
    let text: string;
    try {
      text = await readFile(target, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw PlayerStreamerError.io('reading', target, error);
    }
    return parseSnapshot(text);
  }

  writeState(snapshot: PackagerSnapshot): Promise<void> {
    return this.writeAtomic(SNAPSHOT_FILE, serializeSnapshot(snapshot));
  }

  /** Nothing to flush: every write is on disk when it resolves. */
  async close(): Promise<void> {}
}
