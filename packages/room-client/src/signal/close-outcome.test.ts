import { describe, expect, test } from 'vitest';
import { RoomError, RoomErrorCode } from '../errors.js';
import { closeOutcome } from './close-outcome.js';

describe('closeOutcome', () => {
  const frame = RoomError.fromServer(20429, 'Too many signaling messages');
  test.each([
    [1000, undefined, 'ended', undefined],
    [4000, undefined, 'refused', 53000],
    [1008, undefined, 'refused', RoomErrorCode.SignalingBudgetSpent],
    [1008, frame, 'refused', 20429],
    [4000, RoomError.fromServer(53205, 'dup'), 'refused', 53205],
    [1006, undefined, 'lost', undefined],
    [4001, undefined, 'lost', undefined],
    [1001, undefined, 'lost', undefined],
  ])('close %d (frame %s) → %s', (code, fatal, kind, errorCode) => {
    const outcome = closeOutcome(code, '', fatal);
    expect(outcome.kind).toBe(kind);
    expect(outcome.kind === 'refused' ? outcome.error.code : undefined).toBe(errorCode);
  });

  test('a budget close is a typed RoomError with code 20429', () => {
    const outcome = closeOutcome(1008, '20429', undefined);
    expect(outcome.kind === 'refused' && outcome.error).toBeInstanceOf(RoomError);
    expect(RoomErrorCode.SignalingBudgetSpent).toBe(20429);
  });
});
