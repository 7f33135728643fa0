import { describe, expect, it, test } from 'vitest';
import { Mp4ParseError } from '../errors.js';
import { box, largeBox, u32, u64 } from '../test-support/mp4-builder.js';
import { BoxSplitter, type Mp4Box } from './box-splitter.js';

const stream = Buffer.concat([
  box('ftyp', Buffer.from('isom')),
  box('free'),
  box('moov', Buffer.alloc(20, 1)),
  box('styp', Buffer.from('msdh')),
  box('sidx', Buffer.alloc(24, 2)),
  largeBox('moof', Buffer.alloc(5, 3)),
  box('mdat', Buffer.alloc(33, 4)),
  largeBox('free', Buffer.alloc(3)),
  box('uuid', Buffer.alloc(16, 5)),
  box('mdat'),
]);

const summary = (boxes: Mp4Box[]) => boxes.map((b) => `${b.type}@${b.offset}/${b.size}/${b.headerSize}`);

function splitAll(chunks: Buffer[]): { boxes: Mp4Box[]; splitter: BoxSplitter } {
  const splitter = new BoxSplitter();
  const boxes = chunks.flatMap((chunk) => splitter.push(chunk));
  return { boxes, splitter };
}

const expected = splitAll([stream]).boxes;

function catchParse(fn: () => unknown): Mp4ParseError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(Mp4ParseError);
    return error as Mp4ParseError;
  }
  throw new Error('expected an Mp4ParseError');
}

describe('BoxSplitter', () => {
  it('returns ftyp, moov, moof, mdat whole (largesize included) and skips the rest', () => {
    expect(summary(expected)).toEqual(['ftyp@0/12/8', 'moov@20/28/8', 'moof@92/21/16', 'mdat@113/41/8', 'mdat@197/8/8']);
    for (const b of expected) expect(b.bytes.length).toBe(b.size);
    expect(expected[2]?.bytes.subarray(16).equals(Buffer.alloc(5, 3))).toBe(true);
    expect(expected[3]?.bytes.subarray(8).equals(Buffer.alloc(33, 4))).toBe(true);
  });

  it('gives the same boxes for a split at every byte', () => {
    for (let at = 0; at <= stream.length; at += 1) {
      const { boxes, splitter } = splitAll([stream.subarray(0, at), stream.subarray(at)]);
      expect(summary(boxes), `split at ${at}`).toEqual(summary(expected));
      expect(boxes.map((b) => b.bytes.toString('hex'))).toEqual(expected.map((b) => b.bytes.toString('hex')));
      expect(splitter.end()).toEqual({ droppedBytes: 0 });
    }
  });

  it('gives the same boxes for splits at every pair of bytes', () => {
    for (let a = 0; a <= stream.length; a += 7) {
      for (let b = a; b <= stream.length; b += 1) {
        const { boxes } = splitAll([stream.subarray(0, a), stream.subarray(a, b), stream.subarray(b)]);
        expect(summary(boxes), `split at ${a}, ${b}`).toEqual(summary(expected));
      }
    }
  });

  it('handles one-byte chunks', () => {
    const chunks = [...stream].map((byte) => Buffer.from([byte]));
    expect(summary(splitAll(chunks).boxes)).toEqual(summary(expected));
  });

  it('copies box bytes, so callers may reuse their chunk buffers', () => {
    const copy = Buffer.from(stream);
    const { boxes } = splitAll([copy]);
    copy.fill(0);
    expect(boxes.map((b) => b.bytes.toString('hex'))).toEqual(expected.map((b) => b.bytes.toString('hex')));
  });

  test.each([
    { cut: 0, dropped: 0, type: undefined },
    { cut: 5, dropped: 5, type: undefined },
    { cut: 12 + 3, dropped: 3, type: undefined }, // inside the skipped free box's header
    { cut: 12 + 8 + 10, dropped: 10, type: 'moov' },
    { cut: 60 + 10, dropped: 10, type: 'sidx' },
    { cut: 92 + 9, dropped: 9, type: undefined }, // largesize header not complete yet
    { cut: 92 + 18, dropped: 18, type: 'moof' },
    { cut: 113 + 40, dropped: 40, type: 'mdat' },
    { cut: 154 + 17, dropped: 17, type: 'free' }, // skipped box with a largesize
    { cut: 173 + 10, dropped: 10, type: 'uuid' },
  ])('end() after $cut bytes drops the incomplete $type box ($dropped bytes)', ({ cut, dropped, type }) => {
    const splitter = new BoxSplitter();
    splitter.push(stream.subarray(0, cut));
    expect(splitter.pendingBytes).toBe(dropped);
    expect(splitter.end()).toEqual(type === undefined ? { droppedBytes: dropped } : { droppedBytes: dropped, droppedType: type });
  });

  test.each([
    { name: 'a non-printable type', bytes: Buffer.concat([u32(16), Buffer.from([0, 1, 2, 3]), Buffer.alloc(8)]), code: 'ERR_MP4_INVALID_BOX' },
    { name: 'random bytes', bytes: Buffer.from('8f3a0c11e2d94b7700ff', 'hex'), code: 'ERR_MP4_INVALID_BOX' },
    { name: 'text', bytes: Buffer.from('<html><body>hello</body></html>'), code: 'ERR_MP4_BOX_TOO_LARGE' },
    { name: 'size 7', bytes: Buffer.concat([u32(7), Buffer.from('free')]), code: 'ERR_MP4_INVALID_BOX' },
    { name: 'size 0 (to end of file)', bytes: Buffer.concat([u32(0), Buffer.from('mdat')]), code: 'ERR_MP4_UNSUPPORTED' },
    { name: 'largesize 15', bytes: Buffer.concat([u32(1), Buffer.from('mdat'), u64(15)]), code: 'ERR_MP4_INVALID_BOX' },
    { name: 'largesize 2^60', bytes: Buffer.concat([u32(1), Buffer.from('mdat'), u64(2n ** 60n)]), code: 'ERR_MP4_BOX_TOO_LARGE' },
    { name: 'a box above maxBoxSize', bytes: Buffer.concat([u32(65 * 1024 * 1024), Buffer.from('mdat')]), code: 'ERR_MP4_BOX_TOO_LARGE' },
    { name: 'a skipped box above maxBoxSize', bytes: Buffer.concat([u32(0x7fffffff), Buffer.from('free')]), code: 'ERR_MP4_BOX_TOO_LARGE' },
  ])('refuses $name with $code, at the right offset', ({ bytes, code }) => {
    const splitter = new BoxSplitter();
    const prefix = box('ftyp', Buffer.from('isom'));
    const error = catchParse(() => splitter.push(Buffer.concat([prefix, bytes])));
    expect(error.code).toBe(code);
    expect(error.context.offset).toBe(prefix.length);
    // The failure is final: the stream has lost its framing.
    expect(catchParse(() => splitter.push(box('moov'))).code).toBe(code);
  });

  it('honours a custom maxBoxSize and kept types', () => {
    const splitter = new BoxSplitter({ maxBoxSize: 100, keep: ['free'] });
    expect(summary(splitter.push(Buffer.concat([box('ftyp'), box('free', Buffer.alloc(4))])))).toEqual(['free@8/12/8']);
    expect(catchParse(() => splitter.push(box('mdat', Buffer.alloc(100)))).code).toBe('ERR_MP4_BOX_TOO_LARGE');
  });

  it('counts bytes received', () => {
    const splitter = new BoxSplitter();
    splitter.push(stream.subarray(0, 50));
    expect(splitter.bytesReceived).toBe(50);
    splitter.push(stream.subarray(50));
    expect(splitter.bytesReceived).toBe(stream.length);
  });
});
