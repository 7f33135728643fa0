import { mediaDefaults } from '../defaults.js';
import { describe, expect, test } from 'vitest';
import { streamPackaging } from './stream-packaging.js';

describe('streamPackaging', () => {
  test('low latency: 1 s segments, 200 ms parts declared with one frame of overshoot', () => {
    expect(streamPackaging('low', mediaDefaults)).toEqual({ targetDurationSec: 1, windowSegments: 8, partTargetSec: 0.234 });
  });

  test('standard: 2 s segments of 1 s keyframe intervals, no parts, the same seconds in the window', () => {
    expect(streamPackaging('standard', mediaDefaults)).toEqual({ targetDurationSec: 2, windowSegments: 4, fragmentsEndAtKeyframes: false });
  });

  test('without parts from ffmpeg, low latency falls back to whole-GOP fragments', () => {
    expect(streamPackaging('low', { ...mediaDefaults, partSeconds: 0 })).toEqual({ targetDurationSec: 1, windowSegments: 8, fragmentsEndAtKeyframes: true });
  });

  test('at 25 fps a frame is 40 ms', () => {
    expect(streamPackaging('low', { ...mediaDefaults, frameRate: 25 }).partTargetSec).toBe(0.24);
  });
});
