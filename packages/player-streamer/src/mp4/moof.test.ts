import { describe, expect, it, test } from 'vitest';
import { Mp4ParseError } from '../errors.js';
import { box, fullBox, moof, traf, u32, u64, type RunSpec, type SampleSpec, type TrafSpec } from '../test-support/mp4-builder.js';
import { TFHD, TRUN, parseMoof } from './moof.js';

const parseError = (fn: () => unknown): Mp4ParseError => {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(Mp4ParseError);
    return error as Mp4ParseError;
  }
  throw new Error('expected an Mp4ParseError');
};

/** Every subset of a list (2^n). */
const subsets = <T>(items: readonly T[]): T[][] =>
  items.reduce<T[][]>((all, item) => all.concat(all.map((set) => [...set, item])), [[]]);

const tfhdFields = ['baseDataOffset', 'sampleDescriptionIndex', 'defaultSampleDuration', 'defaultSampleSize', 'defaultSampleFlags'] as const;
const tfhdValues = { baseDataOffset: 2 ** 40 + 7, sampleDescriptionIndex: 2, defaultSampleDuration: 512, defaultSampleSize: 1234, defaultSampleFlags: 0x01010000 };
const tfhdFlagOf = { baseDataOffset: TFHD.BASE_DATA_OFFSET, sampleDescriptionIndex: TFHD.SAMPLE_DESCRIPTION_INDEX, defaultSampleDuration: TFHD.DEFAULT_SAMPLE_DURATION, defaultSampleSize: TFHD.DEFAULT_SAMPLE_SIZE, defaultSampleFlags: TFHD.DEFAULT_SAMPLE_FLAGS };

const tfhdCases = subsets(tfhdFields).flatMap((fields) =>
  [false, true].map((moofBase) => ({ fields, moofBase, label: `${fields.join('+') || 'none'}${moofBase ? ' +default-base-is-moof' : ''}` })),
);

describe('parseMoof: tfhd', () => {
  test.each(tfhdCases)('tfhd with $label', ({ fields, moofBase }) => {
    const spec: TrafSpec = {
      trackId: 7,
      ...Object.fromEntries(fields.map((f) => [f, tfhdValues[f]])),
      defaultBaseIsMoof: moofBase,
      durationIsEmpty: fields.length === 5,
      runs: [],
    };
    const [parsed] = parseMoof(moof(3, [spec])).trafs;
    const expectedFlags = fields.reduce((flags, f) => flags | tfhdFlagOf[f], 0) | (moofBase ? TFHD.DEFAULT_BASE_IS_MOOF : 0) | (fields.length === 5 ? TFHD.DURATION_IS_EMPTY : 0);
    expect(parsed?.header).toEqual({
      trackId: 7,
      flags: expectedFlags,
      ...Object.fromEntries(fields.map((f) => [f, tfhdValues[f]])),
      durationIsEmpty: fields.length === 5,
      defaultBaseIsMoof: moofBase,
    });
  });

  it('refuses a tfhd shorter than its flags say', () => {
    const bad = box('moof', fullBox('mfhd', 0, 0, u32(1)), box('traf', fullBox('tfhd', 0, TFHD.DEFAULT_SAMPLE_SIZE | TFHD.DEFAULT_SAMPLE_FLAGS, u32(1), u32(5))));
    expect(parseError(() => parseMoof(bad))).toMatchObject({ code: 'ERR_MP4_MALFORMED', context: { boxType: 'tfhd' } });
  });
});

describe('parseMoof: tfdt', () => {
  test.each([
    { version: 0 as const, value: 0 },
    { version: 0 as const, value: 0xffffffff },
    { version: 1 as const, value: 0 },
    { version: 1 as const, value: 2 ** 33 + 5 },
    { version: 1 as const, value: Number.MAX_SAFE_INTEGER },
  ])('v$version baseMediaDecodeTime $value', ({ version, value }) => {
    const [parsed] = parseMoof(moof(1, [{ trackId: 1, tfdt: { version, value }, runs: [] }])).trafs;
    expect(parsed?.baseMediaDecodeTime).toBe(value);
  });

  it('leaves baseMediaDecodeTime undefined without tfdt', () => {
    expect(parseMoof(moof(1, [{ trackId: 1, runs: [] }])).trafs[0]?.baseMediaDecodeTime).toBeUndefined();
  });

  it('refuses a v1 time above 2^53 as unsupported', () => {
    const error = parseError(() => parseMoof(moof(1, [{ trackId: 1, tfdt: { version: 1, value: 2n ** 60n }, runs: [] }])));
    expect(error.code).toBe('ERR_MP4_UNSUPPORTED');
  });
});

const sampleFields = ['duration', 'size', 'flags', 'cto'] as const;
const trunCases = subsets(['dataOffset', 'firstSampleFlags', ...sampleFields] as const).flatMap((fields) =>
  [0, 1].map((version) => ({ fields, version: version as 0 | 1, label: `v${version} ${fields.join('+') || 'none'}` })),
);

describe('parseMoof: trun', () => {
  test.each(trunCases)('trun $label', ({ fields, version }) => {
    const has = (f: string) => (fields as readonly string[]).includes(f);
    const samples: SampleSpec[] = [0, 1, 2].map((i) => ({
      ...(has('duration') ? { duration: 100 + i } : {}),
      ...(has('size') ? { size: 1000 + i } : {}),
      ...(has('flags') ? { flags: i === 0 ? 0x02000000 : 0x01010000 } : {}),
      ...(has('cto') ? { cto: version === 1 ? 5 - i * 10 : i * 10 } : {}),
    }));
    const run: RunSpec = {
      version,
      ...(has('dataOffset') ? { dataOffset: -8 } : {}),
      ...(has('firstSampleFlags') ? { firstSampleFlags: 0x02000000 } : {}),
      samples,
      sampleFields: sampleFields.filter(has),
    };
    const [parsedRun] = parseMoof(moof(1, [{ trackId: 1, runs: [run] }])).trafs[0]?.runs ?? [];
    const flagOf = { dataOffset: TRUN.DATA_OFFSET, firstSampleFlags: TRUN.FIRST_SAMPLE_FLAGS, duration: TRUN.SAMPLE_DURATION, size: TRUN.SAMPLE_SIZE, flags: TRUN.SAMPLE_FLAGS, cto: TRUN.SAMPLE_COMPOSITION_TIME_OFFSET };
    expect(parsedRun).toEqual({
      version,
      flags: fields.reduce((flags, f) => flags | flagOf[f], 0),
      sampleCount: 3,
      ...(has('dataOffset') ? { dataOffset: -8 } : {}),
      ...(has('firstSampleFlags') ? { firstSampleFlags: 0x02000000 } : {}),
      samples: samples.map((s) => ({
        ...(s.duration !== undefined ? { duration: s.duration } : {}),
        ...(s.size !== undefined ? { size: s.size } : {}),
        ...(s.flags !== undefined ? { flags: s.flags } : {}),
        ...(s.cto !== undefined ? { compositionTimeOffset: s.cto } : {}),
      })),
    });
  });

  it('reads several runs and trafs in order', () => {
    const parsed = parseMoof(
      moof(9, [
        { trackId: 1, runs: [{ samples: [{ size: 1 }] }, { samples: [{ size: 2 }, { size: 3 }] }] },
        { trackId: 2, runs: [{ samples: [{ duration: 1024 }] }] },
      ]),
    );
    expect(parsed.sequenceNumber).toBe(9);
    expect(parsed.trafs.map((t) => t.header.trackId)).toEqual([1, 2]);
    expect(parsed.trafs[0]?.runs.map((r) => r.sampleCount)).toEqual([1, 2]);
  });

  it('refuses a sample_count larger than the box before allocating', () => {
    const bad = box('moof', fullBox('mfhd', 0, 0, u32(1)), box('traf', fullBox('tfhd', 0, 0, u32(1)), fullBox('trun', 0, TRUN.SAMPLE_SIZE, u32(0xffffffff), u32(1))));
    expect(parseError(() => parseMoof(bad))).toMatchObject({ code: 'ERR_MP4_MALFORMED', context: { boxType: 'trun' } });
  });
});

describe('parseMoof: structure', () => {
  test.each([
    { name: 'no mfhd', bytes: box('moof', traf({ trackId: 1, runs: [] })), code: 'ERR_MP4_MALFORMED' },
    { name: 'a traf without tfhd', bytes: box('moof', fullBox('mfhd', 0, 0, u32(1)), box('traf', fullBox('tfdt', 0, 0, u32(0)))), code: 'ERR_MP4_MALFORMED' },
    { name: 'a child overrunning its parent', bytes: box('moof', fullBox('mfhd', 0, 0, u32(1)), u32(100), Buffer.from('traf')), code: 'ERR_MP4_MALFORMED' },
    { name: 'a garbage child type', bytes: box('moof', fullBox('mfhd', 0, 0, u32(1)), u32(8), Buffer.from([1, 2, 3, 4])), code: 'ERR_MP4_INVALID_BOX' },
    { name: 'a non-moof box', bytes: box('moov', u64(1)), code: 'ERR_MP4_MALFORMED' },
  ])('refuses $name with $code', ({ bytes, code }) => {
    expect(parseError(() => parseMoof(bytes)).code).toBe(code);
  });
});
