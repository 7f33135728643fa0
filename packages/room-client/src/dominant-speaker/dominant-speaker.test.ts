import { describe, expect, test } from 'vitest';
import type { DominantSpeakerState } from './dominant-speaker.js';
import { decideDominantSpeaker, initialDominantSpeakerState, loudest } from './dominant-speaker.js';

const config = { threshold: 0.02, holdMs: 1000 };
const levels = (entries: Record<string, number>) => new Map(Object.entries(entries));

/** Feeds samples 500 ms apart and returns the dominant speaker after each. */
function run(samples: Array<Record<string, number>>, start: DominantSpeakerState = initialDominantSpeakerState) {
  let state = start;
  return samples.map((sample, i) => {
    state = decideDominantSpeaker(state, levels(sample), i * 500, config);
    return state.current;
  });
}

describe('loudest', () => {
  test.each([
    [{}, null, null],
    [{ A: 0.01, B: 0.02 }, null, null],
    [{ A: 0.3, B: 0.1 }, null, 'A'],
    [{ A: 0.1, B: 0.3 }, 'A', 'B'],
    [{ A: 0.2, B: 0.2 }, 'B', 'B'],
    [{ A: Number.NaN, B: 0.05 }, null, 'B'],
  ] as const)('%j (current %s) → %s', (sample, current, expected) => {
    expect(loudest(levels(sample), 0.02, current)).toBe(expected);
  });
});

describe('decideDominantSpeaker', () => {
  test('a speaker becomes dominant after being loudest for 1 s', () => {
    expect(run([{ A: 0.3, B: 0 }, { A: 0.3, B: 0 }, { A: 0.3, B: 0 }])).toEqual([null, null, 'A']);
  });

  test('a short burst (< 1 s) does not take over', () => {
    const start = { current: 'A', candidate: null, candidateSince: 0 };
    expect(run([{ A: 0.01, B: 0.5 }, { A: 0.01, B: 0.5 }, { A: 0.3, B: 0 }, { A: 0, B: 0.5 }], start)).toEqual([
      'A',
      'A',
      'A',
      'A',
    ]);
  });

  test('the hold restarts when the loudest changes', () => {
    expect(run([{ A: 0.3 , B: 0.1 }, { A: 0.1, B: 0.3 }, { A: 0.1, B: 0.3 }, { A: 0.1, B: 0.3 }])).toEqual([
      null,
      null,
      null,
      'B',
    ]);
  });

  test('silence keeps the current speaker and resets the candidate', () => {
    const start = { current: 'A', candidate: 'B', candidateSince: 0 };
    const next = decideDominantSpeaker(start, levels({ A: 0, B: 0.01 }), 500, config);
    expect(next).toEqual({ current: 'A', candidate: null, candidateSince: 0 });
  });

  test('a dominant speaker that is no longer sampled is dropped', () => {
    const start = { current: 'A', candidate: null, candidateSince: 0 };
    expect(decideDominantSpeaker(start, levels({ B: 0 }), 500, config).current).toBeNull();
  });

  test('the current speaker staying loudest keeps the state stable', () => {
    const start = { current: 'A', candidate: null, candidateSince: 0 };
    expect(decideDominantSpeaker(start, levels({ A: 0.4, B: 0.2 }), 500, config)).toEqual(start);
  });
});
