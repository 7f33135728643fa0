/** ISO-BMFF box headers (ISO/IEC 14496-12 §4.2): 32-bit size + type, or size 1 + 64-bit largesize. */
import { Mp4ParseError } from '../errors.js';

export interface BoxHeader {
  /** Four-character type, e.g. `moof`. */
  readonly type: string;
  /** Size of the whole box, header included. */
  readonly size: number;
  /** 8, or 16 with a largesize (the `uuid` extended type is counted as payload). */
  readonly headerSize: number;
}

/** Bytes needed to be sure a header can be read: 8, or 16 when the size field says 1. */
export const MIN_HEADER_BYTES = 8;
export const LARGE_HEADER_BYTES = 16;

const isPrintableType = (buf: Buffer, at: number): boolean => {
  for (let i = at; i < at + 4; i += 1) {
    const c = buf[i] ?? 0;
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
};

/**
 * Reads the header at `at`. Returns `undefined` when fewer than the needed bytes are
 * available before `end` (a streaming caller waits for more); throws `Mp4ParseError`
 * on a header that cannot be valid.
 */
export function readBoxHeader(buf: Buffer, at: number, end: number = buf.length): BoxHeader | undefined {
  if (end - at < MIN_HEADER_BYTES) return undefined;
  if (!isPrintableType(buf, at + 4)) {
    throw new Mp4ParseError('ERR_MP4_INVALID_BOX', `invalid box type 0x${buf.toString('hex', at + 4, at + 8)}`);
  }
  const type = buf.toString('latin1', at + 4, at + 8);
  const size32 = buf.readUInt32BE(at);
  if (size32 === 0) {
    // "Box extends to the end of the file": meaningless on a live stream that we cut.
    throw new Mp4ParseError('ERR_MP4_UNSUPPORTED', `${type}: size 0 (box to end of file) is not supported`, { boxType: type });
  }
  if (size32 !== 1) {
    if (size32 < MIN_HEADER_BYTES) {
      throw new Mp4ParseError('ERR_MP4_INVALID_BOX', `${type}: size ${size32} is smaller than its header`, { boxType: type });
    }
    return { type, size: size32, headerSize: MIN_HEADER_BYTES };
  }
  if (end - at < LARGE_HEADER_BYTES) return undefined;
  const large = buf.readBigUInt64BE(at + 8);
  if (large < BigInt(LARGE_HEADER_BYTES)) {
    throw new Mp4ParseError('ERR_MP4_INVALID_BOX', `${type}: largesize ${large} is smaller than its header`, { boxType: type });
  }
  if (large > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new Mp4ParseError('ERR_MP4_BOX_TOO_LARGE', `${type}: largesize ${large} is too large`, { boxType: type });
  }
  return { type, size: Number(large), headerSize: LARGE_HEADER_BYTES };
}

/** A child box inside a parent's payload. */
export interface ChildBox extends BoxHeader {
  /** Offset of the child's first header byte in the buffer. */
  readonly start: number;
  /** Offset of the first payload byte. */
  readonly payload: number;
  /** One past the child's last byte. */
  readonly end: number;
}

/** Every child box between `start` and `end` (a container's payload); refuses overruns. */
export function childBoxes(buf: Buffer, start: number, end: number, parent: string): ChildBox[] {
  const children: ChildBox[] = [];
  let at = start;
  while (at < end) {
    const header = readBoxHeader(buf, at, end);
    if (!header || at + header.size > end) {
      throw new Mp4ParseError('ERR_MP4_MALFORMED', `${parent}: child box at ${at - start} overruns its parent`, {
        boxType: parent,
      });
    }
    children.push({ ...header, start: at, payload: at + header.headerSize, end: at + header.size });
    at += header.size;
  }
  return children;
}

/** The first child of a given type, or undefined. */
export function findChild(children: readonly ChildBox[], type: string): ChildBox | undefined {
  return children.find((child) => child.type === type);
}
