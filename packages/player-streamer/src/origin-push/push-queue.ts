/**
 * The ordered queue of an HttpPushStore: what still has to reach the origin, in the order
 * the packager wrote it. Pure (no I/O).
 *
 * - A newer `index.m3u8` or `packager.json` replaces a queued older one, and goes last (after
 *   the files it lists, which were queued before it).
 * - A deletion cancels a queued write of the same file.
 * - Memory is bounded: past `maxBytes`, the oldest queued parts are dropped. Segments, init
 *   files, the playlist and the snapshot are never dropped; segments leave the queue anyway
 *   when the packager deletes them (the window slides), so the queue stays within the
 *   window's size even while the origin is away.
 * - The head may be "in flight" (being sent); it is neither replaced, cancelled nor dropped.
 */
import { PLAYLIST_FILE } from '../hls/files.js';
import { SNAPSHOT_FILE } from '../hls/snapshot.js';

export type PushOp =
  | { readonly kind: 'put'; readonly name: string; readonly data: readonly Buffer[]; readonly bytes: number }
  | { readonly kind: 'delete'; readonly name: string; readonly bytes: 0 };

const REPLACEABLE = new Set([PLAYLIST_FILE, SNAPSHOT_FILE]);
const isPart = (name: string) => name.startsWith('part-');

export class PushQueue {
  #ops: PushOp[] = [];
  #bytes = 0;
  #inFlight: PushOp | undefined;

  constructor(private readonly maxBytes: number) {}

  get length(): number {
    return this.#ops.length;
  }

  /** Bytes of queued writes (the one in flight included). */
  get bytes(): number {
    return this.#bytes;
  }

  /** Adds a write; returns the names of the parts dropped to stay within `maxBytes`. */
  put(name: string, data: readonly Buffer[]): string[] {
    if (REPLACEABLE.has(name)) this.#removeQueued((op) => op.kind === 'put' && op.name === name);
    const bytes = data.reduce((sum, b) => sum + b.length, 0);
    this.#ops.push({ kind: 'put', name, data, bytes });
    this.#bytes += bytes;
    return this.#shed();
  }

  /** Adds a deletion, cancelling a queued write of that file. */
  delete(name: string): void {
    this.#removeQueued((op) => op.name === name);
    this.#ops.push({ kind: 'delete', name, bytes: 0 });
  }

  /** The next op to send (it stays queued, in flight, until `done()`). */
  next(): PushOp | undefined {
    this.#inFlight = this.#ops[0];
    return this.#inFlight;
  }

  /** The op in flight reached the origin (or was given up): it leaves the queue. */
  done(): void {
    const op = this.#inFlight;
    if (!op) return;
    this.#inFlight = undefined;
    const i = this.#ops.indexOf(op);
    if (i >= 0) this.#ops.splice(i, 1);
    this.#bytes -= op.bytes;
  }

  /** The op in flight was not sent: it stays at the head, free to be replaced again. */
  release(): void {
    this.#inFlight = undefined;
  }

  /** Puts a write at the head, behind the op in flight (after a reconnect: what the origin may have lost). */
  requeueFirst(name: string, data: readonly Buffer[]): void {
    if (this.#ops.some((op) => op !== this.#inFlight && op.name === name)) return; // a newer one is queued
    const bytes = data.reduce((sum, b) => sum + b.length, 0);
    this.#ops.splice(this.#inFlight ? 1 : 0, 0, { kind: 'put', name, data, bytes });
    this.#bytes += bytes;
  }

  /** Empties the queue (the store gave up); returns how many ops were dropped. */
  clear(): number {
    const n = this.#ops.length;
    this.#ops = [];
    this.#bytes = 0;
    this.#inFlight = undefined;
    return n;
  }

  #removeQueued(match: (op: PushOp) => boolean): void {
    this.#ops = this.#ops.filter((op) => {
      if (op === this.#inFlight || !match(op)) return true;
      this.#bytes -= op.bytes;
      return false;
    });
  }

  #shed(): string[] {
    const dropped: string[] = [];
    for (let i = 0; this.#bytes > this.maxBytes && i < this.#ops.length; ) {
      const op = this.#ops[i]!;
      if (op !== this.#inFlight && op.kind === 'put' && isPart(op.name)) {
        this.#ops.splice(i, 1);
        this.#bytes -= op.bytes;
        dropped.push(op.name);
      } else {
        i += 1;
      }
    }
    return dropped;
  }
}
