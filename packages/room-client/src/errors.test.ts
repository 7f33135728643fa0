import { describe, expect, test } from 'vitest';
import { RoomError, RoomErrorCode } from './errors.js';

describe('RoomError', () => {
  test.each([
    [RoomError.connectTimeout(15000), RoomErrorCode.SignalingConnectionError, /15000 ms/],
    [RoomError.signalingConnection('x'), 53000, /x/],
    [RoomError.signalingDisconnected(), 53001, /disconnected/],
    [RoomError.notConnected(), 53001, /disconnected/],
    [RoomError.requestTimeout('publishing "cam"', 10), 53002, /publishing "cam"/],
    [RoomError.trackInvalid('stopped'), 53300, /stopped/],
    [RoomError.trackNameDuplicated('cam'), 53304, /"cam"/],
    [RoomError.fromServer(53205, 'duplicate identity'), 53205, /^duplicate identity$/],
    [RoomError.refusedWithoutReason(4000, ''), 53000, /\(4000\)/],
    [RoomError.malformedJoin('bad'), 53000, /bad/],
  ])('%s', (error, code, message) => {
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('RoomError');
    expect(error.code).toBe(code);
    expect(error.message).toMatch(message);
  });

  test('keeps the cause', () => {
    const cause = new Error('socket');
    expect(RoomError.signalingConnection('cannot open', cause).cause).toBe(cause);
  });
});
