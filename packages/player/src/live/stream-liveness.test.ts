import { describe, expect, test } from 'vitest';
import { judgeLiveness, type LivenessInput } from './stream-liveness.js';

const waiting: LivenessInput = { live: true, paused: false, waitingForMs: 500, sinceAnsweredMs: 300, sinceAdvancedMs: 300, lastRequestFailed: false };
/** the server gone: requests fail without an answer */
const unreachable = { waitingForMs: 6_500, sinceAnsweredMs: 7_500, sinceAdvancedMs: 7_500, lastRequestFailed: true };
/** the server answers (a held reload timed out with 503), the playlist has not grown */
const stopped = { waitingForMs: 7_000, sinceAnsweredMs: 500, sinceAdvancedMs: 7_500 };

describe('judgeLiveness', () => {
  test.each<[string, Partial<LivenessInput>, string]>([
    ['playing', { ...unreachable, waitingForMs: null }, 'alive'],
    ['waiting briefly, reloads answer and the playlist grows', {}, 'alive'],
    ['a network blip: waiting 5 s, requests failing', { ...unreachable, waitingForMs: 5_000 }, 'alive'],
    ['waiting 6.5 s, requests failing without an answer', unreachable, 'unreachable'],
    ['waiting 20 s, a request pending (queued behind others), none failed', { ...unreachable, waitingForMs: 20_000, lastRequestFailed: false }, 'alive'],
    ['a composer restart: waiting 2 s for the playlist to grow', { ...stopped, waitingForMs: 2_000 }, 'alive'],
    ['waiting 7 s, answered, but the playlist has not grown', stopped, 'stopped'],
    ['waiting 7 s, not answered since the playlist last grew', { ...stopped, sinceAnsweredMs: 7_500 }, 'alive'],
    ['waiting long, but the playlist just grew', { ...stopped, waitingForMs: 20_000, sinceAdvancedMs: 500 }, 'alive'],
    ['ended playlist (EXT-X-ENDLIST): the end check decides', { ...unreachable, live: false }, 'alive'],
    ['paused by the viewer', { ...unreachable, paused: true }, 'alive'],
  ])('%s → %s', (_name, change, expected) => {
    expect(judgeLiveness({ ...waiting, ...change }).kind).toBe(expected);
  });
});
