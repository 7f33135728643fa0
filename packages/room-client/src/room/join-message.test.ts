import { describe, expect, test } from 'vitest';
import { SDK_NAME } from '../version.js';
import { buildJoinMessage, iceServersFor } from './join-message.js';

const track = { name: 'mic', kind: 'audio' as const, enabled: true, streamId: 's1' };

describe('buildJoinMessage', () => {
  test('minimal', () => {
    expect(buildJoinMessage({ token: 't', room: undefined, hidden: false, tracks: [], resume: undefined })).toStrictEqual({
      type: 'join',
      token: 't',
      tracks: [],
      sdk: SDK_NAME,
    });
  });

  test('room, hidden, tracks and resume', () => {
    expect(buildJoinMessage({ token: 't', room: 'r', hidden: true, tracks: [track], resume: 'PA1' })).toStrictEqual({
      type: 'join',
      token: 't',
      tracks: [track],
      sdk: SDK_NAME,
      room: 'r',
      hidden: true,
      resume: 'PA1',
    });
  });

  test('an empty resume SID is not sent', () => {
    expect(buildJoinMessage({ token: 't', room: undefined, hidden: false, tracks: [], resume: '' })).not.toHaveProperty('resume');
  });
});

describe('iceServersFor', () => {
  test('maps the server list without undefined fields', () => {
    expect(iceServersFor([{ urls: 'stun:a' }, { urls: ['turn:b'], username: 'u', credential: 'c' }], undefined)).toStrictEqual([
      { urls: 'stun:a' },
      { urls: ['turn:b'], username: 'u', credential: 'c' },
    ]);
  });

  test('the override wins, even when empty', () => {
    expect(iceServersFor([{ urls: 'stun:a' }], [])).toStrictEqual([]);
    expect(iceServersFor([], [{ urls: 'stun:x' }])).toStrictEqual([{ urls: 'stun:x' }]);
  });
});
