import { describe, expect, test } from 'vitest';
import { isPolite, recvOnlyKinds, roleFor } from './negotiation-plan.js';

describe('isPolite', () => {
  test('the lower SID is polite, and exactly one side is', () => {
    expect(isPolite('PA1', 'PA2')).toBe(true);
    expect(isPolite('PA2', 'PA1')).toBe(false);
    expect(isPolite('PAa', 'PAb') !== isPolite('PAb', 'PAa')).toBe(true);
  });
});

describe('recvOnlyKinds', () => {
  const tracks = (...kinds: Array<'audio' | 'video' | 'data'>) => kinds.map((kind) => ({ kind }));
  test.each([
    [[], tracks(), []],
    [['audio', 'video'], tracks('audio', 'video'), []],
    [[], tracks('audio', 'video', 'video', 'data'), ['audio', 'video', 'video']],
    [['video'], tracks('audio', 'video', 'video'), ['audio', 'video']],
    [['audio', 'audio', 'video'], tracks('audio'), []],
    [['data'], tracks('data'), []],
  ] as const)('local %j, remote %j → %j', (local, remote, expected) => {
    expect(recvOnlyKinds(local, remote)).toEqual(expected);
  });

  test.each([
    [[], tracks(), ['audio', 'video']],
    [['audio'], tracks(), ['video']],
    [['audio', 'video'], tracks(), []],
    [[], tracks('video', 'video'), ['audio', 'video', 'video']],
  ] as const)('minimum 1: local %j, remote %j → %j', (local, remote, expected) => {
    expect(recvOnlyKinds(local, remote, 1)).toEqual(expected);
  });
});

describe('roleFor', () => {
  test.each([
    ['joined', false, 'initiator'],
    ['joined', true, 'initiator'],
    ['participant-joined', false, 'responder'],
    ['participant-joined', true, 'initiator'],
    ['offer', false, 'responder'],
    ['offer', true, 'responder'],
  ] as const)('%s (hidden self: %s) → %s', (reason, hidden, role) => {
    expect(roleFor(reason, hidden)).toBe(role);
  });
});
