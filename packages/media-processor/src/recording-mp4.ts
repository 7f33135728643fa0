/**
 * Just enough ISO-BMFF (MP4) reading for recordings: walking top-level boxes without loading
 * the file, and the movie duration from `moov/mvhd`. Pure functions over buffers, plus two
 * small readers over a file handle.
 */
import { open } from 'node:fs/promises';

export interface BoxHeader {
  type: string;
  /** offset of the box in its container */
  offset: number;
  /** whole box, header included; for a box that runs to the end (size 0), what is left */
  size: number;
  headerSize: number;
}

/**
 * The header of the box at `offset` of `buf` (which holds at least its first 16 bytes, or
 * what is left of the container), or undefined when it is truncated or malformed.
 * `remaining` is how many bytes the container has from `offset` on.
 */
export function parseBoxHeader(buf: Buffer, offset: number, remaining: number): BoxHeader | undefined {
  if (remaining < 8 || buf.length < offset + 8) return undefined;
  let size = buf.readUInt32BE(offset);
  const type = buf.toString('latin1', offset + 4, offset + 8);
  let headerSize = 8;
  if (size === 1) {
    if (remaining < 16 || buf.length < offset + 16) return undefined;
    const big = buf.readBigUInt64BE(offset + 8);
    if (big > BigInt(Number.MAX_SAFE_INTEGER)) return undefined;
    size = Number(big);
    headerSize = 16;
  } else if (size === 0) {
    size = remaining;
  }
  if (size < headerSize) return undefined;
  return { type, offset, size, headerSize };
}

/** The boxes of a container held in `buf` (a whole moov, say); stops at the first malformed one. */
export function childBoxes(buf: Buffer, start = 0, end = buf.length): BoxHeader[] {
  const boxes: BoxHeader[] = [];
  let offset = start;
  while (offset < end) {
    const box = parseBoxHeader(buf, offset, end - offset);
    if (!box || offset + box.size > end) break;
    boxes.push(box);
    offset += box.size;
  }
  return boxes;
}

/** Duration in seconds from an `mvhd` box's payload (after its 8-byte header). */
export function mvhdDurationSec(payload: Buffer): number | undefined {
  if (payload.length < 4) return undefined;
  const version = payload.readUInt8(0);
  if (version === 1) {
    if (payload.length < 32) return undefined;
    const timescale = payload.readUInt32BE(20);
    const duration = Number(payload.readBigUInt64BE(24));
    return timescale ? duration / timescale : undefined;
  }
  if (payload.length < 20) return undefined;
  const timescale = payload.readUInt32BE(12);
  const duration = payload.readUInt32BE(16);
  return timescale ? duration / timescale : undefined;
}

/** Duration in seconds of a movie whose whole `moov` box is in `moov` (header included). */
export function moovDurationSec(moov: Buffer): number | undefined {
  const header = parseBoxHeader(moov, 0, moov.length);
  if (!header || header.type !== 'moov') return undefined;
  const mvhd = childBoxes(moov, header.headerSize, Math.min(header.size, moov.length)).find((b) => b.type === 'mvhd');
  if (!mvhd) return undefined;
  return mvhdDurationSec(moov.subarray(mvhd.offset + mvhd.headerSize, mvhd.offset + mvhd.size));
}

/** The top-level boxes of a file, reading only their headers. A truncated last box is left out. */
export async function fileBoxes(path: string): Promise<BoxHeader[]> {
  const fh = await open(path, 'r');
  try {
    const { size: fileSize } = await fh.stat();
    const boxes: BoxHeader[] = [];
    const head = Buffer.alloc(16);
    let offset = 0;
    while (offset < fileSize) {
      const { bytesRead } = await fh.read(head, 0, 16, offset);
      const box = parseBoxHeader(head.subarray(0, bytesRead), 0, fileSize - offset);
      if (!box || offset + box.size > fileSize) break;
      boxes.push({ ...box, offset });
      offset += box.size;
    }
    return boxes;
  } finally {
    await fh.close();
  }
}

/** The movie duration of an MP4 file (from moov/mvhd), or undefined when it has none. */
export async function mp4DurationSec(path: string): Promise<number | undefined> {
  const moov = (await fileBoxes(path)).find((b) => b.type === 'moov');
  if (!moov) return undefined;
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(moov.size);
    await fh.read(buf, 0, moov.size, moov.offset);
    return moovDurationSec(buf);
  } finally {
    await fh.close();
  }
}
