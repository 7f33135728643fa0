import { describe, expect, test } from 'vitest';
import { PlayerState, nextState, type PlayerSignal } from './player-state.js';

const { Idle, Ready, Buffering, Playing, Ended } = PlayerState;

describe('nextState', () => {
  test.each<[PlayerState, PlayerSignal, PlayerState]>([
    [Idle, 'loaded', Ready],
    [Idle, 'playing', Idle],
    [Idle, 'stalled', Idle],
    [Idle, 'ended', Ended],
    [Ready, 'playing', Playing],
    [Ready, 'stalled', Ready], // a stall before the first frame is not buffering
    [Ready, 'loaded', Ready],
    [Ready, 'ended', Ended],
    [Playing, 'stalled', Buffering],
    [Playing, 'paused', Ready],
    [Playing, 'ended', Ended],
    [Buffering, 'playing', Playing],
    [Buffering, 'paused', Ready],
    [Buffering, 'ended', Ended],
    [Ended, 'playing', Ended],
    [Ended, 'loaded', Ended],
  ])('%s + %s → %s', (state, signal, next) => {
    expect(nextState(state, signal)).toBe(next);
  });

  test('a live start goes idle → ready → playing', () => {
    const seen = [Idle];
    for (const signal of ['stalled', 'loaded', 'stalled', 'playing', 'ended'] as PlayerSignal[]) {
      const next = nextState(seen[seen.length - 1]!, signal);
      if (next !== seen[seen.length - 1]) seen.push(next);
    }
    expect(seen).toStrictEqual([Idle, Ready, Playing, Ended]);
  });
});
