import { describe, expect, it, test } from 'vitest';
import { Mp4ParseError } from '../errors.js';
import { AUDIO, VIDEO, avFragment, avStream, box, ftyp, mdat, moof, moov } from '../test-support/mp4-builder.js';
import { FragmentedStream, type StreamItem } from './fragmented-stream.js';

const kinds = (items: StreamItem[]) => items.map((item) => (item.kind === 'init' ? 'init' : `fragment:${item.summary.sequenceNumber}`));

const parseError = (fn: () => unknown): Mp4ParseError => {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(Mp4ParseError);
    return error as Mp4ParseError;
  }
  throw new Error('expected an Mp4ParseError');
};

describe('FragmentedStream', () => {
  it('yields the init section then one item per moof+mdat, skipping styp/sidx/free/mfra', () => {
    const init = Buffer.concat([ftyp(), box('free'), moov([VIDEO, AUDIO])]);
    const bytes = Buffer.concat([init, box('styp'), box('sidx', Buffer.alloc(12)), avFragment(1, 0, 20), avFragment(2, 2000, 20), box('mfra', Buffer.alloc(8))]);
    const stream = new FragmentedStream();
    const items = stream.push(bytes);
    expect(kinds(items)).toEqual(['init', 'fragment:1', 'fragment:2']);
    const first = items[0];
    expect(first?.kind === 'init' && Buffer.concat(first.boxes).equals(Buffer.concat([ftyp(), moov([VIDEO, AUDIO])]))).toBe(true);
    const second = items[2];
    expect(second?.kind === 'fragment' && Buffer.concat(second.boxes).equals(avFragment(2, 2000, 20))).toBe(true);
    expect(second?.kind === 'fragment' && second.summary).toMatchObject({ durationSec: 2, startSec: 2, startsWithSync: true });
    expect(stream.end()).toEqual({ droppedBytes: 0 });
  });

  test.each([
    { where: 'inside the moof', into: (moofSize: number) => moofSize - 20, type: 'moof' },
    { where: 'inside the mdat header', into: (moofSize: number) => moofSize + 5, type: 'moof' },
    { where: 'inside the mdat', into: (moofSize: number) => moofSize + 50, type: 'mdat' },
  ])('drops the whole last fragment when the stream ends $where', ({ into, type }) => {
    const bytes = avStream([20, 20]);
    const moofAt = bytes.indexOf(Buffer.from('moof'), bytes.indexOf(Buffer.from('mdat')) + 4) - 4;
    const cutAt = moofAt + into(bytes.readUInt32BE(moofAt));
    const stream = new FragmentedStream();
    expect(kinds(stream.push(bytes.subarray(0, cutAt)))).toEqual(['init', 'fragment:1']);
    expect(stream.end()).toEqual({ droppedBytes: cutAt - moofAt, droppedType: type });
  });

  it('drops a complete moof whose mdat never started', () => {
    const head = Buffer.concat([ftyp(), moov([VIDEO]), moof(1, [{ trackId: 1, runs: [{ samples: [{ size: 1 }] }] }])]);
    const stream = new FragmentedStream();
    stream.push(head);
    expect(stream.end()).toEqual({ droppedBytes: head.length - ftyp().length - moov([VIDEO]).length, droppedType: 'moof' });
  });

  test.each([
    { name: 'moov first', bytes: Buffer.concat([moov([VIDEO]), ftyp()]), code: 'ERR_MP4_UNEXPECTED_BOX', type: 'moov' },
    { name: 'moof before moov', bytes: Buffer.concat([ftyp(), avFragment(1, 0, 5)]), code: 'ERR_MP4_UNEXPECTED_BOX', type: 'moof' },
    { name: 'mdat without moof', bytes: Buffer.concat([ftyp(), moov([VIDEO]), mdat(4)]), code: 'ERR_MP4_UNEXPECTED_BOX', type: 'mdat' },
    { name: 'two moofs in a row', bytes: Buffer.concat([ftyp(), moov([VIDEO]), moof(1, []), moof(2, [])]), code: 'ERR_MP4_UNEXPECTED_BOX', type: 'moof' },
    { name: 'a second moov', bytes: Buffer.concat([ftyp(), moov([VIDEO]), moov([VIDEO])]), code: 'ERR_MP4_UNEXPECTED_BOX', type: 'moov' },
    { name: 'a non-fragmented moov', bytes: Buffer.concat([ftyp(), moov([VIDEO], { mvex: false })]), code: 'ERR_MP4_UNSUPPORTED', type: 'moov' },
    { name: 'an absolute base-data-offset', bytes: Buffer.concat([ftyp(), moov([VIDEO]), moof(1, [{ trackId: 1, baseDataOffset: 0, runs: [] }])]), code: 'ERR_MP4_UNSUPPORTED', type: 'tfhd' },
    { name: 'a malformed moof', bytes: Buffer.concat([ftyp(), moov([VIDEO]), box('moof', box('traf'))]), code: 'ERR_MP4_MALFORMED', type: 'moof' },
  ])('refuses $name ($code)', ({ bytes, code, type }) => {
    const error = parseError(() => new FragmentedStream().push(bytes));
    expect(error.code).toBe(code);
    expect(error.context.boxType).toBe(type);
    expect(error.context.offset).toEqual(expect.any(Number));
  });
});
