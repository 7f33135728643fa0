import { describe, expect, test } from 'vitest';
import { RoomsError } from './errors.js';

class SqliteLikeError extends Error {
  readonly code = 'SQLITE_BUSY';
}

describe('RoomsError.from: what a client hears of a failure', () => {
  test.each([
    ['a RoomsError, as is', RoomsError.roomCompleted('standup'), 53118, "Room 'standup' is completed", false],
    ['a token error (twilioCode)', Object.assign(new Error('Access token expired'), { twilioCode: 20104 }), 20104, 'Access token expired', false],
    ['a REST error (numeric code)', Object.assign(new Error('Room not found'), { code: 53106 }), 53106, 'Room not found', false],
    ['a database error (string code): its text stays on the server', new SqliteLikeError('database is locked at /srv/onair/onair.sqlite'), 53000, 'The signaling server could not handle this request', true],
    ['a bug', new TypeError("Cannot read properties of undefined (reading 'sid')"), 53000, 'The signaling server could not handle this request', true],
    ['a thrown string', 'boom', 53000, 'The signaling server could not handle this request', true],
    ['undefined', undefined, 53000, 'The signaling server could not handle this request', true],
  ])('%s', (_name, err, code, message, internal) => {
    const e = RoomsError.from(err);
    expect(e).toBeInstanceOf(RoomsError);
    expect(e.code).toBe(code);
    expect(e.message).toBe(message);
    expect(RoomsError.isInternal(err)).toBe(internal);
  });
});
