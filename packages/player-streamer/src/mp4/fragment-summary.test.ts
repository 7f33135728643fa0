import { describe, expect, it, test } from 'vitest';
import { Mp4ParseError } from '../errors.js';
import { AUDIO, NON_SYNC, SYNC, VIDEO, moof, moov } from '../test-support/mp4-builder.js';
import { resolveSamples, summarizeFragment } from './fragment-summary.js';
import { parseMoof } from './moof.js';
import { parseMoov } from './moov.js';
import { decodeSampleFlags, encodeSampleFlags, isSyncSample } from './sample-flags.js';

const trex = { sampleDescriptionIndex: 1, sampleDuration: 40, sampleSize: 4, sampleFlags: NON_SYNC };
const movie = parseMoov(moov([{ ...VIDEO, trex }, AUDIO]));
const video = movie.tracks.get(1)!;

describe('sample flags', () => {
  test.each([
    { flags: SYNC, sync: true, dependsOn: 2, nonSync: false },
    { flags: NON_SYNC, sync: false, dependsOn: 1, nonSync: true },
    { flags: 0, sync: true, dependsOn: 0, nonSync: false }, // unknown dependency, not marked non-sync
    { flags: 0x00010000, sync: false, dependsOn: 0, nonSync: true },
    { flags: 0x01000000, sync: false, dependsOn: 1, nonSync: false }, // depends on others: not a keyframe
    { flags: 0x02010000, sync: false, dependsOn: 2, nonSync: true }, // the non-sync bit is authoritative
  ])('0x$flags.toString(16) → sync $sync', ({ flags, sync, dependsOn, nonSync }) => {
    expect(isSyncSample(flags)).toBe(sync);
    expect(decodeSampleFlags(flags)).toMatchObject({ dependsOn, isNonSync: nonSync });
  });

  it('round-trips every field', () => {
    const fields = { isLeading: 2, dependsOn: 1, isDependedOn: 2, hasRedundancy: 1, paddingValue: 5, isNonSync: true, degradationPriority: 0xbeef };
    expect(decodeSampleFlags(encodeSampleFlags(fields))).toEqual(fields);
  });
});

describe('resolveSamples: defaults chain trun → first-sample-flags → tfhd → trex', () => {
  test.each([
    { name: 'trex only', traf: { runs: [{ samples: [{}, {}], sampleFields: [] as never[] }] }, durations: [40, 40], sizes: [4, 4], flags: [NON_SYNC, NON_SYNC] },
    { name: 'tfhd over trex', traf: { defaultSampleDuration: 33, defaultSampleSize: 7, defaultSampleFlags: SYNC, runs: [{ samples: [{}, {}], sampleFields: [] as never[] }] }, durations: [33, 33], sizes: [7, 7], flags: [SYNC, SYNC] },
    { name: 'first-sample-flags over tfhd for sample 0 only', traf: { defaultSampleFlags: NON_SYNC, runs: [{ firstSampleFlags: SYNC, samples: [{ size: 1 }, { size: 2 }] }] }, durations: [40, 40], sizes: [1, 2], flags: [SYNC, NON_SYNC] },
    { name: 'per-sample over everything', traf: { defaultSampleDuration: 33, defaultSampleFlags: SYNC, runs: [{ firstSampleFlags: SYNC, samples: [{ duration: 10, flags: NON_SYNC }, { duration: 20, flags: SYNC }] }] }, durations: [10, 20], sizes: [4, 4], flags: [NON_SYNC, SYNC] },
    { name: 'first-sample-flags per run', traf: { runs: [{ firstSampleFlags: SYNC, samples: [{ size: 1 }] }, { firstSampleFlags: SYNC, samples: [{ size: 1 }, { size: 1 }] }] }, durations: [40, 40, 40], sizes: [1, 1, 1], flags: [SYNC, SYNC, NON_SYNC] },
  ])('$name', ({ traf, durations, sizes, flags }) => {
    const [parsed] = parseMoof(moof(1, [{ trackId: 1, ...traf }])).trafs;
    const samples = resolveSamples(parsed!, video);
    expect(samples.map((s) => s.duration)).toEqual(durations);
    expect(samples.map((s) => s.size)).toEqual(sizes);
    expect(samples.map((s) => s.flags)).toEqual(flags);
  });
});

describe('summarizeFragment', () => {
  it('derives video duration, start and keyframe from the video track, whatever the traf order', () => {
    const fragment = parseMoof(
      moof(4, [
        { trackId: 2, defaultSampleDuration: 1024, tfdt: { version: 1, value: 96000 }, runs: [{ samples: [{ size: 4 }, { size: 4 }] }] },
        { trackId: 1, defaultSampleDuration: 100, tfdt: { version: 0, value: 2000 }, runs: [{ firstSampleFlags: SYNC, samples: Array.from({ length: 20 }, () => ({ size: 10 })) }] },
      ]),
    );
    const summary = summarizeFragment(fragment, movie);
    expect(summary).toMatchObject({ sequenceNumber: 4, primaryTrackId: 1, durationSec: 2, startSec: 2, startsWithSync: true, hasAbsoluteOffsets: false });
    expect(summary.tracks).toEqual([
      { trackId: 2, kind: 'audio', timescale: 48000, baseMediaDecodeTime: 96000, sampleCount: 2, durationTicks: 2048, dataBytes: 8, firstSampleIsSync: true },
      { trackId: 1, kind: 'video', timescale: 1000, baseMediaDecodeTime: 2000, sampleCount: 20, durationTicks: 2000, dataBytes: 200, firstSampleIsSync: true },
    ]);
  });

  it('says a fragment whose first video sample is not a keyframe does not start with sync', () => {
    const fragment = parseMoof(moof(1, [{ trackId: 1, runs: [{ samples: [{ flags: NON_SYNC }, { flags: SYNC }] }] }]));
    expect(summarizeFragment(fragment, movie)).toMatchObject({ startsWithSync: false, durationSec: 0.08 });
  });

  it('gives duration 0 and no keyframe when the video track has no samples in the fragment', () => {
    const fragment = parseMoof(moof(1, [{ trackId: 2, defaultSampleDuration: 1024, runs: [{ samples: [{ size: 1 }] }] }]));
    const summary = summarizeFragment(fragment, movie);
    expect(summary).toMatchObject({ durationSec: 0, startsWithSync: false });
    expect(summary.startSec).toBeUndefined();
  });

  it('flags absolute base-data-offsets', () => {
    const fragment = parseMoof(moof(1, [{ trackId: 1, baseDataOffset: 1000, runs: [{ samples: [{ size: 1 }] }] }]));
    expect(summarizeFragment(fragment, movie).hasAbsoluteOffsets).toBe(true);
  });

  it('refuses a traf for a track moov does not declare', () => {
    const fragment = parseMoof(moof(1, [{ trackId: 9, runs: [] }]));
    expect(() => summarizeFragment(fragment, movie)).toThrow(Mp4ParseError);
  });
});
