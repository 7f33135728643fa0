import { describe, expect, it, test } from 'vitest';
import { Segmenter, type CutSegment, type SegmenterFragment } from './segmenter.js';

/** 'K1.0' = a 1.0 s fragment starting with a keyframe, 'P0.5' = a 0.5 s fragment without. */
const frag = (spec: string, startSec?: number): SegmenterFragment => ({
  boxes: [Buffer.from(spec)],
  byteLength: spec.length,
  durationSec: Number(spec.slice(1)),
  startsWithSync: spec.startsWith('K'),
  ...(startSec !== undefined ? { startSec } : {}),
});

function run(specs: string[], target = 2, maxDurationSec = 3.5): { segments: CutSegment[]; dropped: number } {
  const segmenter = new Segmenter({ targetDurationSec: target, maxDurationSec });
  const segments: CutSegment[] = [];
  let dropped = 0;
  for (const spec of specs) {
    const result = segmenter.push(frag(spec));
    if (result.cut) segments.push(result.cut);
    if (result.dropped) dropped += 1;
  }
  const last = segmenter.flush();
  if (last) segments.push(last);
  return { segments, dropped };
}

const durations = (segments: CutSegment[]) => segments.map((s) => Number(s.durationSec.toFixed(3)));

describe('Segmenter', () => {
  test.each([
    { name: '2 s GOPs → one GOP per segment', frags: ['K2', 'K2', 'K2', 'K1'], expected: [2, 2, 2, 1] },
    { name: 'jittery GOPs near 2 s still cut at each', frags: ['K1.9', 'K2.1', 'K1.93', 'K2.05'], expected: [1.9, 2.1, 1.93, 2.05] },
    { name: '1 s GOPs → 2 s segments', frags: ['K1', 'K1', 'K1', 'K1', 'K1'], expected: [2, 2, 1] },
    { name: '0.6 s GOPs → 1.8 s segments', frags: Array(7).fill('K0.6'), expected: [1.8, 1.8, 0.6] },
    { name: '1.5 s GOPs → 1.5 s segments (3 s would be further from 2)', frags: ['K1.5', 'K1.5', 'K1.5'], expected: [1.5, 1.5, 1.5] },
    { name: 'all-intra 0.2 s parts → ~2 s segments', frags: Array(20).fill('K0.2'), expected: [2, 2] },
    { name: 'parts without keyframes join the open segment', frags: ['K0.5', 'P0.5', 'P0.5', 'P0.5', 'K0.5', 'P0.5', 'P0.5', 'P0.5'], expected: [2, 2] },
    { name: 'a long GOP cannot be cut (decodability wins)', frags: ['K1', 'P1', 'P1', 'P1', 'P1', 'K1'], expected: [5, 1] },
    { name: 'a short GOP before a long one is cut rather than overflowing the maximum', frags: ['K0.4', 'K3.3', 'K2'], expected: [0.4, 3.3, 2] },
  ])('$name', ({ frags, expected }) => {
    const { segments } = run(frags);
    expect(durations(segments)).toEqual(expected);
    for (const s of segments) expect(s.keyframe).toBe(true);
  });

  it('drops leading fragments without a keyframe', () => {
    const { segments, dropped } = run(['P1', 'P1', 'K2', 'K2']);
    expect(dropped).toBe(2);
    expect(durations(segments)).toEqual([2, 2]);
  });

  it('keeps fragment bytes in order and counts them', () => {
    const { segments } = run(['K0.5', 'P0.5', 'P1', 'K2']);
    expect(segments[0]?.boxes.map(String)).toEqual(['K0.5', 'P0.5', 'P1']);
    expect(segments[0]).toMatchObject({ fragments: 3, bytes: 4 + 4 + 2 });
  });

  it('takes start times from tfdt, else accumulates durations', () => {
    const segmenter = new Segmenter({ targetDurationSec: 2, maxDurationSec: 3.5 });
    segmenter.push(frag('K2', 10));
    const a = segmenter.push(frag('K2'));
    const b = segmenter.push(frag('K2', 20));
    expect(a.cut?.startSec).toBe(10);
    expect(b.cut?.startSec).toBe(12);
    expect(segmenter.flush()?.startSec).toBe(20);
    expect(segmenter.flush()).toBeUndefined();
  });
});

describe('Segmenter with fragmentsEndAtKeyframes (one fragment per GOP)', () => {
  /** For each push, the durations of the segments it closed; then the flush. */
  function timeline(specs: string[], target = 2) {
    const segmenter = new Segmenter({ targetDurationSec: target, maxDurationSec: 3.5, fragmentsEndAtKeyframes: true });
    const pushes = specs.map((spec) => durations([...segmenter.push(frag(spec)).cuts]));
    const last = segmenter.flush();
    return { pushes, flushed: last ? Number(last.durationSec.toFixed(3)) : undefined };
  }

  test.each([
    // the same segments as without the option, each published as soon as its last fragment is in
    { name: '2 s GOPs: each published with its own fragment', frags: ['K2', 'K2', 'K2'], pushes: [[2], [2], [2]], flushed: undefined },
    { name: 'jitter near 2 s', frags: ['K1.9', 'K2.1', 'K1.93'], pushes: [[1.9], [2.1], [1.93]], flushed: undefined },
    { name: '1 s GOPs → 2 s segments, published at the second GOP', frags: ['K1', 'K1', 'K1', 'K1', 'K1'], pushes: [[], [2], [], [2], []], flushed: 1 },
    { name: '0.6 s GOPs → 1.8 s segments', frags: Array(6).fill('K0.6'), pushes: [[], [], [1.8], [], [], [1.8]], flushed: undefined },
    { name: 'a short GOP then a long one', frags: ['K0.4', 'K3.3', 'K2'], pushes: [[], [0.4, 3.3], [2]], flushed: undefined },
  ])('$name', ({ frags, pushes, flushed }) => {
    const t = timeline(frags);
    expect(t.pushes).toEqual(pushes);
    expect(t.flushed).toEqual(flushed);
  });

  it('agrees with the default mode on the segments themselves', () => {
    const specs = ['K1.9', 'K2.1', 'K1', 'K1', 'K0.6', 'K0.6', 'K0.6', 'K2'];
    const eager = new Segmenter({ targetDurationSec: 2, maxDurationSec: 3.5, fragmentsEndAtKeyframes: true });
    const cut = specs.flatMap((s) => durations([...eager.push(frag(s)).cuts]));
    const rest = eager.flush();
    expect([...cut, ...(rest ? durations([rest]) : [])]).toEqual(durations(run(specs).segments));
  });
});
