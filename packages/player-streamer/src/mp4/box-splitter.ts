/**
 * Splits a byte stream that arrives in arbitrary chunks into top-level ISO-BMFF boxes.
 *
 * Boxes of the kept types (by default `ftyp`, `moov`, `moof`, `mdat`) are returned whole,
 * header included, once their last byte has arrived. Every other well-formed box (`styp`,
 * `sidx`, `free`, `mfra`, …) is skipped as its bytes arrive, without being buffered.
 * A header that cannot be valid, or a box above `maxBoxSize`, throws `Mp4ParseError`; the
 * splitter then stays failed (the stream has lost its framing, nothing after it can be trusted).
 */
import { Mp4ParseError } from '../errors.js';
import { LARGE_HEADER_BYTES, readBoxHeader, type BoxHeader } from './box-header.js';

export interface Mp4Box extends BoxHeader {
  /** Offset of the box's first byte in the stream. */
  readonly offset: number;
  /** The whole box, header included. */
  readonly bytes: Buffer;
}

export interface BoxSplitterOptions {
  /** Largest accepted box, header included (default 64 MiB). */
  readonly maxBoxSize?: number;
  /** Types returned by `push`; others are skipped (default ftyp, moov, moof, mdat). */
  readonly keep?: readonly string[];
}

/** What `end()` found: an incomplete trailing box, if any (a writer killed mid-box). */
export interface SplitterEnd {
  readonly droppedBytes: number;
  /** Type of the incomplete box, when its header had arrived. */
  readonly droppedType?: string;
}

export const DEFAULT_MAX_BOX_SIZE = 64 * 1024 * 1024;
export const DEFAULT_KEPT_BOXES: readonly string[] = ['ftyp', 'moov', 'moof', 'mdat'];

interface CurrentBox extends BoxHeader {
  readonly offset: number;
  readonly keep: boolean;
  /** Bytes of a skipped box still to be discarded. */
  skipLeft: number;
}

export class BoxSplitter {
  readonly #maxBoxSize: number;
  readonly #keep: ReadonlySet<string>;
  /** Buffered bytes of the current box (or of a header not yet complete). */
  #chunks: Buffer[] = [];
  #buffered = 0;
  /** Stream offset of the first buffered byte (or of the next byte when nothing is buffered). */
  #offset = 0;
  #current: CurrentBox | undefined;
  #failure: Mp4ParseError | undefined;
  #ended = false;

  constructor(options: BoxSplitterOptions = {}) {
    this.#maxBoxSize = options.maxBoxSize ?? DEFAULT_MAX_BOX_SIZE;
    this.#keep = new Set(options.keep ?? DEFAULT_KEPT_BOXES);
  }

  /** Bytes received so far. */
  get bytesReceived(): number {
    return this.#offset + this.#buffered;
  }

  /** Bytes of a box (or header) that has started but not completed. */
  get pendingBytes(): number {
    if (this.#current && !this.#current.keep) return this.#current.size - this.#current.skipLeft;
    return this.#buffered;
  }

  /** Type of the box that has started but not completed, if its header has arrived. */
  get pendingType(): string | undefined {
    return this.#current?.type;
  }

  /** Adds bytes; returns the kept boxes they completed, in stream order. */
  push(chunk: Buffer): Mp4Box[] {
    if (this.#failure) throw this.#failure;
    if (this.#ended) throw new Error('BoxSplitter: push after end');
    try {
      return this.#push(chunk);
    } catch (error) {
      this.#failure = error instanceof Mp4ParseError ? error.at(this.#offset) : (error as Mp4ParseError);
      throw this.#failure;
    }
  }

  /** Ends the stream; an incomplete trailing box is dropped and reported. */
  end(): SplitterEnd {
    this.#ended = true;
    const droppedBytes = this.pendingBytes;
    const droppedType = this.#current?.type;
    this.#chunks = [];
    this.#buffered = 0;
    this.#current = undefined;
    return droppedType === undefined ? { droppedBytes } : { droppedBytes, droppedType };
  }

  #push(input: Buffer): Mp4Box[] {
    const boxes: Mp4Box[] = [];
    let chunk = input;
    while (chunk.length > 0) {
      const current = this.#current;
      if (current && !current.keep) {
        // Skipping: discard without buffering.
        const n = Math.min(current.skipLeft, chunk.length);
        current.skipLeft -= n;
        chunk = chunk.subarray(n);
        if (current.skipLeft === 0) {
          this.#offset = current.offset + current.size;
          this.#current = undefined;
        }
        continue;
      }
      if (current) {
        // Buffering a kept box: take at most what it still needs.
        const n = Math.min(current.size - this.#buffered, chunk.length);
        this.#append(chunk.subarray(0, n));
        chunk = chunk.subarray(n);
        if (this.#buffered === current.size) boxes.push(this.#completeKept(current));
        continue;
      }
      // No header yet: buffer at most a large header's worth, then try to read it.
      const n = Math.min(LARGE_HEADER_BYTES - this.#buffered, chunk.length);
      this.#append(chunk.subarray(0, n));
      chunk = chunk.subarray(n);
      const head = this.#buffered === this.#chunks[0]?.length ? this.#chunks[0] : Buffer.concat(this.#chunks);
      const header = readBoxHeader(head, 0, this.#buffered);
      if (!header) continue;
      if (header.size > this.#maxBoxSize) {
        throw new Mp4ParseError('ERR_MP4_BOX_TOO_LARGE', `${header.type}: ${header.size} bytes exceeds the limit of ${this.#maxBoxSize}`, {
          boxType: header.type,
        });
      }
      const keep = this.#keep.has(header.type);
      const next: CurrentBox = { ...header, offset: this.#offset, keep, skipLeft: 0 };
      this.#current = next;
      if (keep) {
        // Bytes buffered beyond this box's end (a tiny box followed by the next header) go back to the input.
        const excess = this.#buffered - Math.min(this.#buffered, header.size);
        if (excess > 0) {
          const all = Buffer.concat(this.#chunks);
          this.#chunks = [all.subarray(0, header.size)];
          this.#buffered = header.size;
          chunk = Buffer.concat([all.subarray(header.size), chunk]);
        }
        if (this.#buffered === header.size) boxes.push(this.#completeKept(next));
      } else {
        const consumed = Math.min(this.#buffered, header.size);
        const leftover = this.#buffered > header.size ? Buffer.concat(this.#chunks).subarray(header.size) : undefined;
        this.#chunks = [];
        this.#buffered = 0;
        next.skipLeft = header.size - consumed;
        if (next.skipLeft === 0) {
          this.#offset = next.offset + next.size;
          this.#current = undefined;
        }
        if (leftover) chunk = Buffer.concat([leftover, chunk]);
      }
    }
    return boxes;
  }

  #append(part: Buffer): void {
    if (part.length === 0) return;
    this.#chunks.push(part);
    this.#buffered += part.length;
  }

  #completeKept(current: CurrentBox): Mp4Box {
    // Always a copy: the caller may reuse its chunk buffers, and a box must not pin them.
    const bytes = Buffer.concat(this.#chunks, this.#buffered);
    this.#chunks = [];
    this.#buffered = 0;
    this.#offset = current.offset + current.size;
    this.#current = undefined;
    return { type: current.type, size: current.size, headerSize: current.headerSize, offset: current.offset, bytes };
  }
}
