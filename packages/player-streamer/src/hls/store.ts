/**
 * Where an HlsPackager's files go. The packager only ever names generated files
 * (`index.m3u8`, `init-N.mp4`, `seg-N.m4s`, `part-N.m4s`, files.ts) and its snapshot
 * (`packager.json`, snapshot.ts); a store refuses anything else.
 *
 * Implementations:
 * - `HlsDirectory` (files.ts): a local directory, atomic writes (temp file + rename);
 * - `HttpPushStore` (origin-push/push-store.ts): pushes every file to the origin over HTTP.
 *
 * The packager calls a store from one serial queue, in order: a media file before the
 * snapshot and playlist that list it, a playlist before the deletion of what left it.
 * A store must keep that order as the reader (the origin) sees it.
 */
import type { PackagerSnapshot } from './snapshot.js';

export interface PackagerStore {
  /** Where the files go, for messages and tools: an absolute directory, or a URL. */
  readonly location: string;
  /** Writes a generated file whole: a reader sees the old file or all of the new one. */
  writeAtomic(name: string, data: string | readonly Buffer[]): Promise<void>;
  /** Deletes a generated file; one that is already gone is fine. */
  remove(name: string): Promise<void>;
  /** The snapshot the last packager of this stream wrote; undefined when there is none. */
  readState(): Promise<PackagerSnapshot | undefined>;
  /** Replaces the snapshot (as atomically as a file). */
  /**
   * `segmentEnd`: written with the playlist that completed a segment (else after a part): a
   * store may send part-time snapshots less often (resume.ts's margins allow a few parts of lag).
   */
  writeState(snapshot: PackagerSnapshot, opts?: { segmentEnd?: boolean }): Promise<void>;
  /** Everything written so far is stored (or given up on); nothing is written after. Idempotent. */
  close(): Promise<void>;
}
