import { describe, expect, test } from 'vitest';
import { hasPlayedToEnd, type StreamEndInput } from './stream-end.js';

const atEnd: StreamEndInput = { live: false, paused: false, stuckMs: 2_500, bufferAhead: 0.04, position: 41.9, playlistEnd: 42 };

describe('hasPlayedToEnd', () => {
  test.each<[string, Partial<StreamEndInput>, boolean]>([
    ['stuck at the end of an ended playlist', {}, true],
    ['stuck a frame short of the end', { position: 41.2, bufferAhead: 0 }, true],
    ['still live', { live: true }, false],
    ['paused by the viewer', { paused: true }, false],
    ['still moving', { stuckMs: 500 }, false],
    ['media buffered ahead', { bufferAhead: 1.2 }, false],
    ['stuck mid-stream waiting for the rest', { position: 30, bufferAhead: 0.1 }, false],
    ['stuck mid-stream for 15 s: the rest cannot be loaded', { position: 30, bufferAhead: 0.1, stuckMs: 15_000 }, true],
    ['end of the playlist unknown', { playlistEnd: null }, false],
    ['end of the playlist unknown, stuck for 15 s', { playlistEnd: null, stuckMs: 16_000 }, true],
  ])('%s → %s', (_name, change, expected) => {
    expect(hasPlayedToEnd({ ...atEnd, ...change })).toBe(expected);
  });
});
