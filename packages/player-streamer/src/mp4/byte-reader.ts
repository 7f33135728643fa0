/** Bounds-checked big-endian reads inside one box payload; every overrun is a typed error. */
import { Mp4ParseError } from '../errors.js';

export class ByteReader {
  #pos: number;

  /**
   * @param buf    the buffer holding the box
   * @param start  first byte to read
   * @param end    one past the last byte this reader may read (the end of the box)
   * @param boxType the box being read, for error messages
   */
  constructor(
    private readonly buf: Buffer,
    start: number,
    private readonly end: number,
    private readonly boxType: string,
  ) {
    if (start < 0 || end > buf.length || start > end) {
      throw new Mp4ParseError('ERR_MP4_MALFORMED', `${boxType}: box extends past its parent`, { boxType });
    }
    this.#pos = start;
  }

  get position(): number {
    return this.#pos;
  }

  get remaining(): number {
    return this.end - this.#pos;
  }

  u8(): number {
    return this.buf.readUInt8(this.#take(1));
  }

  u16(): number {
    return this.buf.readUInt16BE(this.#take(2));
  }

  u24(): number {
    const at = this.#take(3);
    return (this.buf.readUInt8(at) << 16) | this.buf.readUInt16BE(at + 1);
  }

  u32(): number {
    return this.buf.readUInt32BE(this.#take(4));
  }

  i32(): number {
    return this.buf.readInt32BE(this.#take(4));
  }

  /** An unsigned 64-bit value as a number; values above 2^53 - 1 are refused. */
  u64(): number {
    const value = this.buf.readBigUInt64BE(this.#take(8));
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) {
      throw new Mp4ParseError('ERR_MP4_UNSUPPORTED', `${this.boxType}: 64-bit value ${value} is too large`, {
        boxType: this.boxType,
      });
    }
    return Number(value);
  }

  fourcc(): string {
    const at = this.#take(4);
    return this.buf.toString('latin1', at, at + 4);
  }

  /** version (8 bits) and flags (24 bits) of a FullBox. */
  fullBoxHeader(): { version: number; flags: number } {
    const version = this.u8();
    const flags = this.u24();
    return { version, flags };
  }

  skip(bytes: number): void {
    this.#take(bytes);
  }

  /** Fails unless `bytes` more bytes can be read (used before allocating per-sample arrays). */
  require(bytes: number, what: string): void {
    if (bytes > this.remaining) {
      throw new Mp4ParseError('ERR_MP4_MALFORMED', `${this.boxType}: ${what} needs ${bytes} bytes, ${this.remaining} left`, {
        boxType: this.boxType,
      });
    }
  }

  #take(bytes: number): number {
    const at = this.#pos;
    if (at + bytes > this.end) {
      throw new Mp4ParseError('ERR_MP4_MALFORMED', `${this.boxType}: truncated (needs ${bytes} more bytes at ${at})`, {
        boxType: this.boxType,
      });
    }
    this.#pos = at + bytes;
    return at;
  }
}
