import { createHmac } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { iceServersFor, turnRestCredential } from './ice-servers.js';

describe('TURN REST credentials (coturn use-auth-secret)', () => {
  test('username is expiry:identity and the credential is base64 HMAC-SHA1 of it', () => {
    const c = turnRestCredential('s3cret', 'alice', 1_800_000_000);
    expect(c.username).toBe('1800000000:alice');
    expect(c.credential).toBe(createHmac('sha1', 's3cret').update('1800000000:alice').digest('base64'));
  });

  test.each([
    [{ servers: [] }, []],
    [{ servers: [{ urls: 'stun:stun.example.com:3478' }] }, [{ urls: 'stun:stun.example.com:3478' }]],
    [
      { servers: [{ urls: 'stun:a' }], turn: { urls: ['turn:t.example.com:3478'], secret: 'k', ttlSeconds: 600 } },
      [
        { urls: 'stun:a' },
        { urls: ['turn:t.example.com:3478'], username: '1000600:bob', credential: turnRestCredential('k', 'bob', 1_000_600).credential },
      ],
    ],
  ])('iceServersFor(%j)', (config, expected) => {
    expect(iceServersFor(config, 'bob', 1_000_000_000)).toEqual(expected);
  });
});
